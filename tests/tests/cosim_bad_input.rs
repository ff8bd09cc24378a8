//! Bad input through the real `aether` binary: clear errors naming the file and the key,
//! exit code 2; faulting firmware gives a fault record with its source line and exit code 1.

use aether_tests::cosim_support;

use cosim_support::{aether, report, scenario};

const HALT: &str = ".entry main\nmain:\n    halt\n";

fn fails_with(text: &str, files: &[(&str, &str)], needles: &[&str]) {
    let (_dir, path) = scenario("bad.toml", text, files);
    let out = aether(&["run", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("bad.toml"), "names the file: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "mentions `{needle}`: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unknown_key_is_named() {
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[defaults]\nclok = \"1 GHz\"\n[[nodes]]\nprogram = \"p\"\n",
        &[("p.s", HALT)],
        &["clok"],
    );
}

#[test]
fn a_missing_program_file_is_named() {
    fails_with(
        "[programs.p]\nsources = [\"nope.s\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[],
        &["programs.p.sources", "nope.s"],
    );
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"q\"\n",
        &[("p.s", HALT)],
        &["`q`"],
    );
}

#[test]
fn bad_clocks_are_named() {
    for clock in ["\"fast\"", "0", "\"1.5 Hz\""] {
        fails_with(
            &format!(
                "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\nclock = {clock}\n"
            ),
            &[("p.s", HALT)],
            &["nodes[0].clock"],
        );
    }
}

#[test]
fn bad_grids_and_gaps_are_named() {
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[grids]]\nwidth = 0\nheight = 4\nprogram = \"p\"\n",
        &[("p.s", HALT)],
        &["grids[0]", "width"],
    );
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nid = 0\nprogram = \"p\"\n[[nodes]]\nid = 2\nprogram = \"p\"\n",
        &[("p.s", HALT)],
        &["id 1 is missing"],
    );
}

#[test]
fn assembly_errors_are_reported_with_their_line() {
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[("p.s", ".entry main\nmain:\n    frobnicate 3\n")],
        &["programs.p", "p.s", "3"],
    );
}

#[test]
fn faulting_firmware_gives_a_fault_record_and_exit_code_1() {
    let firmware = ".entry main\nmain:\n    push 1\n    push 0\n    div\n    halt\n";
    let text = "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\ncount = 2\nprogram = \"p\"\n";
    let (_dir, path) = scenario("fault.toml", text, &[("p.s", firmware)]);
    let r = report(&path, &[], 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 2);
    for (node, fault) in faults.iter().enumerate() {
        assert_eq!(fault["node"].as_u64(), Some(node as u64));
        assert_eq!(fault["kind"], "division_by_zero");
        assert_eq!(fault["pc"].as_u64(), Some(2));
        // push, push: the div issues at cycle 2 of a 1 GHz clock.
        assert_eq!(fault["time_fs"].as_u64(), Some(2_000_000));
        let source = fault["source"].as_str().expect("source");
        assert!(source.ends_with("p.s:5:5"), "{source}");
    }
    assert_eq!(r["nodes"][0]["state"], "faulted");
    let out = aether(&["run", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("FAULT node 0"), "{summary}");
    assert!(summary.contains("p.s:5:5"), "{summary}");
}

#[test]
fn help_documents_the_run_command_and_its_options() {
    let out = aether(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--seed",
        "--json",
        "--until",
        "--trace-node",
        "--timeline",
        "--single-step",
        "Exit status",
    ] {
        assert!(help.contains(option), "{option} in {help}");
    }
    let out = aether(&["run", "no/such/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/scenario.toml"));
}

/// An image file (as `aether-asm -o` writes it) of `push 42; push 1; emit 1; halt`.
fn image_bytes() -> Vec<u8> {
    use aether_isa::{Entry, Image, Instruction, Opcode};
    let mut code = Vec::new();
    for (op, v) in [
        (Opcode::Push, 42),
        (Opcode::Push, 1),
        (Opcode::Emit, 1),
        (Opcode::Halt, 0),
    ] {
        Instruction::new(op, v)
            .expect("valid")
            .encode_into(&mut code);
    }
    Image {
        code,
        entries: vec![Entry {
            name: "main".into(),
            addr: 0,
        }],
        ..Image::default()
    }
    .to_bytes()
}

#[test]
fn image_programs_run_and_broken_images_are_rejected() {
    let text = "[programs.p]\nimage = \"p.img\"\n[[nodes]]\nprogram = \"p\"\n";
    let bytes = image_bytes();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("p.img"), &bytes).expect("write image");
    let path = dir.path().join("img.toml");
    std::fs::write(&path, text).expect("write scenario");
    let r = report(&path, &[], 0);
    assert_eq!(r["log"][0]["values"][0].as_u64(), Some(42));
    // push, push: the emit issues at cycle 2.
    assert_eq!(r["log"][0]["time_fs"].as_u64(), Some(2_000_000));
    std::fs::write(dir.path().join("p.img"), &bytes[..bytes.len() - 3]).expect("write image");
    std::fs::copy(&path, dir.path().join("bad.toml")).expect("copy");
    let out = aether(&["run", dir.path().join("bad.toml").to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.toml") && stderr.contains("programs.p.image"),
        "{stderr}"
    );
}

#[test]
fn a_fault_can_stop_the_whole_run() {
    // Node 0 divides by zero; node 1 would count for a long time.
    let firmware = ".entry main\nmain:\n    nodeid\n    jnz .count\n    push 1\n    push 0\n    div\n.count:\n    push 100000\n.loop:\n    addi -1\n    dup\n    jnz .loop\n    halt\n";
    let text = "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\ncount = 2\nprogram = \"p\"\n[stop]\non_fault = \"stop-run\"\n";
    let (_dir, path) = scenario("stop.toml", text, &[("p.s", firmware)]);
    let r = report(&path, &[], 1);
    assert_eq!(r["stop_reason"], "model");
    // nodeid, jnz, push, push: the div faults at cycle 4. Events at one time run in node
    // order, so node 1 ran exactly the instructions issuing at cycles 0..=3.
    assert_eq!(r["faults"][0]["kind"], "division_by_zero");
    assert_eq!(r["faults"][0]["time_fs"].as_u64(), Some(4_000_000));
    assert_eq!(r["nodes"][1]["state"], "running");
    assert_eq!(r["nodes"][1]["instructions"].as_u64(), Some(4));
    assert_eq!(r["nodes"][1]["cycles"]["busy"].as_u64(), Some(4));
}

fn with_clock(clock: &str) -> String {
    format!(
        "[programs.p]\nsources = [\"p.s\"]\n[defaults]\nclock = {clock}\n[[nodes]]\nprogram = \"p\"\n"
    )
}

/// docs/scenario.md: a clock is a whole number of Hz or a string with a unit.
const QUANTITY_FORMS: &str = "a whole number (Hz for a clock, fs for a time) or a string with a unit, such as \"250 MHz\" or \"10 ns\"";

#[test]
fn a_clock_that_is_no_quantity_says_what_is_accepted() {
    for (clock, why) in [
        ("5.5", "5.5 is not a whole number"),
        ("true", "invalid type: boolean `true`"),
        ("-1000", "-1000 is negative"),
    ] {
        fails_with(
            &with_clock(clock),
            &[("p.s", HALT)],
            &[&format!("clock = {clock}"), why, QUANTITY_FORMS],
        );
    }
}

#[test]
fn a_negative_bandwidth_must_be_positive() {
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\n[network.link]\nbandwidth = \"-5 Gbit/s\"\n",
        &[("p.s", HALT)],
        &["bandwidth", "`-5 Gbit/s` is negative; it must be positive"],
    );
}

#[test]
fn a_memory_out_of_range_gives_the_range() {
    // docs/scenario.md: memory is 1 ..= 16,777,216 words.
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\nmemory = 1e12\n",
        &[("p.s", HALT)],
        &["nodes[0].memory is 1000000000000; it must be 1..=16777216"],
    );
}

#[test]
fn a_source_that_is_a_directory_is_named() {
    fails_with(
        "[programs.p]\nsources = [\".\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[],
        &["programs.p.sources", "is a directory"],
    );
}

#[test]
fn a_device_is_neither_a_source_nor_an_image() {
    fails_with(
        "[programs.p]\nsources = [\"/dev/zero\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[],
        &["programs.p.sources", "/dev/zero", "is not a regular file"],
    );
    fails_with(
        "[programs.p]\nimage = \"/dev/zero\"\n[[nodes]]\nprogram = \"p\"\n",
        &[],
        &["/dev/zero", "not a regular file"],
    );
}

#[test]
fn a_negative_seed_is_a_plain_error() {
    let (_dir, path) = scenario(
        "ok.toml",
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[("p.s", HALT)],
    );
    let out = aether(&["run", path.to_str().expect("utf-8"), "--seed", "-1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`-1` is not a seed: give a whole number 0 ..= 18446744073709551615"),
        "{stderr}"
    );
    assert!(!stderr.contains("-- -1"), "{stderr}");
}

#[test]
fn a_zero_budget_gives_the_range() {
    // docs/scenario.md: budget is 1 ..= 2^64-1 cycles, or left out.
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nprogram = \"p\"\nbudget = 0\n",
        &[("p.s", HALT)],
        &["nodes[0].budget is 0; it must be 1..=18446744073709551615 cycles"],
    );
}

#[test]
fn station_ids_stop_below_two_to_the_24() {
    // MAX_STATIONS = 2^24 (docs/scenario.md, Limits): the last id is 16,777,215.
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[nodes]]\nid = 16777216\nprogram = \"p\"\n",
        &[("p.s", HALT)],
        &["nodes[0]", "node id 16777216 exceeds 16777215"],
    );
    fails_with(
        "[programs.p]\nsources = [\"p.s\"]\n[[grids]]\nfirst_id = 16777000\nwidth = 16\nheight = 16\nprogram = \"p\"\n",
        &[("p.s", HALT)],
        &[
            "grids[0]",
            "256 nodes from id 16777000 exceed 16777216 nodes",
        ],
    );
}
