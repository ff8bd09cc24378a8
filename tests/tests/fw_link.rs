//! Linked processes (`spawn_linked`, Erlangen's attach) through the real `aether` binary,
//! on the hedged-request example `programs/examples/link`: the winner's result reaches the
//! coordinator and main, the coordinator's end reaches every searcher still waiting with
//! the same result, failures (timeouts, `proc_fail`) travel the links too, the EXIT count
//! follows from the links, and no inbox or process is left behind; lost packets only turn
//! searchers into failures; a monitored and a linked process cost the cycles
//! docs/firmware.md's formulas give.

use aether_tests::cosim_support;
use aether_tests::fw_support;

use std::collections::BTreeSet;

use aether_tests::workspace_root;
use cosim_support::{log, report};

/// `race.s`: queries, servers (node 3 is dead), the searchers' timeout, the all-failed
/// status, the servers' delay formula and answer, log tags.
const QUERIES: u64 = 7;
const LIVE: [u64; 2] = [1, 2];
const SERVERS: u64 = 3;
const TIMEOUT: u64 = 7400;
const ALL_FAILED: u64 = 99;
const TAG_ANSWER: u64 = 1;
const TAG_CANCEL: u64 = 2;

fn delay(q: u64, s: u64) -> u64 {
    2000 * ((5 * q + 2 * s) % 7) + 200
}

fn answer(q: u64, s: u64) -> u64 {
    q * 16 + s
}

/// The server whose answer comes first within the timeout, if any. The delays are far
/// (at least 800 cycles) from the timeout and from each other, so the request's and the
/// answer's overheads (a few hundred cycles) cannot change the order.
fn winner(q: u64) -> Option<u64> {
    for s in LIVE {
        let d = delay(q, s);
        assert!(d + 800 <= TIMEOUT || d >= TIMEOUT + 800, "q {q}: margin");
    }
    LIVE.iter()
        .copied()
        .filter(|&s| delay(q, s) < TIMEOUT)
        .min_by_key(|&s| delay(q, s))
}

#[test]
fn the_first_answer_wins_and_the_links_cancel_the_rest() {
    let r = report(
        &workspace_root().join("programs/examples/link/link.toml"),
        &[],
        0,
    );
    let mut answers = Vec::new();
    let mut cancels = BTreeSet::new();
    for (node, _, tag, values) in log(&r) {
        assert_eq!(node, 0);
        match tag {
            TAG_ANSWER => answers.push((values[0], values[1], values[2])),
            TAG_CANCEL => assert!(cancels.insert((values[0], values[1], values[2]))),
            other => panic!("unexpected tag {other}"),
        }
    }
    let mut expected_answers = Vec::new();
    let mut expected_cancels = BTreeSet::new();
    let mut exits = 0;
    for q in 0..QUERIES {
        match winner(q) {
            Some(w) => {
                expected_answers.push((q, 0, answer(q, w)));
                for s in (1..=SERVERS).filter(|&s| s != w) {
                    expected_cancels.insert((q, s, answer(q, w)));
                }
                // winner -> coordinator, coordinator -> main and -> each other searcher
                exits += 2 + (SERVERS - 1);
            }
            None => {
                expected_answers.push((q, ALL_FAILED, 0));
                // each failed searcher -> coordinator, coordinator -> main
                exits += SERVERS + 1;
            }
        }
    }
    assert!(expected_answers.iter().any(|a| a.1 == ALL_FAILED));
    assert_eq!(answers, expected_answers);
    assert_eq!(cancels, expected_cancels);
    let count = |t: &str, f: &str| fw_support::count(&r, t, f);
    let won = expected_answers.iter().filter(|a| a.1 == 0).count() as u64;
    assert_eq!(count("QUERY", "sent"), QUERIES * SERVERS);
    assert_eq!(count("EXIT", "sent"), exits);
    assert_eq!(count("EXIT", "delivered"), exits);
    // The live servers answer every query; only the winners' searchers are still there.
    assert_eq!(count("RPC_DONE", "sent"), QUERIES * LIVE.len() as u64);
    assert_eq!(count("RPC_DONE", "delivered"), won);
    assert_eq!(
        r["network"]["drops"]["undeliverable"].as_u64(),
        Some(QUERIES * LIVE.len() as u64 - won)
    );
    // Every link inbox closed and every linked process ended: node 0 is back to inbox 0
    // and its (halted) main process; the servers' subordinates are gone too.
    for n in r["nodes"].as_array().expect("nodes") {
        let id = n["id"].as_u64().expect("id");
        assert_eq!(n["open_inboxes"], 1, "node {id}");
        assert_eq!(n["processes"], 1, "node {id}");
    }
}

/// A program whose main runs `spawns` (each a spawn call followed by `drop`), then waits
/// for a message and halts. `routine` adds 1 to its argument; `lroutine` (for
/// `spawn_linked`) drops its inbox first.
fn lifecycle(spawns: &[(&str, &str, &str)]) -> String {
    let calls: String = spawns
        .iter()
        .map(|(routine, notify, spawn)| {
            format!("    push {routine}\n    push 5\n{notify}    call {spawn}\n    drop\n")
        })
        .collect();
    format!(
        r#"
.import "monitor.s"
.code
main:
{calls}    push -1
    wait
    drop
    halt
routine:
    addi 1
    ret
lroutine:
    drop
    addi 1
    ret
"#
    )
}

/// The caller's own address (inbox 0), as a spawn's notify argument.
const ME: &str = "    push 0\n    call my_addr\n";
/// Nobody to notify.
const NOBODY: &str = "    push -1\n";

/// Runs `program` (which imports `monitor.s`) on one node.
fn run_one(program: &str) -> serde_json::Value {
    let text = format!(
        "[programs.p]\nsources = [\"p.s\"]\nlib = [\"{}\"]\n\n[[nodes]]\nid = 0\nprogram = \"p\"\n",
        fw_support::lib_dir()
    );
    let (_dir, path) = cosim_support::scenario("p.toml", &text, &[("p.s", program)]);
    report(&path, &[], 0)
}

#[test]
fn a_monitored_process_costs_the_documented_cycles() {
    // docs/firmware.md: spawn_monitored 70 + 12 k (k = 0 records in use), the start 20, the
    // end after the routine returns 1 + 3 + mon_exit, mon_exit 319 + 29 per EXIT sent.
    let r = run_one(&lifecycle(&[("routine", ME, "spawn_monitored")]));
    let c = cosim_support::costs;
    let main = c(&["push", "push", "push", "call", "call", "drop", "push", "wait", "drop"])
        + 6 // my_addr
        + c(&["halt"]);
    let monitored = 20 + c(&["addi", "ret"]) + 1 + 3 + 319 + 29;
    let switches = 2 * 2; // to the monitored process and back
    let expected = main + 70 + monitored + switches;
    assert_eq!(r["nodes"][0]["cycles"]["busy"].as_u64(), Some(expected));
    assert_eq!(fw_support::count(&r, "EXIT", "delivered"), 1);
    assert_eq!(r["nodes"][0]["open_inboxes"], 1);
}

#[test]
fn a_second_monitored_process_and_an_unwatched_end_cost_the_documented_cycles() {
    // docs/firmware.md at other points than above: the second spawn_monitored finds k = 1
    // record in use (70 + 12), and the first process, monitored by nobody (-1), ends with
    // mon_exit 319 + 12 s (s = 1 record with nobody to tell) instead of 319 + 29 t. Main
    // waits, then the two processes run in turn: three switches.
    let r = run_one(&lifecycle(&[
        ("routine", NOBODY, "spawn_monitored"),
        ("routine", ME, "spawn_monitored"),
    ]));
    let c = cosim_support::costs;
    let main = c(&["push", "push", "push", "call", "drop"])
        + c(&["push", "push", "push", "call", "call", "drop"])
        + 6 // my_addr
        + c(&["push", "wait", "drop", "halt"]);
    let spawns = 70 + (70 + 12);
    let unwatched = 20 + c(&["addi", "ret"]) + 1 + 3 + 319 + 12;
    let watched = 20 + c(&["addi", "ret"]) + 1 + 3 + 319 + 29;
    let expected = main + spawns + unwatched + watched + 3 * 2;
    assert_eq!(r["nodes"][0]["cycles"]["busy"].as_u64(), Some(expected));
    assert_eq!(fw_support::count(&r, "EXIT", "delivered"), 1);
}

#[test]
fn lost_packets_only_turn_searchers_into_failures() {
    // With drop = 0.3 a lost query or answer looks like a dead server: each query still
    // ends exactly once, with a live server's answer or ALL_FAILED, and every searcher that
    // is cancelled is told that answer.
    let text = std::fs::read_to_string(workspace_root().join("programs/examples/link/link.toml"))
        .expect("scenario")
        .replace("../../lib", &fw_support::lib_dir())
        .replace("race.s", &cosim_support::example("link/race.s"))
        + "\n[network.link]\ndrop = 0.3\n";
    let (_dir, path) = cosim_support::scenario("lossy.toml", &text, &[]);
    let mut failures = 0;
    for seed in 1..=4 {
        let r = report(&path, &["--seed", &seed.to_string()], 0);
        let mut answered = Vec::new();
        let mut told = Vec::new();
        for (_, _, tag, v) in log(&r) {
            match tag {
                TAG_ANSWER => answered.push((v[0], v[1], v[2])),
                _ => told.push((v[0], v[1], v[2])),
            }
        }
        let queries: Vec<u64> = answered.iter().map(|a| a.0).collect();
        assert_eq!(queries, (0..QUERIES).collect::<Vec<_>>());
        for &(q, status, result) in &answered {
            if status == ALL_FAILED {
                failures += 1;
                assert_eq!(result, 0);
            } else {
                assert_eq!(status, 0);
                assert!(
                    LIVE.iter().any(|&s| result == answer(q, s)),
                    "q {q}: {result}"
                );
            }
        }
        for (q, _, result) in told {
            assert_eq!(
                (q, 0, result),
                answered[q as usize],
                "a cancellation carries the answer"
            );
        }
        assert_eq!(r["nodes"][0]["open_inboxes"], 1);
        assert_eq!(r["nodes"][0]["processes"], 1);
    }
    assert!(
        failures > QUERIES * 4 / 7,
        "the losses made more queries fail: {failures}"
    );
}

#[test]
fn a_linked_process_costs_the_documented_cycles() {
    // docs/firmware.md: spawn_linked 74 + 12 k (k = 0), then during its yield a switch, the
    // linked process's start 80 + 12 k' (k' = 1: its start record is in use), its routine,
    // 1 + 3 + mon_exit with one EXIT sent and one record it watched freed (319 + 29 + 15),
    // and a switch back.
    let r = run_one(&lifecycle(&[("lroutine", ME, "spawn_linked")]));
    let c = cosim_support::costs;
    let main = c(&["push", "push", "push", "call", "call", "drop", "push", "wait", "drop"])
        + 6 // my_addr
        + c(&["halt"]);
    let linked = 80 + 12 + c(&["drop", "addi", "ret"]) + 1 + 3 + 319 + 29 + 15;
    let expected = main + 74 + linked + 2 * 2;
    assert_eq!(r["nodes"][0]["cycles"]["busy"].as_u64(), Some(expected));
    assert_eq!(fw_support::count(&r, "EXIT", "delivered"), 1);
    assert_eq!(r["nodes"][0]["open_inboxes"], 1, "the link inbox closed");
}

#[test]
fn a_linked_process_after_a_monitored_one_costs_the_documented_cycles() {
    // docs/firmware.md at other points than above: spawn_linked finds the monitored
    // process's record in use (74 + 12 k, k = 1); its yield runs the monitored process
    // first, which frees that record, so the linked process's start finds slot 0 free
    // (80 + 12 k', k' = 0). Both tell main (319 + 29 each); the linked one also frees the
    // record it watched (+ 15). Switches: main to each process in turn and back.
    let r = run_one(&lifecycle(&[
        ("routine", ME, "spawn_monitored"),
        ("lroutine", ME, "spawn_linked"),
    ]));
    let c = cosim_support::costs;
    let main = 2 * (c(&["push", "push", "push", "call", "call", "drop"]) + 6)
        + c(&["push", "wait", "drop", "halt"]);
    let monitored = 20 + c(&["addi", "ret"]) + 1 + 3 + 319 + 29;
    let linked = 80 + c(&["drop", "addi", "ret"]) + 1 + 3 + 319 + 29 + 15;
    let expected = main + 70 + (74 + 12) + monitored + linked + 3 * 2;
    assert_eq!(r["nodes"][0]["cycles"]["busy"].as_u64(), Some(expected));
    assert_eq!(fw_support::count(&r, "EXIT", "delivered"), 2);
}
