//! The centralised decoder (`programs/decoders/central/`) end to end through the
//! `[decoding]` scenario section and the real binary: readouts from the simulator, every
//! node's detections forwarded to the central node, one QEC_RESULT per shot on its output
//! port. The workload's checker compares every shot's correction edges and predicted
//! observables with the host reference decoder (`check_reference`): 2,000 shots per
//! (d, noise) for d = 3, 5, 7, both noise models; run-ahead against single-step; the
//! central node as an extra station running its own program; an unmatchable syndrome
//! faulting with QEC_E_UNMATCHABLE.

use aether_tests::cosim_support::scenario;
use aether_tests::qec_support::{all_as_reference, run_json};
use aether_tests::workspace_root;

/// `QEC_E_UNMATCHABLE` of `programs/lib/qec.s`.
const QEC_E_UNMATCHABLE: u32 = 0xC01;

/// A scenario running the centralised decoder: `programs` and `nodes` tables, then the
/// `[decoding]` keys.
fn text(programs: &str, decoding: &str) -> String {
    let dir = workspace_root().join("programs/decoders/central");
    let lib = workspace_root().join("programs/lib");
    let programs = programs
        .replace("DIR", &dir.display().to_string())
        .replace("LIB", &lib.display().to_string());
    format!(
        "seed = 5\n{programs}\n[defaults]\nclock = \"250 MHz\"\nmemory = 262144\n\
         [network]\ninbox_capacity = 1000000\n[decoding]\n{decoding}"
    )
}

const SHARED: &str = "[programs.central]\nsources = [\"DIR/central.s\"]\nlib = [\"LIB\"]\n";

/// Runs `aether run --json` on a scenario text; its exit code and report.
fn run(text: &str, files: &[(&str, &str)], extra: &[&str]) -> (i32, serde_json::Value) {
    let (_dir, path) = scenario("central.toml", text, files);
    run_json(&path, extra)
}

fn code(distance: u32, noise: &str, p: f64, shots: u64) -> String {
    format!(
        "program = \"central\"\ncode = \"rotated-surface\"\ndistance = {distance}\n\
         noise = \"{noise}\"\np = {p}\nshots = {shots}\nround_period = \"1 us\"\n"
    )
}

#[test]
fn central_decoder_equals_the_host_reference() {
    for (noise, p) in [("code-capacity", 0.05), ("phenomenological", 0.01)] {
        for distance in [3, 5, 7] {
            let (status, r) = run(&text(SHARED, &code(distance, noise, p, 2000)), &[], &[]);
            assert_eq!(
                status, 0,
                "{noise} d = {distance}: {}",
                r["decoding"]["failures"]
            );
            all_as_reference(&r, 2000);
        }
    }
}

#[test]
fn run_ahead_equals_single_step() {
    let text = text(SHARED, &code(3, "phenomenological", 0.02, 30));
    let (_dir, path) = scenario("central.toml", &text, &[]);
    let [fast, slow] = [&[][..], &["--single-step"][..]].map(|extra| {
        let (status, mut r) = run_json(&path, extra);
        assert_eq!(status, 0);
        all_as_reference(&r, 30);
        r.as_object_mut().expect("a report").remove("events");
        r
    });
    assert!(fast == slow, "run-ahead and single-step reports differ");
}

#[test]
fn an_extra_central_node_with_its_own_program() {
    // d = 5 phenomenological: 24 stabilizer nodes run node.s; node 24, beyond them on an
    // all-to-all network, runs central.s from `central`.
    let programs = "[programs.forward]\nsources = [\"DIR/node.s\"]\nlib = [\"LIB\"]\n\
                    [programs.central]\nsources = [\"DIR/central.s\"]\nlib = [\"LIB\"]\n\
                    [[nodes]]\nid = 24\nprogram = \"central\"\nentry = \"central\"\n";
    let decoding = code(5, "phenomenological", 0.01, 200).replace("\"central\"", "\"forward\"")
        + "central = 24\ntopology = \"scenario\"\n";
    let text =
        text(programs, &decoding).replace("[defaults]\n", "[defaults]\nentry = \"stabilizer\"\n");
    let (status, r) = run(&text, &[], &[]);
    assert_eq!(status, 0, "{}", r["decoding"]["failures"]);
    all_as_reference(&r, 200);
    assert_eq!(r["decoding"]["nodes"], 24);
}

#[test]
fn an_unmatchable_syndrome_faults_with_qec_e_unmatchable() {
    // Two stabilizers with one detector each, joined by one edge and no boundary: shot 0
    // fires both (matchable), shot 1 only D0 (unmatchable).
    let dem = "error(0.1) D0 D1 L0\ndetector(0, 0, 0) D0\ndetector(2, 0, 0) D1\n";
    let decoding = "program = \"central\"\ndem = \"x.dem\"\ndets = \"d.01\"\nobs = \"o.01\"\n\
                    check_reference = false\n";
    let files = [("x.dem", dem), ("d.01", "11\n10\n"), ("o.01", "1\n0\n")];
    let (status, r) = run(&text(SHARED, decoding), &files, &[]);
    assert_eq!(status, 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["node"], 0);
    assert_eq!(
        faults[0]["message"],
        format!("assertion {QEC_E_UNMATCHABLE} failed")
    );
    assert_eq!(
        r["decoding"]["decoded"], 1,
        "shot 0 decoded before the fault"
    );
}
