//! The distributed decoder (`programs/decoders/distributed/`) end to end through the
//! `[decoding]` scenario section and the real binary: every stabilizer node decodes its
//! slice with its neighbours in supersteps separated by the barrier wire, and reports its
//! part of each correction. The workload's checker compares every shot with the host
//! reference (`check_reference`); the run's `QEC_STEP` messages, their payload words and
//! the barrier epochs are compared with the protocol's host model
//! (`aether_cosim::qec::distributed`), summed over the same sampled shots, unweighted and
//! weighted. Hand-made syndromes stress merging; delay jitter changes nothing but timing;
//! run-ahead equals single-step; a lost message, an unmatchable syndrome and a `QEC_STEP`
//! of another shot fail the run with a reason.

use aether_cosim::qec::distributed::Distributed;
use aether_cosim::qec::graph::{DecodingGraph, Weighting};
use aether_cosim::qec::layout::Layout;
use aether_cosim::qec::surface::{Noise, SurfaceCode};
use aether_tests::cosim_support::scenario;
use aether_tests::fw_support::count;
use aether_tests::qec_support::{all_as_reference, run_json, surface};
use aether_tests::{HEADER_BITS, workspace_root};

/// `QEC_E_UNMATCHABLE` of `programs/lib/qec.s`.
const QEC_E_UNMATCHABLE: u32 = 0xC01;

/// `QEC_E_MESSAGE` of `programs/lib/qec.s`.
const QEC_E_MESSAGE: u32 = 0xC04;

/// The `QEC_STEP` message type of `programs/lib/qec.s`.
const QEC_STEP: u32 = 0x7F_FE20;

/// The seed of every scenario here (the sampler's too).
const SEED: u64 = 5;

/// A scenario running the distributed decoder on every stabilizer node, with `network`
/// keys under `[network]` and `decoding` keys under `[decoding]`.
fn text(network: &str, decoding: &str) -> String {
    let dir = workspace_root().join("programs/decoders/distributed");
    let lib = workspace_root().join("programs/lib");
    format!(
        "seed = {SEED}\n[programs.distributed]\nsources = [\"{}\"]\nlib = [\"{}\"]\n\
         [defaults]\nclock = \"250 MHz\"\n[network]\n{network}\n[decoding]\n\
         program = \"distributed\"\noutputs = \"all\"\nreadout_latency = \"20 ns\"\n\
         barrier_latency = \"20 ns\"\n{decoding}",
        dir.join("dist.s").display(),
        lib.display()
    )
}

/// The `[decoding]` keys of `shots` sampled shots of the rotated surface code, a round
/// every `period`.
fn code(distance: u32, noise: &str, p: f64, shots: usize, period: &str) -> String {
    format!(
        "code = \"rotated-surface\"\ndistance = {distance}\nnoise = \"{noise}\"\np = {p}\n\
         shots = {shots}\nround_period = \"{period}\"\n"
    )
}

/// Runs a scenario text with its files; its exit code and report.
fn run(text: &str, files: &[(&str, &str)], extra: &[&str]) -> (i32, serde_json::Value) {
    let (_dir, path) = scenario("distributed.toml", text, files);
    run_json(&path, extra)
}

/// Checks that the run passed and every shot was decoded exactly as the host reference
/// decodes it.
fn passed_as_reference(status: i32, r: &serde_json::Value, shots: u64) {
    assert_eq!(status, 0, "{} {}", r["decoding"]["failures"], r["faults"]);
    all_as_reference(r, shots);
}

/// What the protocol's host model says a run of `shots` costs: supersteps (barrier
/// epochs), `QEC_STEP` messages and their payload words, summed over the shots.
fn model(shots: &[Vec<u32>], graph: &DecodingGraph) -> [u64; 3] {
    let layout = Layout::new(graph).expect("a layout");
    let model = Distributed::new(graph, &layout);
    shots.iter().fold([0; 3], |[s, m, w], fired| {
        let run = model.decode(fired).expect("the model decodes the shot");
        [
            s + u64::from(run.supersteps),
            m + run.messages,
            w + run.words,
        ]
    })
}

/// Checks the run's barrier epochs, `QEC_STEP` messages and payload words against the
/// model's `[supersteps, messages, words]`.
fn costs_as_model(r: &serde_json::Value, expected: [u64; 3]) {
    let sent = count(r, "QEC_STEP", "sent");
    let bits = count(r, "QEC_STEP", "bits");
    let words = (bits - HEADER_BITS * sent) / 32;
    assert_eq!(
        [
            r["decoding"]["barriers"].as_u64().expect("barriers"),
            sent,
            words
        ],
        expected,
        "[barrier epochs, QEC_STEP messages, payload words] against the model"
    );
    assert_eq!(count(r, "QEC_STEP", "delivered"), sent);
}

fn noise_of(name: &str) -> Noise {
    match name {
        "code-capacity" => Noise::CodeCapacity,
        "phenomenological" => Noise::Phenomenological,
        other => panic!("no noise {other}"),
    }
}

/// Runs `shots` sampled shots, a round every `period`, and checks them against the
/// reference and the model.
fn sampled(
    distance: u32,
    noise: &str,
    p: f64,
    shots: usize,
    period: &str,
    network: &str,
) -> serde_json::Value {
    let (status, r) = run(
        &text(network, &code(distance, noise, p, shots, period)),
        &[],
        &[],
    );
    passed_as_reference(status, &r, shots as u64);
    let (graph, fired) = surface(distance, noise_of(noise), p, shots, SEED);
    costs_as_model(&r, model(&fired, &graph));
    r
}

#[test]
fn distributed_decoder_equals_the_host_reference_and_the_model() {
    for (noise, p, shots) in [("code-capacity", 0.08, 300), ("phenomenological", 0.02, 60)] {
        for distance in [3, 5, 7] {
            sampled(distance, noise, p, shots, "1 us", "");
        }
    }
}

/// Every scenario of the issue: 2,000 shots per (d, noise) for d = 3, 5, 7, 9 (the
/// simulator crates are optimised in test builds too: Cargo.toml's `profile.dev.package`).
#[test]
fn two_thousand_shots_per_distance_and_noise() {
    for (noise, p) in [
        ("code-capacity", 0.03),
        ("code-capacity", 0.08),
        ("phenomenological", 0.005),
        ("phenomenological", 0.02),
    ] {
        for distance in [3, 5, 7, 9] {
            // 50 us rounds: the decoder falls behind by fewer than 1,024 shots.
            sampled(
                distance,
                noise,
                p,
                2000,
                "50 us",
                "inbox_capacity = 1000000\n",
            );
        }
    }
}

/// A chain of `n` detectors `D0 .. D(n-1)`, each on its own node at `(2 i, 0)`, joined in a
/// line, with a boundary edge at each end: a repetition code.
fn chain(n: u32) -> String {
    let mut dem = String::from("error(0.1) D0\n");
    for i in 1..n {
        dem += &format!(
            "error(0.1) D{} D{i}{}\n",
            i - 1,
            if i == 1 { " L0" } else { "" }
        );
    }
    dem += &format!("error(0.1) D{}\n", n - 1);
    for i in 0..n {
        dem += &format!("detector({}, 0, 0) D{i}\n", 2 * i);
    }
    dem
}

/// Decodes the shots of `dets` (`01` lines) on `dem` and checks them against the
/// reference.
fn hand_made(dem: &str, dets: &str, weights: &str) {
    let shots = dets.lines().count();
    let obs = "0\n".repeat(shots);
    let decoding = format!(
        "dem = \"x.dem\"\ndets = \"d.01\"\nobs = \"o.01\"\nweights = \"{weights}\"\n\
         round_period = \"1 us\"\n"
    );
    let files = [("x.dem", dem), ("d.01", dets), ("o.01", obs.as_str())];
    let (status, r) = run(&text("", &decoding), &files, &[]);
    passed_as_reference(status, &r, shots as u64);
}

#[test]
fn hand_made_syndromes_that_stress_merging() {
    // D2 and D4 of a 7-chain grow into one cluster meeting at D3; D1 alone reaches both
    // ends of a 3-chain's boundary; D0 and D6 each touch their own boundary; every
    // detector fired; nothing fired.
    hand_made(
        &chain(7),
        "0010100\n0000000\n1000001\n1111111\n0101010\n",
        "unweighted",
    );
    hand_made(&chain(3), "010\n111\n101\n", "unweighted");
    // The d = 5 surface code, code capacity (12 detectors, then 12 inert ones) and
    // phenomenological with 3 rounds, every non-inert detector fired, weighted and not.
    for (distance, noise, rounds) in [(5, Noise::CodeCapacity, 1), (3, Noise::Phenomenological, 3)]
    {
        let dem = SurfaceCode {
            distance,
            rounds,
            noise,
            p: 0.01,
        }
        .dem()
        .expect("a DEM");
        let graph = DecodingGraph::from_dem(&dem, Weighting::Unweighted).expect("a graph");
        let all: String = (0..graph.num_detectors)
            .map(|v| if graph.is_inert(v) { '0' } else { '1' })
            .collect();
        let left: String = (0..graph.num_detectors)
            .map(|v| {
                if v % 3 == 0 && !graph.is_inert(v) {
                    '1'
                } else {
                    '0'
                }
            })
            .collect();
        let dets = format!("{all}\n{left}\n");
        for weights in ["unweighted", "log:8"] {
            hand_made(&dem.to_text(), &dets, weights);
        }
    }
}

#[test]
fn delay_jitter_changes_only_the_timing() {
    let calm = sampled(5, "phenomenological", 0.02, 40, "1 us", "");
    let jittery = sampled(
        5,
        "phenomenological",
        0.02,
        40,
        "1 us",
        "link.jitter = \"40 ns\"\n",
    );
    let lat = |r: &serde_json::Value| r["decoding"]["latency"]["mean_ns"].as_f64();
    assert_ne!(lat(&calm), lat(&jittery), "the jitter delays some messages");
}

#[test]
fn run_ahead_equals_single_step() {
    let text = text("", &code(3, "phenomenological", 0.03, 20, "1 us"));
    let (_dir, path) = scenario("distributed.toml", &text, &[]);
    let [fast, slow] = [&[][..], &["--single-step"][..]].map(|extra| {
        let (status, mut r) = run_json(&path, extra);
        passed_as_reference(status, &r, 20);
        r.as_object_mut().expect("a report").remove("events");
        r
    });
    assert!(fast == slow, "run-ahead and single-step reports differ");
}

#[test]
fn a_lost_message_leaves_shots_undecoded() {
    let (status, r) = run(
        &text(
            "link.drop = 0.05\n",
            &code(3, "code-capacity", 0.1, 40, "1 us"),
        ),
        &[],
        &[],
    );
    assert_eq!(status, 1, "{}", r["decoding"]);
    let d = &r["decoding"];
    assert!(d["undecoded"].as_u64().expect("undecoded") > 0, "{d}");
    assert!(r["network"]["drops"]["lost"].as_u64().expect("lost") > 0);
    let failures = d["failures"].to_string();
    assert!(failures.contains("output nodes reported"), "{failures}");
}

#[test]
fn an_unmatchable_syndrome_faults_with_qec_e_unmatchable() {
    // Two stabilizers with one detector each, joined by one edge and no boundary: shot 0
    // fires both (matchable), shot 1 only D0 (unmatchable): both nodes fault.
    let dem = "error(0.1) D0 D1 L0\ndetector(0, 0, 0) D0\ndetector(2, 0, 0) D1\n";
    let decoding = "dem = \"x.dem\"\ndets = \"d.01\"\nobs = \"o.01\"\ncheck_reference = false\n";
    let files = [("x.dem", dem), ("d.01", "11\n10\n"), ("o.01", "1\n0\n")];
    let (status, r) = run(&text("", decoding), &files, &[]);
    assert_eq!(status, 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 2, "{faults:?}");
    for (node, fault) in faults.iter().enumerate() {
        assert_eq!(fault["node"], node);
        assert_eq!(
            fault["message"],
            format!("assertion {QEC_E_UNMATCHABLE} failed")
        );
    }
    assert_eq!(
        r["decoding"]["decoded"], 1,
        "shot 0 decoded before the faults"
    );
}

#[test]
fn a_qec_step_of_another_shot_faults_with_qec_e_message() {
    // d = 3 code capacity on an all-to-all network with a stimulus at id 4 sending node 1
    // a QEC_STEP of shot 2 before shot 0's readouts: node 1 takes it in shot 0's first
    // superstep and faults; the others wait for node 1 for ever.
    let stimulus = format!(
        "topology = \"scenario\"\n[[components]]\nkind = \"stimulus\"\nid = 4\n\
         dst = {{ node = 1, inbox = 1 }}\ntype = {QEC_STEP}\npayload = [2, 0, 0]\n\
         start = \"500 ns\"\n"
    );
    let decoding = code(3, "code-capacity", 0.1, 3, "1 us") + &stimulus;
    let (status, r) = run(&text("", &decoding), &[], &[]);
    assert_eq!(status, 1);
    let faults = r["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["node"], 1);
    assert_eq!(
        faults[0]["message"],
        format!("assertion {QEC_E_MESSAGE} failed")
    );
    assert_eq!(r["decoding"]["decoded"], 0);
}

#[test]
fn weighted_growth_equals_the_host_reference_and_the_model() {
    // Edge weights from the probabilities (`log:16`): supports grow by 1 or 2 per round
    // towards weights of 1 .. 16, so clusters meet after partial growth.
    let decoding = code(5, "phenomenological", 0.02, 40, "1 us") + "weights = \"log:16\"\n";
    let (status, r) = run(&text("", &decoding), &[], &[]);
    passed_as_reference(status, &r, 40);
    let (_, fired) = surface(5, Noise::Phenomenological, 0.02, 40, SEED);
    let dem = SurfaceCode {
        distance: 5,
        rounds: 5,
        noise: Noise::Phenomenological,
        p: 0.02,
    }
    .dem()
    .expect("a DEM");
    let graph = DecodingGraph::from_dem(&dem, Weighting::Log { resolution: 16 }).expect("a graph");
    costs_as_model(&r, model(&fired, &graph));
}
