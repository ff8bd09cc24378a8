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
