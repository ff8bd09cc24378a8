//! The workers example through the real `aether` binary: spawned processes, cooperative
//! round-robin scheduling and switch costs, with the finishing time derived by hand from
//! the default cycle table.

use aether_tests::cosim_support;

use aether_tests::workspace_root;
use cosim_support::{cost, costs, log, report};

#[test]
fn three_workers_report_their_squares_at_the_hand_computed_time() {
    let switch = u64::from(aether_isa::TimingProfile::default().switch);
    let nic_word = u64::from(aether_isa::TimingProfile::default().nic_word);
    // Process 0: `push 0`, three spawning turns, the exit test of the loop, `drop`.
    let spawn_turn = costs(&[
        "dup", "push", "lt", "jz", "dup", "push", "swap", "spawn", "drop", "addi", "jmp",
    ]);
    let check = costs(&["loadi", "push", "eq", "jnz"]);
    let mut t = cost("push") + 3 * spawn_turn + costs(&["dup", "push", "lt", "jz", "drop"]);
    // First `.next`: nothing has arrived, so `wait` blocks and worker 1 runs.
    t += check + cost("push") + cost("wait") + switch;
    // Each worker: compute and send (one word), then exit; round-robin to the next.
    let worker = costs(&[
        "addi", "dup", "mul", "storei", "push", "push", "push", "nodeid", "push", "shl", "push",
    ]) + cost("send")
        + nic_word
        + cost("exit");
    // Workers 1 and 2 hand over to the next worker, worker 3 back to process 0, which was
    // made ready by worker 1's message (self-sends arrive at once).
    t += 3 * (worker + switch);
    // Process 0 takes the three results; the second and third `wait`s find one waiting.
    let take = costs(&["drop", "push", "push", "push", "recv"])
        + nic_word
        + costs(&[
            "drop", "loadi", "loadi", "add", "storei", "loadi", "addi", "storei", "jmp",
        ]);
    t += take;
    t += 2 * (check + cost("push") + cost("wait") + take);
    // The last check leaves the loop; `.done` computes the record.
    t += check + costs(&["loadi", "self", "push"]);
    let emit = t;

    let r = report(
        &workspace_root().join("programs/examples/workers/workers.toml"),
        &[],
        0,
    );
    assert_eq!(log(&r), vec![(0, emit * 1_000_000, 9, vec![1 + 4 + 9, 0])]);
    assert_eq!(
        r["time_fs"].as_u64(),
        Some((emit + costs(&["emit", "halt"])) * 1_000_000)
    );
    assert_eq!(r["nodes"][0]["cycles"]["idle"].as_u64(), Some(0));
}

#[test]
fn too_few_process_slots_fault_at_the_spawn() {
    let text = format!(
        "[programs.w]\nsources = [\"{}\"]\n[[nodes]]\nprogram = \"w\"\nprocesses = 2\n",
        cosim_support::example("workers/workers.s")
    );
    let (_dir, path) = cosim_support::scenario("w.toml", &text, &[]);
    let r = report(&path, &[], 1);
    let fault = &r["faults"][0];
    assert_eq!(fault["kind"], "too_many_processes");
    let source = fault["source"].as_str().expect("source");
    assert!(
        source.ends_with("workers.s:27:5"),
        "the second spawn: {source}"
    );
}
