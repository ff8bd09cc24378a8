//! The firmware library's process migration (`migrate.s`) through the real `aether` binary,
//! with small programs written here: a process lands on another node with its data stack,
//! the declared return-stack words and state block as the test pushed them; the source,
//! the landing and a proxy's forwarding cost the cycles docs/firmware.md's formulas say;
//! messages to the old inbox, sent before and after the move, reach the moved process
//! through the proxy, and one sent after it ended comes back to its sender; and every
//! misuse faults with the documented code at the documented line of `migrate.s`.

use aether_tests::cosim_support;
use aether_tests::fw_support;
use aether_tests::workspace_root;

use cosim_support::{cost, costs, log, report, scenario};

/// `migrate.s`: the assertion codes, as docs/firmware.md lists them.
const MIG_E_NODE: u64 = 0xA20;
const MIG_E_TOO_BIG: u64 = 0xA21;
const MIG_E_DOWN: u64 = 0xA22;
const MIG_E_BAD: u64 = 0xA23;
const MIG_E_IMAGE: u64 = 0xA24;
const MIG_E_FWD_BIG: u64 = 0xA26;
/// `migrate.s`: the most payload words of a MIGRATE and its header words.
const MIG_MAX: u64 = 256;
const MIG_HDR: u64 = 6;
/// `RETURNED` (docs/isa.md): bit 31 of a returned message's type.
const RETURNED: u64 = 0x8000_0000;

/// docs/firmware.md's cost of `migrate` on the source, from its first instruction through
/// its `wait` for `MIG_LANDED`, and from that wait's end through the proxy's first `wait`.
fn source_cost(d: u64, r: u64, n: u64) -> (u64, u64) {
    (185 + 9 * d + 12 * r + 17 * n, 67)
}

/// docs/firmware.md's cost of a landing on a `mig_daemon` node, from the end of the `wait`
/// the MIGRATE ends through the daemon's next `wait` (both process switches included, the
/// landed process's own cycles after its resume point not).
fn landing_cost(d: u64, r: u64, n: u64) -> u64 {
    233 + 13 * d + 12 * r + 17 * n
}

/// docs/firmware.md: `mig_daemon` from its first instruction through its first `wait`.
const DAEMON_START: u64 = 27;

/// docs/firmware.md's cost of forwarding one message of `w` payload words on a proxy, from
/// the end of the `wait` it ends through the next `wait`.
fn forward_cost(w: u64) -> u64 {
    97 + 2 * w
}

/// The 1-based line of the `nth` (from 0) line of `migrate.s` that is `text` without its
/// comment and surrounding blanks.
fn line_of(text: &str, nth: usize) -> usize {
    let source = std::fs::read_to_string(workspace_root().join("programs/lib/migrate.s"))
        .expect("migrate.s");
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.split(';').next().unwrap_or_default().trim() == text)
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("migrate.s has no line {text:?} number {nth}"))
}

/// Runs `program` on nodes 0 (entry `go`), 1 (entry `host`) and, when `pinger`, 2 (entry
/// `pinger`), with `extra` scenario lines for every node; asserts the exit code.
fn run(program: &str, pinger: bool, extra: &str, code: i32) -> serde_json::Value {
    let mut text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[defaults]\nprogram = \"p\"\n{extra}\n\n[[nodes]]\nid = 0\nentry = \"go\"\n\n[[nodes]]\nid = 1\nentry = \"host\"\n",
        fw_support::lib_dir()
    );
    if pinger {
        text += "\n[[nodes]]\nid = 2\nentry = \"pinger\"\n";
    }
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    report(&path, &[], code)
}

/// A process on node 0 with `d` words on its data stack (100, 101, ..), `r` words on its
/// return stack (200, 201, ..) and a state block of `n` words (7, 8, ..) migrates to node
/// 1, which runs `mig_daemon`. There it logs tag 1: its data stack, the new inbox and the
/// return-stack words (top first), and tag 2: the block as it finds it; then it exits.
fn move_program(d: u64, r: u64, n: u64) -> String {
    let block: Vec<u64> = (0..n.max(1)).map(|i| 7 + i).collect();
    let xs: String = (0..d).map(|i| format!("    push {}\n", 100 + i)).collect();
    let rs: String = (0..r)
        .map(|i| format!("    push {}\n    tor\n", 200 + i))
        .collect();
    let pops = "    fromr\n".repeat(r as usize);
    let loads: String = (0..n).map(|i| format!("    loadi state + {i}\n")).collect();
    format!(
        r#"
.import "migrate.s"
.data
state: .word {block}
dbuf: .space MIG_BUF
.code
.entry go
.entry host
host:
    push dbuf
    call mig_daemon
go:
{xs}{rs}    push {r}
    push state
    push {n}
    open
    push 1
    call migrate
{pops}    push 1
    emit {e1}
{loads}    push 2
    emit {n}
    exit
"#,
        block = fw_support::words(&block),
        e1 = d + r + 1,
    )
}

#[test]
fn a_process_lands_with_its_stacks_and_block_at_the_documented_cost() {
    for (d, r, n) in [
        (0, 0, 0),
        (1, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
        (5, 3, 4),
        (20, 6, 40),
    ] {
        let what = format!("d {d}, r {r}, n {n}");
        let rep = run(&move_program(d, r, n), false, "", 0);
        let records: Vec<(u64, u64, Vec<u64>)> = log(&rep)
            .into_iter()
            .map(|(node, _, tag, v)| (node, tag, v))
            .collect();
        // The first inbox opened on node 1 is inbox 1 (docs/isa.md).
        let mut stacks: Vec<u64> = (0..d).map(|i| 100 + i).collect();
        stacks.push(1);
        stacks.extend((0..r).rev().map(|i| 200 + i));
        let block: Vec<u64> = (0..n).map(|i| 7 + i).collect();
        assert_eq!(records, vec![(1, 1, stacks), (1, 2, block)], "{what}");

        let busy = |node: usize| rep["nodes"][node]["cycles"]["busy"].as_u64().expect("busy");
        let largest = |node: usize| {
            rep["nodes"][node]["largest_activation"]["cycles"]
                .as_u64()
                .expect("activation")
        };
        // Node 0: the pushes, open and the call, then migrate up to its wait (its first
        // activation); the proxy's part after MIG_LANDED is the second.
        let before = d * cost("push")
            + r * costs(&["push", "tor"])
            + costs(&["push", "push", "push", "open", "push", "call"]);
        let (wait, after) = source_cost(d, r, n);
        assert_eq!(largest(0), before + wait, "{what}: source up to its wait");
        assert_eq!(busy(0), before + wait + after, "{what}: source in all");
        // Node 1: the daemon's start, then the landing with the landed process's own code.
        let own = r * cost("fromr")
            + costs(&["push", "emit"])
            + n * cost("loadi")
            + costs(&["push", "emit", "exit"]);
        let start = costs(&["push", "call"]) + DAEMON_START;
        assert_eq!(largest(1), landing_cost(d, r, n) + own, "{what}: landing");
        assert_eq!(
            busy(1),
            start + landing_cost(d, r, n) + own,
            "{what}: host in all"
        );
        assert_eq!(
            fw_support::count(&rep, "MIGRATE", "bits"),
            160 + 32 * (MIG_HDR + d + r + n),
            "{what}: one MIGRATE of the header and d + r + n words"
        );
    }
}

/// A process on node 0 opens its inbox (inbox 1), sleeps `pre` cycles and migrates to node
/// 1, where it receives `k` messages and logs tag 1 for each: payload word 0, source node,
/// reply-to; then it exits. Node 2 sends the `k` PINGs of `w` words (word 0 = its number)
/// to node 0's inbox 1, `gap` cycles apart after a first sleep of `delay`, with reply-to its
/// inbox 0, then one more after `late` cycles; it logs tag 2 for the message that comes
/// back to it: type, source node, payload word 0.
fn forward_program(pre: u64, k: u64, w: u64, delay: u64, gap: u64, late: u64) -> String {
    format!(
        r#"
.import "migrate.s"
.msg PING = 1
.data
state: .word 0
dbuf: .space MIG_BUF
out: .space {w}
rx: .space 4 + {w}
.code
.entry go
.entry host
.entry pinger
host:
    push dbuf
    call mig_daemon
go:
    open
    push {pre}
    sleep
    tor
    push 0
    push state
    push 0
    fromr
    push 1
    call migrate
    push {k}
.loop:
    dup
    jz .done
    push rx
    push {w}
    pick 3
    push -1
    call recv_timeout
    drop
    loadi rx + 4
    loadi rx + 1
    loadi rx + 2
    push 1
    emit 3
    addi -1
    jmp .loop
.done:
    exit
pinger:
    push {delay}
    sleep
    push 0
.next:
    dup
    storei out
    call ping
    push {gap}
    sleep
    addi 1
    dup
    push {k}
    lt
    jnz .next
    push {late}
    sleep
    call ping
    push rx
    push {w}
    push 0
    push -1
    call recv_timeout
    drop
    loadi rx
    loadi rx + 1
    loadi rx + 4
    push 2
    emit 3
    halt
ping:
    push out
    push {w}
    push PING
    push (0 << ADDR_SHIFT) | 1
    push 0
    call my_addr
    send
    ret
"#
    )
}

#[test]
fn messages_to_the_old_inbox_are_forwarded_and_come_back_once_it_has_ended() {
    // PINGs 0..8, 1000 cycles apart from t = 0; the process moves at 3000 cycles, so the
    // first ones wait in the old inbox (forwarded when the proxy starts), the others reach
    // the proxy; the late one finds the moved process gone and comes back from node 1.
    let k = 8;
    let rep = run(&forward_program(3000, k, 3, 0, 1000, 20_000), true, "", 0);
    let records = log(&rep);
    let pinger = 2 << 16;
    let got: Vec<Vec<u64>> = records
        .iter()
        .filter(|r| r.2 == 1)
        .map(|r| {
            assert_eq!(r.0, 1, "received on node 1");
            r.3.clone()
        })
        .collect();
    let want: Vec<Vec<u64>> = (0..k).map(|i| vec![i, 0, pinger]).collect();
    assert_eq!(
        got, want,
        "every PING, in order, from the proxy on node 0, reply-to kept"
    );
    let moved_at = records.iter().find(|r| r.2 == 1).expect("a record").1;
    assert!(
        moved_at > 3_000_000_000,
        "the first PING is taken after the move"
    );
    let back: Vec<Vec<u64>> = records
        .iter()
        .filter(|r| r.2 == 2)
        .map(|r| r.3.clone())
        .collect();
    assert_eq!(
        back,
        vec![vec![RETURNED | 1, 1, k - 1]],
        "the late PING came back"
    );
    assert_eq!(fw_support::count(&rep, "PING", "returned"), 1);
}

#[test]
fn a_proxy_forwards_a_message_at_the_documented_cost() {
    // The PINGs reach node 0 long after the proxy waits: each costs the proxy its formula,
    // the late one (k + 1 in all) too.
    for (k, w) in [(1, 1), (1, 9), (3, 4)] {
        let rep = run(&forward_program(0, k, w, 5000, 1000, 20_000), true, "", 0);
        let (wait, after) = source_cost(0, 0, 0);
        let before = costs(&["open", "push", "sleep", "tor", "push", "push", "push"])
            + costs(&["fromr", "push", "call"]);
        assert_eq!(
            rep["nodes"][0]["cycles"]["busy"].as_u64(),
            Some(before + wait + after + (k + 1) * forward_cost(w)),
            "k {k}, w {w}"
        );
    }
}

/// The one fault of a report: (node, kind, message, source).
fn the_fault(rep: &serde_json::Value) -> (u64, String, String, String) {
    let faults = rep["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{faults:?}");
    let f = &faults[0];
    (
        f["node"].as_u64().expect("node"),
        f["kind"].as_str().expect("kind").to_string(),
        f["message"].as_str().expect("message").to_string(),
        f["source"].as_str().expect("source").to_string(),
    )
}

/// Asserts that `rep` holds one assertion fault with `code` on `node`, raised at the `nth`
/// `assert` line naming `name` in migrate.s.
fn assert_fault(rep: &serde_json::Value, node: u64, code: u64, name: &str, nth: usize) {
    let (at, kind, message, source) = the_fault(rep);
    assert_eq!((at, kind.as_str()), (node, "assertion"), "{message}");
    assert_eq!(message, format!("assertion {code} failed"));
    let line = line_of(&format!("assert {name}"), nth);
    assert!(
        source.ends_with(&format!("migrate.s:{line}:5")),
        "{source}, want line {line}"
    );
}

/// A node 0 that migrates a process (with `setup` before) to `node` with a block of `n`
/// words and `r` declared return words (one pushed), and a node 1 that runs `host_code`.
fn misuse_program(setup: &str, r: u64, n: u64, node: u64, host_code: &str) -> String {
    format!(
        r#"
.import "migrate.s"
.msg PING = 1
.data
state: .space 300
dbuf: .space MIG_BUF
.code
.entry go
.entry host
host:
{host_code}
go:
{setup}
    push 5
    tor
    push {r}
    push state
    push {n}
    open
    push {node}
    call migrate
    halt
"#
    )
}

const DAEMON: &str = "    push dbuf\n    call mig_daemon";

#[test]
fn a_destination_that_is_down_faults_the_source_with_mig_e_down() {
    // Node 1 halted: its inbox 0 stays open and keeps the MIGRATE; no MIG_LANDED comes
    // within mig_timeout (set to 5000 cycles), the first MIG_E_DOWN check fails.
    let setup = "    push 5000\n    storei mig_timeout";
    let rep = run(&misuse_program(setup, 1, 1, 1, "    halt"), false, "", 1);
    assert_fault(&rep, 0, MIG_E_DOWN, "MIG_E_DOWN", 0);
    let t = rep["faults"][0]["time_fs"].as_u64().expect("time") / 1_000_000;
    let waited = source_cost(0, 1, 1).0;
    assert!(
        (5000..5000 + waited + 100).contains(&t),
        "faulted at {t} ns, after the 5000-cycle timeout and the source's own cycles"
    );
    // Node 1's process 0 exited: inbox 0 is closed, the MIGRATE comes back at once and the
    // second check (the answer's type) fails.
    let rep = run(&misuse_program("", 1, 1, 1, "    exit"), false, "", 1);
    assert_fault(&rep, 0, MIG_E_DOWN, "MIG_E_DOWN", 1);
    assert_eq!(fw_support::count(&rep, "MIGRATE", "returned"), 1);
}

#[test]
fn misuse_faults_with_the_documented_code_and_line() {
    // A destination that is not a node of the run (2 nodes).
    let rep = run(&misuse_program("", 1, 1, 2, DAEMON), false, "", 1);
    assert_fault(&rep, 0, MIG_E_NODE, "MIG_E_NODE", 0);
    // A block over MIG_MAX words; then one that fits alone but not with the header and
    // the declared return word.
    let rep = run(&misuse_program("", 1, MIG_MAX + 1, 1, DAEMON), false, "", 1);
    assert_fault(&rep, 0, MIG_E_TOO_BIG, "MIG_E_TOO_BIG", 1);
    let rep = run(
        &misuse_program("", 1, MIG_MAX - MIG_HDR, 1, DAEMON),
        false,
        "",
        1,
    );
    assert_fault(&rep, 0, MIG_E_TOO_BIG, "MIG_E_TOO_BIG", 2);
    // More return words declared than the return stack holds: a stack underflow in the
    // loop that takes them.
    let rep = run(&misuse_program("", 2, 1, 1, DAEMON), false, "", 1);
    let (node, kind, _, source) = the_fault(&rep);
    assert_eq!((node, kind.as_str()), (0, "stack_underflow"));
    let line = line_of("fromr", 1);
    assert!(source.ends_with(&format!("migrate.s:{line}:5")), "{source}");
    // A message that is not a MIGRATE sent to a daemon.
    let setup = "    push dbuf\n    push 1\n    push PING\n    push 1 << ADDR_SHIFT\n    push -1\n    send\n    halt";
    let rep = run(&misuse_program(setup, 1, 1, 1, DAEMON), false, "", 1);
    assert_fault(&rep, 1, MIG_E_BAD, "MIG_E_BAD", 0);
}

#[test]
fn a_process_from_another_image_is_refused() {
    // Node 1 runs the same source with one more instruction in front: every code address,
    // mig_resume's too, is one further on, so its daemon refuses node 0's MIGRATE.
    let program = misuse_program("", 1, 1, 1, DAEMON);
    let shifted = program.replacen(".code\n", ".code\n    nop\n", 1);
    assert_ne!(program, shifted);
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{lib}\"]\n\n[programs.q]\nsources = [\"q.s\"]\nlib = [\"{lib}\"]\n\n[[nodes]]\nid = 0\nprogram = \"p\"\nentry = \"go\"\n\n[[nodes]]\nid = 1\nprogram = \"q\"\nentry = \"host\"\n",
        lib = fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", &program), ("q.s", &shifted)]);
    let rep = report(&path, &["--until", "2 ms"], 1);
    let faults = rep["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 2, "{faults:?}");
    // Node 1 refuses the MIGRATE; node 0, with no MIG_LANDED, times out.
    assert_eq!(faults[0]["node"], 1);
    assert_eq!(
        faults[0]["message"],
        format!("assertion {MIG_E_IMAGE} failed")
    );
    assert_eq!(faults[1]["node"], 0);
    assert_eq!(
        faults[1]["message"],
        format!("assertion {MIG_E_DOWN} failed")
    );
}

#[test]
fn a_message_too_long_to_forward_faults_the_proxy() {
    // PINGs of MIG_MAX + 1 words reach the proxy: it faults rather than cut them.
    let program = forward_program(0, 1, MIG_MAX + 1, 5000, 1000, 20_000);
    let rep = run(&program, true, "", 1);
    assert_fault(&rep, 0, MIG_E_FWD_BIG, "MIG_E_FWD_BIG", 0);
}
