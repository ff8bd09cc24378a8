//! Semantic checks of an image: what makes a decoded image a valid program.

use std::collections::HashMap;

use super::error::{ImageError, NameKind};
use super::format::MAX_NAME_BYTES;
use super::{Image, SymbolKind};
use crate::encoding::Instruction;

/// Bit 31 of a message type marks a message returned to its sender.
const RETURN_BIT: u32 = 0x8000_0000;

impl Image {
    /// Checks everything the binary layout cannot express: code decodes,
    /// addresses point into code or data, names are unique, the source map
    /// is sorted. The loader runs this; the assembler may too.
    pub fn validate(&self) -> Result<(), ImageError> {
        let literals = self.check_code()?;
        check_names(
            NameKind::Entry,
            self.entries.iter().map(|e| e.name.as_str()),
        )?;
        check_names(
            NameKind::Symbol,
            self.symbols.iter().map(|s| s.name.as_str()),
        )?;
        check_names(
            NameKind::File,
            self.source_map.files.iter().map(String::as_str),
        )?;
        check_names(
            NameKind::MsgType,
            self.msg_types.iter().map(|m| m.name.as_str()),
        )?;
        for e in &self.entries {
            if e.addr as usize >= self.code.len() {
                return Err(ImageError::EntryOutOfRange {
                    name: e.name.clone(),
                    addr: e.addr,
                    code_len: self.code.len(),
                });
            }
            check_boundary(&literals, "entry", &e.name, e.addr)?;
        }
        for s in &self.symbols {
            match s.kind {
                SymbolKind::Code if s.value as usize >= self.code.len() => {
                    return Err(ImageError::CodeSymbolOutOfRange {
                        name: s.name.clone(),
                        addr: s.value,
                        code_len: self.code.len(),
                    });
                }
                SymbolKind::Code => check_boundary(&literals, "code symbol", &s.name, s.value)?,
                SymbolKind::Data if s.value as usize > self.data.len() => {
                    return Err(ImageError::DataSymbolOutOfRange {
                        name: s.name.clone(),
                        addr: s.value,
                        data_len: self.data.len(),
                    });
                }
                SymbolKind::Data | SymbolKind::Const => {}
            }
        }
        self.check_source_map()?;
        self.check_msg_ids()
    }

    /// Decodes every instruction; returns the addresses of `pushw` literal words.
    fn check_code(&self) -> Result<Vec<u32>, ImageError> {
        let mut literals = Vec::new();
        let mut addr = 0usize;
        while addr < self.code.len() {
            let (_, len) =
                Instruction::decode(&self.code[addr..]).map_err(|error| ImageError::BadCode {
                    addr: addr as u32,
                    word: self.code[addr],
                    error,
                })?;
            if len == 2 {
                literals.push(addr as u32 + 1);
            }
            addr += len as usize;
        }
        Ok(literals)
    }

    fn check_source_map(&self) -> Result<(), ImageError> {
        let files = self.source_map.files.len();
        let mut prev: Option<u32> = None;
        for (index, loc) in self.source_map.locs.iter().enumerate() {
            if let Some(prev) = prev.filter(|&p| loc.addr <= p) {
                return Err(ImageError::SourceMapUnsorted {
                    index,
                    addr: loc.addr,
                    prev,
                });
            }
            prev = Some(loc.addr);
            if loc.addr as usize >= self.code.len() {
                return Err(ImageError::SourceMapOutOfRange {
                    index,
                    addr: loc.addr,
                    code_len: self.code.len(),
                });
            }
            if loc.file as usize >= files {
                return Err(ImageError::SourceMapBadFile {
                    index,
                    file: loc.file,
                    files,
                });
            }
            if loc.line == 0 || loc.col == 0 {
                return Err(ImageError::SourceMapBadPosition {
                    index,
                    line: loc.line,
                    col: loc.col,
                });
            }
        }
        Ok(())
    }

    fn check_msg_ids(&self) -> Result<(), ImageError> {
        let mut seen: HashMap<u32, &str> = HashMap::with_capacity(self.msg_types.len());
        for m in &self.msg_types {
            if m.id & RETURN_BIT != 0 {
                return Err(ImageError::MsgIdReturnBit {
                    name: m.name.clone(),
                    id: m.id,
                });
            }
            if let Some(first) = seen.insert(m.id, &m.name) {
                return Err(ImageError::DuplicateMsgId {
                    id: m.id,
                    first: first.to_string(),
                    second: m.name.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Rejects an `addr` that is the literal word of a `pushw`.
fn check_boundary(
    literals: &[u32],
    what: &'static str,
    name: &str,
    addr: u32,
) -> Result<(), ImageError> {
    if literals.binary_search(&addr).is_ok() {
        return Err(ImageError::InsideInstruction {
            what,
            name: name.to_string(),
            addr,
            pushw: addr - 1,
        });
    }
    Ok(())
}

/// Names must be non-empty, at most [`MAX_NAME_BYTES`] long and unique.
fn check_names<'a>(what: NameKind, names: impl Iterator<Item = &'a str>) -> Result<(), ImageError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, name) in names.enumerate() {
        if name.is_empty() {
            return Err(ImageError::EmptyName { what, index });
        }
        if name.len() > MAX_NAME_BYTES {
            return Err(ImageError::NameTooLong {
                what,
                index,
                len: name.len(),
                max: MAX_NAME_BYTES,
            });
        }
        if let Some(first) = seen.insert(name, index) {
            return Err(ImageError::DuplicateName {
                what,
                name: name.to_string(),
                first,
                second: index,
            });
        }
    }
    Ok(())
}
