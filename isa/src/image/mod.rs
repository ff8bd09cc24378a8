//! The program image: what `aether-asm` writes and the emulator loads.
//!
//! This module holds the in-memory model; the binary format lives in
//! [`format`] and is specified in `docs/image-format.md`, the semantic
//! checks in [`Image::validate`] and the errors in [`error`].

pub mod error;
pub mod format;
#[cfg(test)]
mod sample;
mod validate;

pub use error::{Field, ImageError, NameKind, Section};
pub use validate::MAX_MSG_ID;

use serde::{Deserialize, Serialize};

use crate::Addressing;

/// A linked, loadable program.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// How the program builds address words (header flag bit 0 of a version 2 file);
    /// left out of the JSON dump when narrow, so narrow dumps keep their version 1 shape.
    #[serde(default, skip_serializing_if = "Addressing::is_narrow")]
    pub addressing: Addressing,
    /// Instruction words, loaded at code address 0.
    pub code: Vec<u32>,
    /// Initial data memory, loaded at data address 0.
    pub data: Vec<u32>,
    /// Named entry points (code addresses a node may start at).
    pub entries: Vec<Entry>,
    /// Symbols: labels and constants.
    pub symbols: Vec<Symbol>,
    /// Source locations of code words.
    pub source_map: SourceMap,
    /// Message types declared by the program.
    pub msg_types: Vec<MsgType>,
}

/// A named entry point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Name, as written in `.entry`.
    pub name: String,
    /// Code address.
    pub addr: u32,
}

/// What a symbol's value denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    /// A code address.
    Code,
    /// A data address.
    Data,
    /// A constant from `.const`.
    Const,
}

/// A named value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbol {
    /// Fully qualified name (`global` or `global.local`).
    pub name: String,
    /// What the value is.
    pub kind: SymbolKind,
    /// The value (an address, or a constant's 32-bit two's-complement bits).
    pub value: u32,
}

/// A message type declared with `.msg`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgType {
    /// The type number carried in packets.
    pub id: u32,
    /// The declared name.
    pub name: String,
}

/// Maps code addresses to source locations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMap {
    /// Source file names, indexed by [`SourceLoc::file`].
    pub files: Vec<String>,
    /// Locations sorted by strictly increasing address; each covers the code
    /// words up to the next entry's address.
    pub locs: Vec<SourceLoc>,
}

/// The source location of the code starting at `addr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLoc {
    /// First code address covered.
    pub addr: u32,
    /// Index into [`SourceMap::files`].
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl SourceMap {
    /// The location covering code address `addr`, if any.
    pub fn lookup(&self, addr: u32) -> Option<&SourceLoc> {
        let idx = self.locs.partition_point(|l| l.addr <= addr);
        idx.checked_sub(1).map(|i| &self.locs[i])
    }

    /// `file:line:col` for code address `addr`, if known.
    pub fn describe(&self, addr: u32) -> Option<String> {
        let loc = self.lookup(addr)?;
        let file = self.files.get(loc.file as usize)?;
        Some(format!("{file}:{}:{}", loc.line, loc.col))
    }
}

impl Image {
    /// The entry point with this name.
    pub fn entry(&self, name: &str) -> Option<u32> {
        self.entries.iter().find(|e| e.name == name).map(|e| e.addr)
    }

    /// The symbol with this name.
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// The name of message type `id`, if declared.
    pub fn msg_type_name(&self, id: u32) -> Option<&str> {
        self.msg_types
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_map_lookup_finds_the_covering_entry() {
        let map = SourceMap {
            files: vec!["a.s".into()],
            locs: vec![
                SourceLoc {
                    addr: 0,
                    file: 0,
                    line: 1,
                    col: 5,
                },
                SourceLoc {
                    addr: 3,
                    file: 0,
                    line: 4,
                    col: 5,
                },
            ],
        };
        assert_eq!(map.lookup(2).unwrap().line, 1);
        assert_eq!(map.lookup(3).unwrap().line, 4);
        assert_eq!(map.lookup(100).unwrap().line, 4);
        assert_eq!(map.describe(0).as_deref(), Some("a.s:1:5"));
    }
}
