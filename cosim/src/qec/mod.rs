//! Quantum error correction workloads: stim detector error models and shot
//! files, the decoding graph, a surface-code generator, a sampler and scoring
//! (docs/decoders.md).

pub mod dem;
pub mod distributed;
pub mod graph;
pub mod layout;
pub mod sample;
pub mod score;
pub mod shots;
pub mod surface;
pub mod unionfind;
pub mod window;
pub mod workload;

/// Why a decoding problem, a shot file or a decoding request is rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QecError {
    /// A `.dem` line that is not stim syntax, or that aether does not support.
    #[error("{file}:{line}: {message}")]
    Dem {
        /// The DEM's file name (or a description of where it came from).
        file: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An error instruction that cannot become edges of a decoding graph.
    #[error("{file}:{line}: {message}")]
    Graph {
        /// The DEM's file name.
        file: String,
        /// The 1-based line of the `error` instruction.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A fired detector index beyond the graph's detectors.
    #[error("detector D{detector} is out of range (the graph has {detectors} detectors)")]
    DetectorOutOfRange {
        /// The detector index.
        detector: u32,
        /// The graph's number of detectors.
        detectors: u32,
    },
    /// A syndrome that union-find cannot match: an active cluster with no edge left to grow.
    #[error(
        "the syndrome cannot be matched: the cluster of fired detector D{detector} has odd parity, \
         no boundary edge and no edge left to grow"
    )]
    Unmatchable {
        /// The smallest fired detector of the cluster.
        detector: u32,
    },
    /// A shot record of the wrong shape (shots are numbered from 1).
    #[error("{file}: shot {shot}: {message}")]
    Shots {
        /// The shot file's name.
        file: String,
        /// The 1-based shot (for `01`, also the line).
        shot: usize,
        /// What is wrong.
        message: String,
    },
    /// A generator or scoring parameter out of range.
    #[error("{0}")]
    Parameter(String),
}

/// The stim-made files of `programs/decoders/fixtures/` (see its `make_fixtures.py`), for tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::path::PathBuf;

    /// One line of the fixtures' `manifest.txt`.
    pub struct Case {
        pub name: String,
        pub distance: u32,
        pub rounds: u32,
        pub noise: String,
        pub p: f64,
        pub shots: usize,
        pub detectors: usize,
        pub observables: usize,
        /// PyMatching's logical errors on the shots (from the manifest's comment).
        pub pymatching_errors: Option<u64>,
    }

    /// The fixture directory.
    pub fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../programs/decoders/fixtures")
    }

    /// The bytes of one fixture file.
    pub fn read(name: &str) -> Vec<u8> {
        let path = dir().join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every case of the manifest.
    pub fn cases() -> Vec<Case> {
        let text = String::from_utf8(read("manifest.txt")).unwrap();
        let mut cases: Vec<Case> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                Case {
                    name: f[0].into(),
                    distance: f[1].parse().unwrap(),
                    rounds: f[2].parse().unwrap(),
                    noise: f[3].into(),
                    p: f[4].parse().unwrap(),
                    shots: f[5].parse().unwrap(),
                    detectors: f[6].parse().unwrap(),
                    observables: f[7].parse().unwrap(),
                    pymatching_errors: None,
                }
            })
            .collect();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("# ") else {
                continue;
            };
            let Some((name, said)) = rest.split_once(": pymatching predicts ") else {
                continue;
            };
            let errors = said.split_whitespace().next().unwrap().parse().unwrap();
            let case = cases.iter_mut().find(|c| c.name == name).unwrap();
            case.pymatching_errors = Some(errors);
        }
        cases
    }
}
