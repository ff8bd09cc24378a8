//! Shared helpers of the `fw_*` acceptance tests: the library folder, a seeded generator
//! for test inputs and the writing of `.word` lists.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::workspace_root;

/// The firmware library folder, as a string usable inside a scenario.
pub fn lib_dir() -> String {
    workspace_root().join("programs/lib").display().to_string()
}

/// A seeded generator for generated trees and graphs.
pub struct Gen(ChaCha8Rng);

impl Gen {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Gen {
        Gen(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n)
    }
}

/// Numbers as the operand list of a `.word` line: `1, 2, 3`.
pub fn words<T: ToString>(xs: &[T]) -> String {
    xs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A counter (`sent`, `delivered`, `returned`, `bits`) of the message type named `name`
/// in a report's message report (`messages`, docs/report.md); 0 when no such message
/// was sent.
pub fn count(report: &serde_json::Value, name: &str, field: &str) -> u64 {
    report["messages"]
        .as_array()
        .expect("message report")
        .iter()
        .find(|m| m["name"] == name)
        .map_or(0, |m| m[field].as_u64().expect("a count"))
}
