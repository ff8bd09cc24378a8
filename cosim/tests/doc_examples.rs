//! Every ```toml block of docs/scenario.md and docs/network.md loads as a scenario and
//! builds a simulation. Blocks that are only a `[network]` table are completed with a
//! program and as many nodes as their topology holds; program sources are stand-ins (a
//! one-instruction image with every entry point the block names and the data labels
//! `qec_node` and `qec_graph`), and a graph `file` is
//! the example graph of docs/network.md.

use std::path::{Path, PathBuf};

use aether_cosim::scenario::Scenario;
use aether_cosim::sim::Stepping;
use aether_isa::{Entry, Image, Instruction, Opcode, Symbol, SymbolKind};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// The fenced blocks of `text` whose info string is exactly `lang`.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// Every string value of a key named `entry`, anywhere in the table.
fn entries(value: &toml::Value, found: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("entry", toml::Value::String(s)) => found.push(s.clone()),
                    _ => entries(v, found),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| entries(v, found)),
        _ => {}
    }
}

/// Nodes a network-only block can hold: its grid, or 16.
fn node_count(table: &toml::Table) -> u64 {
    let topology = table
        .get("network")
        .and_then(|n| n.get("topology"))
        .and_then(|t| t.as_table());
    match topology {
        Some(t) if t.contains_key("width") => {
            let side = |k: &str| t.get(k).and_then(toml::Value::as_integer).unwrap_or(1);
            (side("width") * side("height")) as u64
        }
        _ => 16,
    }
}

fn load(text: &str, graph: &str, origin: &str) {
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{origin}: not TOML: {e}\n{text}"));
    let text = if table.contains_key("programs") {
        text.to_string()
    } else {
        assert!(
            table.contains_key("network"),
            "{origin}: neither a scenario nor [network]"
        );
        format!(
            "[programs.p]\nsources = [\"node.s\"]\n[[nodes]]\ncount = {}\nprogram = \"p\"\n{text}",
            node_count(&table)
        )
    };
    let table: toml::Table = text.parse().expect("completed block");
    let mut names = vec!["main".to_string()];
    entries(&toml::Value::Table(table.clone()), &mut names);
    let folder = tempfile::tempdir().expect("temp dir");
    let dir = folder.path();
    for program in table
        .get("programs")
        .and_then(|p| p.as_table())
        .into_iter()
        .flatten()
    {
        for source in program
            .1
            .get("sources")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
        {
            let file = dir.join(source.as_str().expect("a source path"));
            std::fs::write(file, "halt\n").expect("stand-in source");
        }
    }
    std::fs::write(dir.join("machine.graph"), graph).expect("graph file");
    let assemble = move |_: &[PathBuf], _: &[PathBuf]| -> Result<Image, String> {
        let mut code = Vec::new();
        Instruction::bare(Opcode::Halt).encode_into(&mut code);
        let entries = names
            .iter()
            .map(|name| Entry {
                name: name.clone(),
                addr: 0,
            })
            .collect();
        // The data labels a `[decoding]` section writes (docs/decoders.md, "Per-node data").
        let symbols = [("qec_node", 0), ("qec_graph", 4096)]
            .map(|(name, value)| Symbol {
                name: name.into(),
                kind: SymbolKind::Data,
                value,
            })
            .to_vec();
        Ok(Image {
            code,
            entries,
            symbols,
            ..Image::default()
        })
    };
    let scenario = Scenario::parse(&text, origin, dir, &assemble)
        .unwrap_or_else(|e| panic!("{origin} does not load: {e}\n{text}"));
    let mut sim = scenario
        .build(scenario.seed, Some(1_000_000_000), Stepping::RunAhead)
        .unwrap_or_else(|e| panic!("{origin} does not build: {e}"));
    sim.run();
}

#[test]
fn every_toml_example_in_the_docs_loads_as_a_scenario() {
    let network = std::fs::read_to_string(docs().join("network.md")).expect("network.md");
    let graph = blocks(&network, "text")
        .into_iter()
        .find(|b| b.contains("class=slow"))
        .expect("the example graph file of docs/network.md");
    let mut loaded = 0;
    for doc in ["scenario.md", "network.md"] {
        let text = std::fs::read_to_string(docs().join(doc)).expect("doc");
        for (i, block) in blocks(&text, "toml").iter().enumerate() {
            load(block, &graph, &format!("{doc} block {i}"));
            loaded += 1;
        }
    }
    assert!(loaded >= 12, "only {loaded} toml blocks found");
}
