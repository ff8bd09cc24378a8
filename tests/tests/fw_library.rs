//! The firmware library's receive, stash and dispatch routines through the real `aether`
//! binary, with small programs written here: selective receive keeps the other messages in
//! order, `recv_timeout` times out after its cycles, guarded messages wait for their guard,
//! a served message costs what docs/firmware.md's formula says, and rpc_gather reports an
//! answer, a returned request and a timeout per target.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use cosim_support::{log, report, scenario};

/// A stimulus component `id` sending `count` messages of `ty` with payload `[7, 8]` (and
/// the sequence number) to node 0's inbox 0, one every `period_ns`.
fn stimulus(id: u32, ty: u32, start_ns: u32, count: u32, period_ns: u32) -> String {
    stimulus_with(id, ty, &[7, 8], start_ns, count, period_ns)
}

/// [`stimulus`] with the payload `payload` before the sequence number.
fn stimulus_with(
    id: u32,
    ty: u32,
    payload: &[u32],
    start_ns: u32,
    count: u32,
    period_ns: u32,
) -> String {
    format!(
        r#"
[[components]]
kind = "stimulus"
id = {id}
dst = {{ node = 0, inbox = 0 }}
type = {ty}
payload = {payload:?}
sequence = true
start = "{start_ns} ns"
period = "{period_ns} ns"
count = {count}
"#
    )
}

fn run(program: &str, components: &str) -> serde_json::Value {
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[[nodes]]\nid = 0\nprogram = \"p\"\n{components}",
        fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    report(&path, &[], 0)
}

/// Runs `program` with one node per `(id, entry)`.
fn run_entries(program: &str, entries: &[(u32, &str)]) -> serde_json::Value {
    let nodes: String = entries
        .iter()
        .map(|(id, entry)| format!("\n[[nodes]]\nid = {id}\nentry = \"{entry}\"\n"))
        .collect();
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[defaults]\nprogram = \"p\"\n{nodes}",
        fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    report(&path, &[], 0)
}

const SELECT: &str = r#"
.import "msg.s"
.data
stash: .space STASH_HDR + 8 * 8
buf: .space 8
t0: .word 0
.code
main:
    push stash
    push 8
    push 8
    call stash_init
    push buf
    push stash
    push 0
    push 3
    push -1
    call recv_select    ; len: logged with the type and payload word 2
    loadi buf
    loadi buf+6
    push 10
    emit 3
    push 4
.drain:
    push buf
    push stash
    push 0
    push -1
    call stash_recv
    loadi buf
    loadi buf+6
    push 11
    emit 3
    addi -1
    dup
    jnz .drain
    drop
    cycles
    storei t0
    push buf
    push 4
    push 0
    push 500
    call recv_timeout
    cycles
    loadi t0
    sub
    push 12
    emit 2
    halt
"#;

#[test]
fn selective_receive_keeps_the_other_messages_in_order_and_timeouts_expire() {
    // Types 1 and 2 alternate (1 at 100 and 300 ns, 2 at 200 and 400 ns), type 3 at 500 ns.
    let comps = [
        stimulus(1, 1, 100, 2, 200),
        stimulus(2, 2, 200, 2, 200),
        stimulus(3, 3, 500, 1, 200),
    ]
    .concat();
    let r = run(SELECT, &comps);
    let records: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    // Each record is (payload length, type, payload word 2); the stimulus payload is [7, 8]
    // plus its sequence number (docs/scenario.md), so 3 words.
    assert_eq!(records[0], (10, vec![3, 3, 0]));
    let rest: Vec<(u64, Vec<u64>)> = records[1..5].to_vec();
    assert_eq!(
        rest,
        vec![
            (11, vec![3, 1, 0]),
            (11, vec![3, 2, 0]),
            (11, vec![3, 1, 1]),
            (11, vec![3, 2, 1]),
        ]
    );
    let (tag, values) = &records[5];
    assert_eq!(*tag, 12);
    assert_eq!(values[0], u64::from(u32::MAX), "recv_timeout returns -1");
    assert!(values[1] >= 500, "timed out after {} cycles", values[1]);
}

const GUARDED: &str = r#"
.import "dispatch.s"
.data
table:
    .word 2
    .word 1, ready, on_a
    .word 2, 0, on_b
stash: .space STASH_HDR + 8 * 8
open_: .word 0
.code
main:
    push stash
    push 8
    push 8
    call stash_init
    push table
    push stash
    call dispatch_forever
ready:
    drop
    loadi open_
    ret
on_a:
    addi 6
    load
    push 1
    emit 1
    ret
on_b:
    drop
    push 1
    storei open_
    push 0
    push 2
    emit 1
    ret
"#;

#[test]
fn a_guarded_message_waits_in_order_until_its_guard_holds() {
    // Two type-1 messages (guarded by `open_`) arrive before the type-2 message that opens it.
    let comps = [stimulus(1, 1, 100, 2, 200), stimulus(2, 2, 600, 1, 200)].concat();
    let r = run(GUARDED, &comps);
    let records: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    assert_eq!(records, vec![(2, vec![0]), (1, vec![0]), (1, vec![1])]);
}

const SERVE: &str = r#"
.import "dispatch.s"
.data
table:
    .word 3
    .word 5, 0, on_other
    .word 1, 0, on_ping
    .word 9, 0, on_other
stash: .space STASH_HDR + 12 * 4
.code
main:
    push stash
    push 12
    push 4
    call stash_init
    push table
    push stash
    call dispatch_forever
on_other:
    drop
    ret
on_ping:
    drop
    ret
"#;

#[test]
fn a_served_message_costs_the_documented_cycles() {
    // docs/firmware.md: a lone message to an idle dispatch_forever costs 328 + 13 j + H + W
    // cycles, j = its entry's position, H = the handler's cycles (drop, ret), W = payload
    // words (the stimulus payload and its sequence number). Two more messages, far apart,
    // add exactly twice that. Checked at every position of the table and three sizes.
    for (ty, j, payload) in [
        (5, 0, &[][..]),
        (1, 1, &[7, 8][..]),
        (9, 2, &[1, 2, 3, 4, 5][..]),
    ] {
        let busy = |count| {
            let r = run(SERVE, &stimulus_with(1, ty, payload, 1000, count, 5000));
            r["nodes"][0]["cycles"]["busy"].as_u64().expect("busy")
        };
        let words = payload.len() as u64 + 1;
        let per_message = 328 + 13 * j + cosim_support::costs(&["drop", "ret"]) + words;
        assert_eq!(
            busy(3) - busy(1),
            2 * per_message,
            "type {ty}, {words} words"
        );
    }
}

const GATHER: &str = r#"
.import "dispatch.s"
.import "rpc.s"
.msg Q = 1
.data
table:
    .word 1
    .word Q, 0, on_q
stash: .space STASH_HDR + 8 * 4
targets: .word 1 << 16, 1 << 16 | 9, 2 << 16
req: .space 1
out: .space 2 * 3 + 6
buf: .space 5
.code
.entry gatherer
.entry answerer
.entry silent
gatherer:
    push req
    push 1
    push Q
    push targets
    push 3
    push out
    push 2000
    call rpc_gather
    loadi out
    loadi out+1
    loadi out+2
    cycles
    push 20
    emit 5
    halt
answerer:
    push table
    push stash
    push 8
    push 4
    call dispatch_run
on_q:
    push 42
    call rpc_reply
    ret
silent:
    push buf
    push 1
    push 0
    push -1
    call recv_timeout
    drop
    jmp silent
"#;

#[test]
fn rpc_gather_reports_each_target() {
    // Node 1 answers 42 on inbox 0 and has no inbox 9; node 2 takes requests and never answers.
    let r = run_entries(GATHER, &[(0, "gatherer"), (1, "answerer"), (2, "silent")]);
    let records: Vec<(u64, u64, Vec<u64>)> =
        log(&r).into_iter().map(|(n, _, t, v)| (n, t, v)).collect();
    assert_eq!(records.len(), 1);
    let (node, tag, v) = &records[0];
    assert_eq!((*node, *tag), (0, 20));
    let returned = u64::from(u32::MAX - 1);
    let timeout = u64::from(u32::MAX);
    assert_eq!(
        v[..4],
        [1, 42, returned, timeout],
        "got, then one word per target"
    );
    assert!(v[4] >= 2000, "the timeout ran its 2000 cycles ({})", v[4]);
    assert_eq!(fw_support::count(&r, "Q", "returned"), 1);
}

/// A client on node 0 calling node 1 with a request of `len` words and room for `rmax`
/// answer words; the server answers `answer` words with `rpc_reply_buf`.
fn call_program(len: u32, rmax: u32, answer: u32) -> String {
    format!(
        r#"
.import "dispatch.s"
.import "rpc.s"
.msg Q = 1
.data
table:
    .word 1
    .word Q, 0, on_q
stash: .space STASH_HDR + 12 * 4
req: .space {len}
rep: .space 4 + {rmax}
ans: .space {answer}
.code
.entry client
.entry server
client:
    push req
    push {len}
    push Q
    push 1 << 16
    push rep
    push {rmax}
    push 1000
    call rpc_call
    halt
server:
    push table
    push stash
    push 12
    push 4
    call dispatch_run
on_q:
    push ans
    push {answer}
    call rpc_reply_buf
    ret
"#
    )
}

#[test]
fn an_rpc_call_costs_the_documented_cycles() {
    // docs/firmware.md: rpc_call costs 89 + len + R when the answer comes, R = recv_timeout's
    // 15 + W plus await's 40 for one wait with a finite timeout; W = the answer words
    // received, at most rmax. Checked at three request and answer sizes.
    for (len, rmax, answer) in [(2, 2, 2), (5, 4, 4), (7, 3, 6)] {
        let r = run_entries(
            &call_program(len, rmax, answer),
            &[(0, "client"), (1, "server")],
        );
        let arguments = cosim_support::costs(&["push"; 7]) + cosim_support::cost("call");
        let words = u64::from(answer.min(rmax));
        let rpc_call = 89 + u64::from(len) + (15 + words + 40);
        let expected = arguments + rpc_call + cosim_support::cost("halt");
        assert_eq!(
            r["nodes"][0]["cycles"]["busy"].as_u64(),
            Some(expected),
            "len {len}, rmax {rmax}, answer {answer}"
        );
    }
}

const TIMEOUTS: &str = r#"
.import "rpc.s"
.msg Q = 1
.data
buf: .space 6
targets: .word 1 << ADDR_SHIFT, 1 << ADDR_SHIFT
out: .space 2 * 2 + 6
.code
.entry main
.entry idle
main:
    cycles
    push 0
    push 300
    call await
    cycles
    rot
    sub
    push 30
    emit 2
    cycles
    push buf
    push 2
    push 0
    push 300
    call recv_timeout
    cycles
    rot
    sub
    push 31
    emit 2
    cycles
    push buf
    push 2
    push Q
    push 1 << ADDR_SHIFT
    push buf
    push 2
    push 500
    call rpc_call
    cycles
    rot
    sub
    push 32
    emit 2
    cycles
    push buf
    push 3
    push Q
    push targets
    push 2
    push out
    push 500
    call rpc_gather
    cycles
    rot
    sub
    push 33
    emit 2
    halt
idle:
    halt
"#;

#[test]
fn timed_out_waits_cost_the_documented_totals() {
    // docs/firmware.md: on a timeout `await` takes timeout + 36 cycles in all,
    // `recv_timeout` timeout + 47, `rpc_call` 119 + len + timeout and `rpc_gather`
    // timeout + 17 + 99 n (node 1 halted at once and never reads the requests). Each record
    // is (result, cycles from the first `cycles` to the second), which adds that `cycles`,
    // the argument pushes and the `call`.
    let r = run_entries(TIMEOUTS, &[(0, "main"), (1, "idle")]);
    let records: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    let around = |pushes: usize| {
        cosim_support::costs(&["cycles"])
            + cosim_support::costs(&vec!["push"; pushes])
            + cosim_support::cost("call")
    };
    let timeout = u64::from(u32::MAX);
    assert_eq!(
        records,
        vec![
            (30, vec![0, around(2) + 300 + 36]),
            (31, vec![timeout, around(4) + 300 + 47]),
            (32, vec![timeout, around(7) + 119 + 2 + 500]),
            (33, vec![0, around(7) + 500 + 17 + 99 * 2]),
        ]
    );
}
