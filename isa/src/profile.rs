//! Microarchitecture timing profiles: the cycle cost of every instruction.
//!
//! Costs are attached to ISA instructions (by mnemonic), never to any form an
//! emulator may translate them into, so emulator optimisations cannot change
//! simulated time.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::opcode::{COUNT, INSTRUCTIONS, Opcode};

/// The default profile's TOML text, as shipped in `isa/profiles/default.toml`.
pub const DEFAULT_PROFILE_TOML: &str = include_str!("../profiles/default.toml");

/// Largest cycle cost a profile may give one instruction or transfer.
pub const MAX_COST: u32 = 1_000_000;

/// A validated timing profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimingProfile {
    /// Profile name.
    pub name: String,
    /// Free-form description.
    pub description: String,
    /// Cycles per instruction, indexed by [`Opcode::index`].
    #[serde(skip)]
    pub cycles: [u32; COUNT],
    /// Cycles per word moved between memory and the NIC by `send` / `recv`.
    pub nic_word: u32,
    /// Cycles to switch between two processes of one node.
    pub switch: u32,
}

/// Why a profile is rejected.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read timing profile {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not valid TOML of the expected shape.
    #[error("timing profile {origin}: {message}")]
    Syntax {
        /// File name or `<string>`.
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// A `[cycles]` key is not an instruction.
    #[error("timing profile {origin}: [cycles] names unknown instruction `{mnemonic}`")]
    UnknownInstruction {
        /// File name or `<string>`.
        origin: String,
        /// The key.
        mnemonic: String,
    },
    /// An instruction has no cost.
    #[error("timing profile {origin}: [cycles] gives no cost for `{mnemonic}`")]
    MissingInstruction {
        /// File name or `<string>`.
        origin: String,
        /// The instruction without a cost.
        mnemonic: &'static str,
    },
    /// A cost is zero or too large.
    #[error("timing profile {origin}: cost of `{key}` is {value}; it must be 1..={MAX_COST}")]
    BadCost {
        /// File name or `<string>`.
        origin: String,
        /// The key.
        key: String,
        /// The value given.
        value: u64,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    #[serde(default)]
    description: String,
    nic: RawNic,
    process: RawProcess,
    cycles: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNic {
    word: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcess {
    switch: u64,
}

fn check_cost(origin: &str, key: &str, value: u64) -> Result<u32, ProfileError> {
    if value == 0 || value > MAX_COST as u64 {
        return Err(ProfileError::BadCost {
            origin: origin.to_string(),
            key: key.to_string(),
            value,
        });
    }
    Ok(value as u32)
}

impl TimingProfile {
    /// Parses and validates a profile from TOML text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<TimingProfile, ProfileError> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for key in raw.cycles.keys() {
            if Opcode::from_mnemonic(key).is_none() || key.to_lowercase() != *key {
                return Err(ProfileError::UnknownInstruction {
                    origin: origin.to_string(),
                    mnemonic: key.clone(),
                });
            }
        }
        let mut cycles = [0; COUNT];
        for (slot, info) in cycles.iter_mut().zip(INSTRUCTIONS) {
            let value =
                *raw.cycles
                    .get(info.mnemonic)
                    .ok_or_else(|| ProfileError::MissingInstruction {
                        origin: origin.to_string(),
                        mnemonic: info.mnemonic,
                    })?;
            *slot = check_cost(origin, info.mnemonic, value)?;
        }
        Ok(TimingProfile {
            name: raw.name,
            description: raw.description,
            cycles,
            nic_word: check_cost(origin, "nic.word", raw.nic.word)?,
            switch: check_cost(origin, "process.switch", raw.process.switch)?,
        })
    }

    /// Reads and validates a profile file.
    pub fn load(path: &Path) -> Result<TimingProfile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        TimingProfile::from_toml(&text, &path.display().to_string())
    }

    /// Cycle cost of one instruction.
    #[inline]
    pub fn cost(&self, opcode: Opcode) -> u32 {
        self.cycles[opcode.index()]
    }

    /// Costs by mnemonic, in opcode order.
    pub fn costs(&self) -> impl Iterator<Item = (&'static str, u32)> + '_ {
        INSTRUCTIONS
            .iter()
            .zip(self.cycles.iter())
            .map(|(info, &c)| (info.mnemonic, c))
    }
}

impl Default for TimingProfile {
    /// The shipped default profile.
    fn default() -> TimingProfile {
        TimingProfile::from_toml(DEFAULT_PROFILE_TOML, "default.toml")
            .expect("the shipped default profile is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_matches_the_instruction_table() {
        let profile = TimingProfile::default();
        for info in INSTRUCTIONS {
            assert_eq!(
                profile.cost(info.opcode),
                info.default_cycles,
                "{}",
                info.mnemonic
            );
        }
        assert_eq!(profile.name, "default");
    }

    fn without(line: &str) -> String {
        DEFAULT_PROFILE_TOML
            .lines()
            .filter(|l| l.trim() != line)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_missing_instruction_is_rejected() {
        let err = TimingProfile::from_toml(&without("mul = 3"), "p.toml").unwrap_err();
        assert!(matches!(
            err,
            ProfileError::MissingInstruction {
                mnemonic: "mul",
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "timing profile p.toml: [cycles] gives no cost for `mul`"
        );
    }

    #[test]
    fn an_unknown_instruction_is_rejected() {
        let text = format!("{DEFAULT_PROFILE_TOML}frobnicate = 3\n");
        let err = TimingProfile::from_toml(&text, "p.toml").unwrap_err();
        assert!(matches!(err, ProfileError::UnknownInstruction { .. }));
    }

    #[test]
    fn zero_and_huge_costs_are_rejected() {
        let text = without("add = 1") + "\nadd = 0\n";
        assert!(matches!(
            TimingProfile::from_toml(&text, "p").unwrap_err(),
            ProfileError::BadCost { value: 0, .. }
        ));
        let text = without("add = 1") + "\nadd = 1000001\n";
        assert!(TimingProfile::from_toml(&text, "p").is_err());
    }

    #[test]
    fn unknown_sections_and_bad_syntax_are_rejected() {
        let text = format!("{DEFAULT_PROFILE_TOML}\n[turbo]\nx = 1\n");
        assert!(matches!(
            TimingProfile::from_toml(&text, "p").unwrap_err(),
            ProfileError::Syntax { .. }
        ));
        assert!(TimingProfile::from_toml("name = ", "p").is_err());
    }
}
