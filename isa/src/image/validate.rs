//! Semantic checks of an image: what makes a decoded image a valid program.

use std::collections::HashMap;

use super::error::{ImageError, NameKind};
use super::format::MAX_NAME_BYTES;
use super::{Image, SymbolKind};
use crate::encoding::Instruction;

/// Largest message-type id: bit 31 marks returned messages, and a returned
/// 0x7fffffff would read as -1, `peek`'s "empty inbox" answer.
pub const MAX_MSG_ID: u32 = 0x7FFF_FFFE;

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
                SymbolKind::Code if s.value as usize > self.code.len() => {
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
            if m.id > MAX_MSG_ID {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::sample::{assemble, sample};
    use crate::image::{Entry, MsgType, SourceLoc, Symbol};
    use crate::opcode::Opcode;

    /// Asserts that the sample changed by `edit` is rejected with `message`,
    /// both by `validate` and by the loader reading it back with a correct
    /// checksum.
    fn rejects(edit: impl FnOnce(&mut Image), message: &str) {
        let mut image = sample();
        edit(&mut image);
        assert_eq!(image.validate().unwrap_err().to_string(), message);
        let loaded = Image::from_bytes(&image.to_bytes());
        assert_eq!(loaded.unwrap_err().to_string(), message);
    }

    fn symbol(name: &str, kind: SymbolKind, value: u32) -> Symbol {
        Symbol {
            name: name.into(),
            kind,
            value,
        }
    }

    #[test]
    fn the_sample_is_valid() {
        assert!(sample().validate().is_ok());
        assert!(Image::default().validate().is_ok());
    }

    #[test]
    fn code_must_decode() {
        rejects(
            |image| image.code[4] = 0xFF00_0000,
            "code word 0xff000000 at address 4 does not decode: bad opcode 0xff",
        );
        rejects(
            |image| image.code[5] = 0x0000_0001,
            "code word 0x00000001 at address 5 does not decode: nop has non-zero operand bits 0x000001",
        );
        rejects(
            |image| image.code.push(0x1100_0000),
            "code word 0x11000000 at address 8 does not decode: pushw at the end of code is missing its literal word",
        );
    }

    #[test]
    fn a_pushw_literal_is_not_decoded() {
        // The literal 0xFF000000 would be a bad opcode if it were decoded.
        let image = Image {
            code: assemble(&[(Opcode::PushW, 0xFF00_0000), (Opcode::Halt, 0)]),
            ..Image::default()
        };
        assert!(image.validate().is_ok());
    }

    #[test]
    fn entries_must_be_instructions_in_code() {
        rejects(
            |image| image.entries[1].addr = 8,
            "entry `worker` at code address 8 is outside code (8 words)",
        );
        rejects(
            |image| image.entries[1].addr = 2,
            "entry `worker` at code address 2 points into the literal word of the pushw at 1",
        );
    }

    #[test]
    fn symbols_must_point_into_code_or_data() {
        rejects(
            |image| image.symbols[1].value = 9,
            "code symbol `square` = 9 is beyond the end of code (8 words)",
        );
        rejects(
            |image| image.symbols[1].value = 2,
            "code symbol `square` at code address 2 points into the literal word of the pushw at 1",
        );
        rejects(
            |image| image.symbols[3].value = 4,
            "data symbol `table.end` = 4 is beyond the end of data (3 words)",
        );
        // One past the end of data is a valid data address (table.end = 3);
        // a constant may hold any value (N = 0xFFFFFFFF): the sample has both.
        // One past the end of code is valid too, as for an `end:` label
        // (docs/image-format.md).
        let mut image = sample();
        image.symbols[1].value = 8;
        assert!(image.validate().is_ok());
    }

    #[test]
    fn names_must_be_unique_non_empty_and_short() {
        rejects(
            |image| image.symbols.push(symbol("square", SymbolKind::Const, 1)),
            "duplicate symbol name `square` (#1 and #5)",
        );
        rejects(
            |image| {
                image.entries.push(Entry {
                    name: "main".into(),
                    addr: 3,
                })
            },
            "duplicate entry name `main` (#0 and #2)",
        );
        rejects(
            |image| image.msg_types[1].name = "ping".into(),
            "duplicate message type name `ping` (#0 and #1)",
        );
        rejects(
            |image| image.source_map.files[1] = "main.s".into(),
            "duplicate source file name `main.s` (#0 and #1)",
        );
        rejects(
            |image| image.entries[0].name.clear(),
            "entry #0 has an empty name",
        );
        rejects(
            |image| image.symbols[2].name = "x".repeat(MAX_NAME_BYTES + 1),
            "symbol #2 has a 4097-byte name; the limit is 4096 bytes",
        );
    }

    #[test]
    fn the_largest_documented_name_and_message_id_are_valid() {
        // docs/image-format.md: names of at most 4096 bytes, message-type ids at most
        // 0x7ffffffe.
        let mut image = sample();
        image.symbols[2].name = "x".repeat(4096);
        image.msg_types[1].id = 0x7FFF_FFFE;
        assert!(image.validate().is_ok());
        rejects(
            |image| image.msg_types[1].id = 0x7FFF_FFFF,
            "message type `pong` has id 0x7fffffff; bit 31 marks returned messages, so ids must be at most 0x7ffffffe",
        );
    }

    #[test]
    fn the_source_map_must_be_sorted_and_in_range() {
        let loc = |addr, file, line, col| SourceLoc {
            addr,
            file,
            line,
            col,
        };
        rejects(
            |image| image.source_map.locs[2] = loc(3, 1, 10, 3),
            "source map entry #2: address 3 does not follow address 3 of the entry before; addresses must increase strictly",
        );
        rejects(
            |image| image.source_map.locs.swap(0, 1),
            "source map entry #1: address 0 does not follow address 3 of the entry before; addresses must increase strictly",
        );
        rejects(
            |image| image.source_map.locs.push(loc(8, 0, 20, 1)),
            "source map entry #3: address 8 is outside code (8 words)",
        );
        rejects(
            |image| image.source_map.locs[1].file = 2,
            "source map entry #1: file index 2 is past the file table (2 files)",
        );
        rejects(
            |image| image.source_map.locs[0].line = 0,
            "source map entry #0: line 0, column 1; both are 1-based",
        );
    }

    #[test]
    fn message_type_ids_are_unique_and_below_the_return_bit() {
        rejects(
            |image| {
                image.msg_types.push(MsgType {
                    id: 2,
                    name: "pang".into(),
                })
            },
            "message types `pong` and `pang` share id 2",
        );
        rejects(
            |image| image.msg_types[0].id = 0x8000_0001,
            "message type `ping` has id 0x80000001; bit 31 marks returned messages, so ids must be at most 0x7ffffffe",
        );
        rejects(
            |image| image.msg_types[0].id = 0x7FFF_FFFF,
            "message type `ping` has id 0x7fffffff; bit 31 marks returned messages, so ids must be at most 0x7ffffffe",
        );
    }
}
