//! Fuzzes the scenario reader: the input is scenario TOML text, optionally followed by a
//! line `%%` and assembly source that every program of the scenario assembles to.
//! `Scenario::parse` must answer any text with a scenario or an error, never a panic or
//! an abort; relative paths resolve in `fuzz/fixtures` (per-node data, a graph, a source
//! file). A scenario of at most `MAX_BUILT` stations is also built.
#![no_main]

use std::path::{Path, PathBuf};

use aether_asm::{Options, assemble_in_memory};
use aether_cosim::scenario::Scenario;
use aether_cosim::sim::Stepping;
use aether_isa::Image;
use libfuzzer_sys::fuzz_target;

/// The source assembled when the input gives none: a node that halts.
const HALT: &str = ".code\n.entry main\nmain:\n    halt\n";

/// Largest scenario (nodes and components) that is also built into a simulation.
const MAX_BUILT: usize = 64;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (toml, source) = text.split_once("\n%%\n").unwrap_or((&*text, HALT));
    let assemble = |_: &[PathBuf], _: &[PathBuf]| -> Result<Image, String> {
        assemble_in_memory(&[("main.s", source)], 1, &Options::default())
            .map(|(image, _)| image)
            .map_err(|d| d.render())
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let Ok(scenario) = Scenario::parse(toml, "fuzz.toml", &dir, &assemble) else {
        return;
    };
    if scenario.stations() <= MAX_BUILT {
        let _ = scenario.build(scenario.seed, None, Stepping::RunAhead);
    }
});
