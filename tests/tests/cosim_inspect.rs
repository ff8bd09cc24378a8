//! `aether run --dump-at` / `--dump-on-stop` / `--dump-memory`: node states at chosen times
//! equal states worked out by hand from the program and the default cycle table, and are
//! the same with run-ahead and single stepping (docs/debugging.md, "Inspection").

use std::path::Path;

use aether_tests::cosim_support;

use cosim_support::{aether, cost, costs, report, scenario};
use serde_json::{Value, json};

/// Code addresses (one word per instruction): sender 0..=8, receiver from 9.
const PROGRAM: &str = "\
.msg PING
.data
msg:    .word 5, 6
buf:    .space 3
.code
.entry sender
.entry receiver
sender:
    push msg
    push 2
    push PING
    push 1
    push 16
    shl
    push 7
    send
    halt
receiver:
    push 11
    call sub
    halt
sub:
    push 22
    push 100000
    sleep
    ret
";

/// Node 0 sends PING [5 6] to node 1's inbox 0 with reply-to 0:7 and halts; node 1
/// calls `sub`, which sleeps 100,000 cycles. Both at 1 GHz (1 cycle = 1 ns).
const SCENARIO: &str = "[programs.p]\nsources = [\"dump.s\"]\n\
    [[nodes]]\nid = 0\nprogram = \"p\"\nentry = \"sender\"\nclock = \"1 GHz\"\n\
    [[nodes]]\nid = 1\nprogram = \"p\"\nentry = \"receiver\"\nclock = \"1 GHz\"\n";

/// The report of the scenario in `path` run to 3 us with `extra` options.
fn run(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--until", "3us"];
    args.extend_from_slice(extra);
    report(path, &args, 0)
}

fn dumps(extra: &[&str]) -> Value {
    let (_dir, path) = scenario("dump.toml", SCENARIO, &[("dump.s", PROGRAM)]);
    run(&path, extra)["dumps"].clone()
}

fn source_line(v: &Value) -> u64 {
    let s = v.as_str().expect("a source location");
    assert!(s.contains(".s:"), "{s}");
    s.rsplit(':')
        .nth(1)
        .expect("line")
        .parse()
        .expect("a line number")
}

#[test]
fn dumps_show_hand_computed_stacks_pcs_and_inboxes() {
    let ns = 1_000_000u64;
    // Just after `call sub` issued: the call is at cycle cost(push), and `sub`'s first
    // instruction issues cost(call) later, so one cycle after the call only it has run.
    let after_call = cost("push") + 1;
    assert!(cost("call") > 1, "the dump falls inside the call");
    let first = after_call * ns;
    let at = format!("{first},1us");
    let d = dumps(&[
        "--dump-at",
        &at,
        "--dump-memory",
        "msg",
        "--dump-memory",
        "2..5",
    ]);
    assert_eq!(d.as_array().map(Vec::len), Some(2));

    let early = &d[0];
    assert_eq!(early["time_fs"].as_u64(), Some(first));
    assert_eq!(early["when"], "at");
    let r = &early["nodes"][1];
    assert_eq!(r["state"], "running");
    assert_eq!(r["cycle"].as_u64(), Some(cost("push") + cost("call")));
    let p = &r["processes"][0];
    assert_eq!(p["state"], "ready");
    assert_eq!(p["pc"].as_u64(), Some(12), "at sub");
    assert_eq!(source_line(&p["source"]), 23, "sub's push 22");
    assert_eq!(p["data_stack"], json!([11]));
    assert_eq!(p["return_stack"][0]["addr"].as_u64(), Some(11));
    assert_eq!(
        source_line(&p["return_stack"][0]["source"]),
        21,
        "the halt after the call"
    );
    assert_eq!(r["inboxes"], json!([{"id": 0, "owner": 0, "messages": []}]));

    let late = &d[1];
    assert_eq!(late["time_fs"].as_u64(), Some(1_000 * ns));
    let (s, r) = (&late["nodes"][0], &late["nodes"][1]);
    assert_eq!(s["state"], "halted");
    assert_eq!(s["processes"][0]["pc"].as_u64(), Some(9), "after halt");
    assert_eq!(s["processes"][0]["data_stack"], json!([]));
    assert_eq!(s["tx_queue"].as_u64(), Some(0));
    assert_eq!(r["state"], "idle");
    let p = &r["processes"][0];
    assert_eq!(p["state"], "sleeping");
    let asleep = costs(&["push", "call", "push", "push", "sleep"]);
    assert_eq!(p["until_cycle"].as_u64(), Some(asleep + 100_000));
    assert_eq!(p["pc"].as_u64(), Some(15), "at ret");
    assert_eq!(p["data_stack"], json!([11, 22]));
    let inbox = &r["inboxes"][0];
    assert_eq!(inbox["id"].as_u64(), Some(0));
    let m = &inbox["messages"][0];
    assert_eq!(m["name"], "PING");
    assert_eq!(m["src"].as_u64(), Some(0));
    assert_eq!(m["reply_to"], json!({"node": 0, "inbox": 7}));
    assert_eq!(m["payload"], json!([5, 6]));
    assert_eq!(inbox["messages"].as_array().map(Vec::len), Some(1));
    // `msg` runs to the next data label (`buf`); 2..5 is `msg`'s second word and `buf`.
    assert_eq!(
        r["memory"],
        json!([
            {"what": "msg", "start": 0, "words": [5, 6]},
            {"what": "2..5", "start": 2, "words": [0, 0, 0]}
        ])
    );
}

#[test]
fn dumps_are_the_same_with_run_ahead_and_single_stepping_and_change_nothing_else() {
    let (_dir, path) = scenario("dump.toml", SCENARIO, &[("dump.s", PROGRAM)]);
    let times = "1ns,4ns,9ns,17ns,25ns,40ns,999ns";
    let options = ["--dump-at", times, "--dump-on-stop", "--dump-memory", "buf"];
    let mut report = run(&path, &options);
    let ahead = report["dumps"].clone();
    let single = run(&path, &[&options[..], &["--single-step"]].concat())["dumps"].clone();
    // Without dumps the report is the same, the engine's event count included.
    report.as_object_mut().map(|r| r.remove("dumps"));
    assert_eq!(report, run(&path, &[]));
    assert_eq!(ahead.as_array().map(Vec::len), Some(8));
    assert_eq!(ahead, single);
    assert_eq!(ahead[7]["when"], "stop");
    assert_eq!(ahead[7]["time_fs"].as_u64(), Some(3_000_000_000));
}

#[test]
fn the_human_summary_shows_the_dump() {
    let (_dir, path) = scenario("dump.toml", SCENARIO, &[("dump.s", PROGRAM)]);
    let out = aether(&[
        "run",
        path.to_str().expect("utf-8"),
        "--until",
        "3us",
        "--dump-at",
        "1us",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dump (at) at 1000000000 fs"), "{text}");
    assert!(text.contains("proc 0 sleeping until"), "{text}");
    assert!(text.contains("data   [11 22]"), "{text}");
    assert!(
        text.contains("PING (1) from 0 reply-to 0:7: [5 6]")
            || text.contains("PING (0) from 0 reply-to 0:7: [5 6]"),
        "{text}"
    );
}

#[test]
fn bad_dump_options_are_exit_2() {
    let (_dir, path) = scenario("dump.toml", SCENARIO, &[("dump.s", PROGRAM)]);
    let path = path.to_str().expect("utf-8");
    for (extra, says) in [
        (vec!["--dump-at", "soon"], "--dump-at soon"),
        (vec!["--dump-at", "5us"], "at or after the time limit"),
        (
            vec!["--dump-on-stop", "--dump-memory", "nowhere"],
            "no node's program has a data label `nowhere`",
        ),
        (vec!["--dump-on-stop", "--dump-memory", "9..2"], "is empty"),
        (
            vec!["--dump-on-stop", "--dump-memory", "0..99999"],
            "outside node 0's memory",
        ),
        (
            vec!["--dump-memory", "msg"],
            "give --dump-at or --dump-on-stop",
        ),
    ] {
        let mut args = vec!["run", path, "--until", "3us"];
        args.extend(extra.iter().copied());
        let out = aether(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(says), "{extra:?}: {stderr}");
    }
}

/// Node 0 counts `n` down from 3 in memory, one store per turn.
const COUNTER: &str = "\
.data
n:      .word 3
.code
.entry main
main:
    loadi n
    addi -1
    dup
    storei n
    jnz main
    halt
";

#[test]
fn a_watch_logs_every_store_with_time_pc_and_source_line() {
    let text = "[programs.c]\nsources = [\"c.s\"]\n[[nodes]]\nprogram = \"c\"\nclock = \"1 GHz\"\n";
    let (_dir, path) = scenario("c.toml", text, &[("c.s", COUNTER)]);
    let r = report(&path, &["--watch", "0:n"], 0);
    let turn = costs(&["loadi", "addi", "dup", "storei", "jnz"]);
    let store = costs(&["loadi", "addi", "dup"]);
    let watches = r["watches"].as_array().expect("watches");
    let seen: Vec<(u64, u64, u64, u64)> = watches
        .iter()
        .map(|w| {
            assert_eq!(w["what"], "n");
            assert_eq!(w["addr"].as_u64(), Some(0));
            assert_eq!(w["pc"].as_u64(), Some(3), "storei n");
            assert_eq!(source_line(&w["source"]), 9);
            (
                w["time_fs"].as_u64().expect("time"),
                w["old"].as_u64().expect("old"),
                w["new"].as_u64().expect("new"),
                w["pid"].as_u64().expect("pid"),
            )
        })
        .collect();
    let at = |k: u64| (k * turn + store) * 1_000_000;
    assert_eq!(seen, [(at(0), 3, 2, 0), (at(1), 2, 1, 0), (at(2), 1, 0, 0)]);
    // Watching makes the run single-step: the same report but for the event count.
    let mut plain = report(&path, &["--single-step"], 0);
    let mut watched = r.clone();
    watched.as_object_mut().map(|o| o.remove("watches"));
    plain.as_object_mut().map(|o| o.remove("events"));
    watched.as_object_mut().map(|o| o.remove("events"));
    assert_eq!(watched, plain);
    for (spec, says) in [
        ("0:nothing", "has no data label `nothing`"),
        ("7:n", "7 is not an emulated node"),
        ("n", "is not NODE:LABEL"),
    ] {
        let out = aether(&["run", path.to_str().expect("utf-8"), "--watch", spec]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{spec}: {stderr}");
        assert!(stderr.contains(says), "{spec}: {stderr}");
    }
}
