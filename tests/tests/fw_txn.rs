//! The firmware library's transactional handlers (`txn.s`) through the real `aether` binary,
//! with small programs written here: a committed handler's held sends go out and its writes
//! stay; every way of failing (txn_abort, txn_assert, a full log, proc_fail, exit) restores
//! the state block and sends nothing; each costs the cycles docs/firmware.md's formula says;
//! and a handler that breaks the no-waiting rule faults the node rather than committing.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use cosim_support::{cost, costs, log, report, scenario};

/// `txn.s`: the abort codes and assertion code, as docs/firmware.md lists them.
const TXN_E_LOG_FULL: u64 = 0xA10;
const TXN_E_ENDED: u64 = 0xA11;
const LIB_E_TXN_LOST: u64 = 0xA13;
/// The code the handlers here abort with.
const CODE: u64 = 7;
/// `mon_exit`'s cycles with no watch record (docs/firmware.md, monitors).
const MON_EXIT: u64 = 319;

/// How the test handler ends.
#[derive(Clone, Copy, Debug)]
enum Ending {
    Return,
    Abort,
    AssertFalse,
    LogFull,
    ProcFail,
    Exit,
}

impl Ending {
    /// The handler's last lines.
    fn asm(self) -> String {
        match self {
            Ending::Return => "    ret".into(),
            Ending::Abort => format!("    push {CODE}\n    call txn_abort"),
            Ending::AssertFalse => format!("    push 0\n    push {CODE}\n    call txn_assert"),
            Ending::LogFull => format!("{}    ret", send_asm(1)),
            Ending::ProcFail => format!("    push {CODE}\n    call proc_fail"),
            Ending::Exit => "    exit".into(),
        }
    }
}

/// A handler's `txn_send` of `w` words from `buf` to this node's inbox 0, without reply-to.
fn send_asm(w: u32) -> String {
    format!(
        "    push buf\n    push {w}\n    push OUT\n    push 0\n    push -1\n    call txn_send\n"
    )
}

/// A node that runs one transaction over a state block of `n` words (1, 2, .. n) whose
/// handler writes its first and last word, passes a `txn_assert`, logs sends of `sends` words (the log holds
/// exactly those) and ends as `ending` says. It logs tag 1: txn_init's measured cycles,
/// then tag 2: txn_call's measured cycles, ok, the abort code, the block's first and last
/// word, commits and aborts.
fn program(n: u32, sends: &[u32], ending: Ending) -> String {
    let cap: u32 = sends.iter().map(|w| 4 + w).sum();
    let init: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let body: String = sends.iter().map(|&w| send_asm(w)).collect();
    format!(
        r#"
.import "txn.s"
.import "monitor.s"
.msg OUT = 5
.data
state: .word {init}
ctx: .space TXN_HDR + {n} + {cap} + 1
buf: .word 10, 20, 30, 40, 50, 60, 70, 80
t0: .word 0
.code
main:
    cycles
    storei t0
    push ctx
    push state
    push {n}
    push {cap}
    call txn_init
    cycles
    loadi t0
    sub
    push 1
    emit 1
    cycles
    storei t0
    push 0
    push body
    push ctx
    call txn_call
    cycles
    loadi t0
    sub
    swap
    loadi ctx + TXN_CODE
    loadi state
    loadi state + {n} - 1
    loadi ctx + TXN_COMMITS
    loadi ctx + TXN_ABORTS
    push 2
    emit 7
    halt
body:
    drop
    push 99
    storei state
    push 98
    storei state + {n} - 1
    push 1
    push {CODE}
    call txn_assert
{body}{ending}
"#,
        init = init.join(", "),
        ending = ending.asm(),
    )
}

fn run(program: &str) -> serde_json::Value {
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[[nodes]]\nid = 0\nprogram = \"p\"\n",
        fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    report(&path, &[], 0)
}

/// docs/firmware.md's cost of `txn_call` for a block of `n` words, with `handler` the
/// handler's cycles before its ending (its writes and `txn_send` calls) and `sends` the
/// words of the sends it logged.
fn expected(n: u64, handler: u64, sends: &[u32], ending: Ending) -> u64 {
    let call = cost("call");
    let push = cost("push");
    let held: u64 = sends.iter().map(|&w| 35 + u64::from(w)).sum();
    match ending {
        Ending::Return => 156 + 16 * n + (handler + cost("ret")) + held,
        Ending::Abort => 158 + 32 * n + (handler + push + call),
        Ending::AssertFalse => 160 + 32 * n + (handler + 2 * push + call),
        Ending::LogFull => 194 + 32 * n + (handler + 5 * push + call),
        Ending::ProcFail => 129 + 32 * n + (handler + push + call) + 2 + MON_EXIT,
        Ending::Exit => 129 + 32 * n + handler + cost("exit"),
    }
}

#[test]
fn each_ending_settles_the_transaction_and_costs_the_documented_cycles() {
    let endings = [
        Ending::Return,
        Ending::Abort,
        Ending::AssertFalse,
        Ending::LogFull,
        Ending::ProcFail,
        Ending::Exit,
    ];
    for (n, sends) in [(1, &[][..]), (3, &[2][..]), (8, &[1, 5, 3][..])] {
        for ending in endings {
            let r = run(&program(n, sends, ending));
            let what = format!("n {n}, sends {sends:?}, {ending:?}");
            let records: Vec<(u64, Vec<u64>)> =
                log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
            assert_eq!(records.len(), 2, "{what}: {records:?}");
            // Measured from one `cycles` to the next: the `storei`, the pushes and the call.
            let around = costs(&["cycles", "storei", "call"]);
            let init = records[0].1[0];
            assert_eq!(init, around + 4 * cost("push") + 38, "{what}: txn_init");
            let v = &records[1].1;
            let txn_send = |w: u32| 5 * cost("push") + cost("call") + 80 + 16 * u64::from(w);
            // The writes, then a txn_assert that holds (5 cycles), then the sends.
            let handler = costs(&["drop", "push", "storei", "push", "storei"])
                + costs(&["push", "push", "call"])
                + 5
                + sends.iter().map(|&w| txn_send(w)).sum::<u64>();
            let call = around + 3 * cost("push") + expected(n.into(), handler, sends, ending);
            assert_eq!(v[0], call, "{what}: txn_call");
            let committed = matches!(ending, Ending::Return);
            let code = match ending {
                Ending::Return => 0,
                Ending::Abort | Ending::AssertFalse => CODE,
                Ending::LogFull => TXN_E_LOG_FULL,
                Ending::ProcFail | Ending::Exit => TXN_E_ENDED,
            };
            let (first, last) = if committed {
                (if n == 1 { 98 } else { 99 }, 98)
            } else {
                (1, u64::from(n))
            };
            assert_eq!(
                v[1..],
                [
                    u64::from(committed),
                    code,
                    first,
                    last,
                    u64::from(committed),
                    u64::from(!committed)
                ],
                "{what}: ok, code, block, counters"
            );
            let sent = if committed { sends.len() as u64 } else { 0 };
            assert_eq!(fw_support::count(&r, "OUT", "sent"), sent, "{what}");
            assert_eq!(
                r["nodes"][0]["processes"], 1,
                "{what}: the handler's process ended"
            );
        }
    }
}

#[test]
fn held_sends_go_out_in_order_with_their_payload_as_logged() {
    // The handler logs two sends, then overwrites the buffer: the packets carry what was
    // logged, in the order logged.
    let program = r#"
.import "txn.s"
.import "msg.s"
.msg OUT = 5
.data
state: .word 0
ctx: .space TXN_HDR + 1 + 16
buf: .word 3, 4, 5
rx: .space 8
.code
.entry main
.entry sink
main:
    push ctx
    push state
    push 1
    push 16
    call txn_init
    push 0
    push body
    push ctx
    call txn_call
    push 1
    emit 1
    halt
body:
    drop
    push buf
    push 3
    push OUT
    push 1 << 16
    push -1
    call txn_send
    push 9
    storei buf
    push buf
    push 1
    push OUT
    push 1 << 16
    push -1
    call txn_send
    push 0
    storei buf
    ret
sink:
    push rx
    push 4
    push 0
    push -1
    call recv_timeout
    loadi rx + 4
    loadi rx + 5
    loadi rx + 6
    push 2
    emit 4
    jmp sink
"#;
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[defaults]\nprogram = \"p\"\n\n[[nodes]]\nid = 0\nentry = \"main\"\n\n[[nodes]]\nid = 1\nentry = \"sink\"\n",
        fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    let r = report(&path, &["--until", "100 us"], 0);
    let records: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    assert!(records.contains(&(1, vec![1])), "committed: {records:?}");
    let received: Vec<&Vec<u64>> = records
        .iter()
        .filter(|(tag, _)| *tag == 2)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(received.len(), 2, "{records:?}");
    assert_eq!(
        received[0][..4],
        [3, 3, 4, 5],
        "first send: 3 words as logged"
    );
    assert_eq!(
        received[1][..2],
        [1, 9],
        "second send: 1 word, the buffer then"
    );
}

#[test]
fn a_handler_that_yields_faults_the_node_instead_of_committing() {
    // txn_call takes the yield for the handler's end and aborts it; when the handler runs on
    // and returns, its commit finds the transaction settled: an assertion fault, no send.
    let program = r#"
.import "txn.s"
.msg OUT = 5
.data
state: .word 1
ctx: .space TXN_HDR + 1 + 8
.code
main:
    push ctx
    push state
    push 1
    push 8
    call txn_init
    push 0
    push body
    push ctx
    call txn_call
    loadi ctx + TXN_CODE
    loadi state
    push 1
    emit 3
    push 100
    sleep
    halt
body:
    drop
    push 5
    storei state
    yield
    push state
    push 1
    push OUT
    push 0
    push -1
    call txn_send
    ret
"#;
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[[nodes]]\nid = 0\nprogram = \"p\"\n",
        fw_support::lib_dir()
    );
    let (_dir, path) = scenario("p.toml", &text, &[("p.s", program)]);
    let r = report(&path, &[], 1);
    let records: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    assert_eq!(
        records,
        vec![(1, vec![0, TXN_E_ENDED, 1])],
        "aborted, block restored"
    );
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["kind"], "assertion");
    assert_eq!(
        faults[0]["message"],
        format!("assertion {LIB_E_TXN_LOST} failed")
    );
    assert_eq!(fw_support::count(&r, "OUT", "sent"), 0);
}
