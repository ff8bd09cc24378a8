//! Cycle-exact timing through the real `aether` binary: a counted loop at a given clock
//! finishes at the time the default cycle table gives, on heterogeneous clocks.

use aether_tests::cosim_support;

use cosim_support::{costs, log, report, scenario};

const LOOP: &str = "
.entry main
main:
    push ITERATIONS
.loop:
    addi -1
    dup
    jnz .loop
    drop
    push 7
    emit 0
    halt
";

/// Cycles from the start to the issue of `emit`, and to the end of `halt`.
fn loop_cycles(iterations: u64) -> (u64, u64) {
    let to_emit =
        costs(&["push"]) + iterations * costs(&["addi", "dup", "jnz"]) + costs(&["drop", "push"]);
    (to_emit, to_emit + costs(&["emit", "halt"]))
}

/// A scenario of two nodes running `loop.s`, each with extra keys.
fn two_nodes(first: &str, second: &str) -> String {
    format!(
        "[programs.loop]\nsources = [\"loop.s\"]\n[defaults]\nprogram = \"loop\"\n\
         [[nodes]]\nid = 0\n{first}\n[[nodes]]\nid = 1\n{second}\n"
    )
}

#[test]
fn counted_loops_finish_at_exact_times_on_two_clocks() {
    let program = LOOP.replace("ITERATIONS", "1000");
    let text = two_nodes("clock = \"300 MHz\"", "clock = 7000000");
    let (_dir, path) = scenario("loop.toml", &text, &[("loop.s", &program)]);
    let r = report(&path, &[], 0);
    // 300 MHz -> round(1e15 / 3e8) = 3,333,333 fs; 7 MHz -> round(142,857,142.86) = 142,857,143 fs.
    let (emit, end) = loop_cycles(1000);
    assert_eq!(
        log(&r),
        vec![
            (0, emit * 3_333_333, 7, vec![]),
            (1, emit * 142_857_143, 7, vec![])
        ]
    );
    assert_eq!(r["time_fs"].as_u64(), Some(end * 142_857_143));
    let node0 = &r["nodes"][0];
    assert_eq!(node0["instructions"].as_u64(), Some(3 * 1000 + 5));
    assert_eq!(node0["cycles"]["busy"].as_u64(), Some(end));
    assert_eq!(node0["cycles"]["idle"].as_u64(), Some(0));
    assert_eq!(node0["largest_activation"]["cycles"].as_u64(), Some(end));
    assert_eq!(node0["period_fs"].as_u64(), Some(3_333_333));
    assert_eq!(r["nodes"][1]["period_fs"].as_u64(), Some(142_857_143));
}

#[test]
fn a_time_limit_stops_the_loop_at_the_first_instruction_issuing_at_or_after_it() {
    let program = LOOP.replace("ITERATIONS", "1000000");
    let text = "[programs.loop]\nsources = [\"loop.s\"]\n[[nodes]]\nprogram = \"loop\"\nclock = \"1 GHz\"\n";
    let (_dir, path) = scenario("loop.toml", text, &[("loop.s", &program)]);
    // 1 us at 1 GHz: instructions issuing at cycles 0..1000 run: push, then 333 whole
    // iterations (cycles 1..=999), whose last jnz issues at cycle 999.
    let r = report(&path, &["--until", "1us"], 0);
    assert_eq!(r["stop_reason"], "time_limit");
    assert_eq!(r["time_fs"].as_u64(), Some(1_000_000_000));
    assert_eq!(r["nodes"][0]["instructions"].as_u64(), Some(1 + 3 * 333));
    assert_eq!(r["nodes"][0]["cycles"]["busy"].as_u64(), Some(1000));
    assert_eq!(r["nodes"][0]["state"], "running");
}

#[test]
fn budgets_count_misses_or_fault() {
    let program = LOOP.replace("ITERATIONS", "100");
    let (_, end) = loop_cycles(100);
    for (mode, code) in [("count", 0), ("fault", 1)] {
        let text = format!(
            "[programs.loop]\nsources = [\"loop.s\"]\n[[nodes]]\nprogram = \"loop\"\nbudget = 200\nbudget_mode = \"{mode}\"\n"
        );
        let (_dir, path) = scenario("loop.toml", &text, &[("loop.s", &program)]);
        let r = report(&path, &[], code);
        let node = &r["nodes"][0];
        if mode == "count" {
            assert_eq!(node["deadline_misses"].as_u64(), Some(1));
            assert_eq!(node["largest_activation"]["cycles"].as_u64(), Some(end));
        } else {
            // The fault comes at the first instruction issuing once more than 200 cycles
            // are used: push (1) + 66 iterations (198) + addi + dup -> the jnz at cycle 201,
            // on line 8 of the program.
            let fault = &node["fault"];
            assert_eq!(fault["kind"], "budget");
            assert_eq!(fault["time_fs"].as_u64(), Some(201 * 1_000_000));
            let source = fault["source"].as_str().expect("source");
            assert!(source.ends_with("loop.s:8:5"), "{source}");
        }
    }
}

#[test]
fn a_node_with_its_own_timing_profile_takes_its_costs() {
    // Node 1 runs on a profile where `addi` costs 5 cycles instead of the default's.
    let default =
        std::fs::read_to_string(aether_tests::workspace_root().join("isa/profiles/default.toml"))
            .expect("default profile");
    let slow = default.replace("\naddi = 1\n", "\naddi = 5\n");
    assert_ne!(slow, default, "the default profile has `addi = 1`");
    let program = LOOP.replace("ITERATIONS", "100");
    let text = two_nodes("", "profile = \"slow.toml\"");
    let (_dir, path) = scenario(
        "loop.toml",
        &text,
        &[("loop.s", &program), ("slow.toml", &slow)],
    );
    let r = report(&path, &[], 0);
    let (emit, _) = loop_cycles(100);
    let extra = 100 * (5 - costs(&["addi"]));
    let times: Vec<u64> = log(&r).iter().map(|(_, t, _, _)| *t).collect();
    assert_eq!(times, vec![emit * 1_000_000, (emit + extra) * 1_000_000]);
}

/// Runs `program` as `one.s` on one node at the default 1 GHz with extra node keys;
/// asserts the exit code.
fn one_node(program: &str, keys: &str, code: i32) -> serde_json::Value {
    let text =
        format!("[programs.one]\nsources = [\"one.s\"]\n[[nodes]]\nprogram = \"one\"\n{keys}\n");
    let (_dir, path) = scenario("one.toml", &text, &[("one.s", program)]);
    report(&path, &[], code)
}

#[test]
fn wait_and_sleep_count_their_cycles_from_the_end_of_their_cost() {
    // docs/isa.md, "When a NIC instruction takes effect": a `wait n` that times out or a
    // `sleep n` issued at cycle c resumes at c + cost + n.
    let program = "
.entry main
main:
    push 50
    wait
    drop
    cycles
    push 1
    emit 1
    push 10
    sleep
    cycles
    push 2
    emit 1
    halt
";
    let r = one_node(program, "", 0);
    let wait_issue = costs(&["push"]);
    let after_wait = wait_issue + costs(&["wait"]) + 50 + costs(&["drop"]);
    let sleep_issue = after_wait + costs(&["cycles", "push", "emit", "push"]);
    let after_sleep = sleep_issue + costs(&["sleep"]) + 10;
    let logged: Vec<(u64, Vec<u64>)> = log(&r).into_iter().map(|(_, _, t, v)| (t, v)).collect();
    assert_eq!(logged, [(1, vec![after_wait]), (2, vec![after_sleep])]);
}

#[test]
fn a_budget_fault_comes_at_the_boundary_after_the_crossing_instruction() {
    // docs/isa.md, "When a NIC instruction takes effect": with a budget of 5 cycles the
    // `div` issuing at cycle 3 crosses it; it completes, and the fault comes at the end of
    // the `div`, with the PC of the `emit` after it (line 8 of the text).
    let program = "
.entry main
main:
    push 7
    push 1
    push 1
    div
    emit 1
    halt
";
    let r = one_node(program, "budget = 5\nbudget_mode = \"fault\"", 1);
    let fault = &r["nodes"][0]["fault"];
    assert_eq!(fault["kind"], "budget");
    let end_of_div = costs(&["push", "push", "push", "div"]);
    assert_eq!(fault["time_fs"].as_u64(), Some(end_of_div * 1_000_000));
    let source = fault["source"].as_str().expect("source");
    assert!(source.ends_with("one.s:8:5"), "{source}");
    assert!(log(&r).is_empty(), "the emit never issues");
    // A `wait` issuing at cycle 5 (after 5 pushes) crosses the budget and ends the
    // activation: no fault, a deadline miss.
    let program = "
.entry main
main:
    push 1
    push 2
    push 3
    push 4
    push 20
    wait
    halt
";
    let r = one_node(program, "budget = 5\nbudget_mode = \"fault\"", 0);
    let node = &r["nodes"][0];
    assert!(node["fault"].is_null(), "{}", node["fault"]);
    assert_eq!(node["deadline_misses"].as_u64(), Some(1));
}

#[test]
fn send_faults_on_a_missing_node_and_an_overlong_payload() {
    // docs/isa.md's reference lists these faults of `send`.
    let send = |len: u32, dst: u32| {
        format!(
            ".entry main\nmain:\n    push 0\n    pushw {len}\n    push 5\n    pushw {dst}\n    push -1\n    send\n    halt\n"
        )
    };
    for (program, keys, says) in [
        (
            send(1, 9 << 16),
            "",
            "destination node 9 is not on the network",
        ),
        (
            send(65_536, 0),
            "memory = 70000",
            "payload of 65536 words exceeds the maximum of 65535",
        ),
    ] {
        let r = one_node(&program, keys, 1);
        let fault = &r["nodes"][0]["fault"];
        assert_eq!(fault["kind"], "nic", "{says}");
        let message = fault["message"].as_str().expect("message");
        assert!(message.contains(says), "{message}");
    }
}
