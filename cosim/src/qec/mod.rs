//! Quantum error correction workloads: stim detector error models and shot
//! files, the decoding graph, a surface-code generator, a sampler and scoring
//! (docs/decoders.md).

pub mod dem;
pub mod graph;
pub mod unionfind;

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
}
