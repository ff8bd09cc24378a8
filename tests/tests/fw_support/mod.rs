//! Shared helpers of the `fw_*` acceptance tests: the library folder, a seeded generator
//! for test inputs and the writing of `.word` lists.
#![allow(dead_code)] // each fw_* test file uses only some of these helpers

use aether_tests::workspace_root;

/// The firmware library folder, as a string usable inside a scenario.
pub fn lib_dir() -> String {
    workspace_root().join("programs/lib").display().to_string()
}

/// A small deterministic generator (splitmix64) for generated trees and graphs.
pub struct Gen(pub u64);

impl Gen {
    /// The next 64-bit word of the stream.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
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
