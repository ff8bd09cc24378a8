//! Why an image is rejected: every error names the byte offset, section or
//! field at fault.

use std::fmt;

use crate::encoding::DecodeError;

/// A section of the binary image, in the order the format stores them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// Instruction words.
    Code = 1,
    /// Initial data memory.
    Data = 2,
    /// Named entry points.
    Entries = 3,
    /// The symbol table.
    Symbols = 4,
    /// The source map and its file table.
    SourceMap = 5,
    /// Declared message types.
    MsgTypes = 6,
}

impl Section {
    /// Every section, in the order they are stored.
    pub const ALL: [Section; 6] = [
        Section::Code,
        Section::Data,
        Section::Entries,
        Section::Symbols,
        Section::SourceMap,
        Section::MsgTypes,
    ];

    /// The section with this kind number, if version 1 defines one.
    pub fn from_kind(kind: u32) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.kind() == kind)
    }

    /// The kind number stored in the section header.
    pub fn kind(self) -> u32 {
        self as u32
    }

    /// The section's name as used in messages and docs.
    pub fn name(self) -> &'static str {
        match self {
            Section::Code => "code",
            Section::Data => "data",
            Section::Entries => "entries",
            Section::Symbols => "symbols",
            Section::SourceMap => "source_map",
            Section::MsgTypes => "msg_types",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in the image a value is read from, e.g. `symbols[4].name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The section, or `None` for the image header and the section headers.
    pub section: Option<Section>,
    /// The record index within the section, for per-record fields; the
    /// section's position, for fields of a section header.
    pub index: Option<u32>,
    /// The field's name.
    pub name: &'static str,
}

impl Field {
    /// A field of the image header or trailer.
    pub const fn header(name: &'static str) -> Field {
        Field {
            section: None,
            index: None,
            name,
        }
    }

    /// A field of the header of the `index`-th section (counting from 0).
    pub const fn section_header(index: u32, name: &'static str) -> Field {
        Field {
            section: None,
            index: Some(index),
            name,
        }
    }

    /// A field of a section that is not part of a record (such as a count).
    pub const fn of(section: Section, name: &'static str) -> Field {
        Field {
            section: Some(section),
            index: None,
            name,
        }
    }

    /// A field of record `index` of a section.
    pub const fn record(section: Section, index: u32, name: &'static str) -> Field {
        Field {
            section: Some(section),
            index: Some(index),
            name,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.section {
            None => match self.index {
                None => write!(f, "header.{}", self.name),
                Some(i) => write!(f, "section_headers[{i}].{}", self.name),
            },
            Some(s) => match self.index {
                None => write!(f, "{s}.{}", self.name),
                Some(i) => write!(f, "{s}[{i}].{}", self.name),
            },
        }
    }
}

/// Which named things must be unique within an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// Entry-point names.
    Entry,
    /// Symbol names.
    Symbol,
    /// Message-type names.
    MsgType,
    /// Source file names.
    File,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Entry => "entry",
            NameKind::Symbol => "symbol",
            NameKind::MsgType => "message type",
            NameKind::File => "source file",
        })
    }
}

/// Why an image cannot be loaded, or is not a valid program.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The image file could not be read.
    #[error("cannot read image {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Fewer bytes than the header and checksum alone take.
    #[error("image is {len} bytes long, shorter than the {min}-byte header and checksum")]
    TooShort {
        /// The length given.
        len: usize,
        /// The smallest possible image.
        min: usize,
    },
    /// The first eight bytes are not the aether image magic.
    #[error(
        "not an aether image: bytes 0..8 are {found:02x?}, expected {expected:02x?} (\"AETHIMG\\0\")"
    )]
    BadMagic {
        /// The bytes found.
        found: [u8; 8],
        /// The magic.
        expected: [u8; 8],
    },
    /// A format version this loader does not read.
    #[error(
        "image format version {found} at byte offset 8 is not supported (this loader reads versions 1 and 2)"
    )]
    UnsupportedVersion {
        /// The version found.
        found: u16,
    },
    /// Flag bits that the file's version does not define.
    #[error(
        "image flags {flags:#06x} at byte offset 10 set bits that version {version} does not define"
    )]
    UnknownFlags {
        /// The flags found.
        flags: u16,
        /// The file's version.
        version: u16,
    },
    /// A flag the file's version requires is clear (a version 2 image is a wide one).
    #[error(
        "image flags {flags:#06x} at byte offset 10: a version {version} image has flags {expected:#06x} (a narrow image is written as version 1)"
    )]
    MissingFlags {
        /// The flags found.
        flags: u16,
        /// The file's version.
        version: u16,
        /// The flags the version requires.
        expected: u16,
    },
    /// The CRC-32 does not match the content: the image is corrupt.
    #[error(
        "image checksum mismatch: stored {stored:#010x} at byte offset {offset}, computed {computed:#010x}; the image is corrupt"
    )]
    Checksum {
        /// Offset of the stored checksum.
        offset: usize,
        /// The stored value.
        stored: u32,
        /// The value computed over the preceding bytes.
        computed: u32,
    },
    /// A read ran past the end of the image or of its section.
    #[error(
        "{field} at byte offset {offset} needs {needed} bytes but only {available} remain in {scope}"
    )]
    Truncated {
        /// What was being read.
        field: Field,
        /// Where.
        offset: usize,
        /// Bytes it needs.
        needed: u64,
        /// Bytes left.
        available: usize,
        /// `the image` or `section NAME`.
        scope: String,
    },
    /// A record count larger than the bytes left could hold.
    #[error(
        "{field} at byte offset {offset} is {count}, which needs at least {needed} bytes but only {available} remain in the section"
    )]
    CountTooLarge {
        /// The count field.
        field: Field,
        /// Where.
        offset: usize,
        /// The count read.
        count: u32,
        /// Bytes that many records need at the least.
        needed: u64,
        /// Bytes left in the section after the count.
        available: usize,
    },
    /// A section's declared length runs past the checksum.
    #[error(
        "section {section}: length {len} at byte offset {offset} runs past the checksum ({available} bytes remain)"
    )]
    SectionTooLong {
        /// The section.
        section: Section,
        /// Offset of the length field.
        offset: usize,
        /// The declared length.
        len: u32,
        /// Bytes left after the length field.
        available: usize,
    },
    /// A section kind that version 1 does not define.
    #[error("unknown section kind {kind} at byte offset {offset}")]
    UnknownSection {
        /// The kind number.
        kind: u32,
        /// Offset of the section header.
        offset: usize,
    },
    /// A section appears twice.
    #[error("duplicate section {section} at byte offset {offset}")]
    DuplicateSection {
        /// The section.
        section: Section,
        /// Offset of the second header.
        offset: usize,
    },
    /// Sections must be stored in ascending kind order.
    #[error(
        "section {section} at byte offset {offset} comes after section {after}; sections must be in kind order"
    )]
    SectionOrder {
        /// The misplaced section.
        section: Section,
        /// Offset of its header.
        offset: usize,
        /// The section before it.
        after: Section,
    },
    /// A required section is absent.
    #[error("section {section} is missing")]
    MissingSection {
        /// The section.
        section: Section,
    },
    /// The header's section count does not match what follows.
    #[error(
        "{count} bytes at byte offset {offset} follow the last of the {sections} sections named in the header, before the checksum"
    )]
    TrailingBytes {
        /// Offset of the first unused byte.
        offset: usize,
        /// How many.
        count: usize,
        /// The header's section count.
        sections: u32,
    },
    /// A section's records end before its declared length.
    #[error(
        "section {section}: {count} unused bytes at byte offset {offset} after its last record"
    )]
    SectionSlack {
        /// The section.
        section: Section,
        /// Offset of the first unused byte.
        offset: usize,
        /// How many.
        count: usize,
    },
    /// A string is not UTF-8.
    #[error("{field} at byte offset {offset} is not valid UTF-8")]
    BadUtf8 {
        /// The string field.
        field: Field,
        /// Offset of the string's bytes.
        offset: usize,
    },
    /// A symbol-kind byte that is not 0, 1 or 2.
    #[error(
        "{field} at byte offset {offset} is {value}; symbol kinds are 0 (code), 1 (data) and 2 (const)"
    )]
    BadSymbolKind {
        /// The kind field.
        field: Field,
        /// Where.
        offset: usize,
        /// The byte found.
        value: u8,
    },
    /// A name is empty.
    #[error("{what} #{index} has an empty name")]
    EmptyName {
        /// What is named.
        what: NameKind,
        /// Its index in its table.
        index: usize,
    },
    /// A name is longer than [`MAX_NAME_BYTES`](crate::image::format::MAX_NAME_BYTES).
    #[error("{what} #{index} has a {len}-byte name; the limit is {max} bytes")]
    NameTooLong {
        /// What is named.
        what: NameKind,
        /// Its index in its table.
        index: usize,
        /// The name's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Two things of one kind share a name.
    #[error("duplicate {what} name `{name}` (#{first} and #{second})")]
    DuplicateName {
        /// What is named.
        what: NameKind,
        /// The name.
        name: String,
        /// Index of the first.
        first: usize,
        /// Index of the second.
        second: usize,
    },
    /// An entry point lies outside code.
    #[error("entry `{name}` at code address {addr} is outside code ({code_len} words)")]
    EntryOutOfRange {
        /// Entry name.
        name: String,
        /// Its address.
        addr: u32,
        /// Code length in words.
        code_len: usize,
    },
    /// A code symbol lies beyond the end of code.
    #[error("code symbol `{name}` = {addr} is beyond the end of code ({code_len} words)")]
    CodeSymbolOutOfRange {
        /// Symbol name.
        name: String,
        /// Its address.
        addr: u32,
        /// Code length in words.
        code_len: usize,
    },
    /// An entry or code symbol points at the literal word of a `pushw`.
    #[error(
        "{what} `{name}` at code address {addr} points into the literal word of the pushw at {pushw}"
    )]
    InsideInstruction {
        /// `entry` or `code symbol`.
        what: &'static str,
        /// Its name.
        name: String,
        /// Its address.
        addr: u32,
        /// Address of the `pushw`.
        pushw: u32,
    },
    /// A data symbol lies beyond the end of data.
    #[error("data symbol `{name}` = {addr} is beyond the end of data ({data_len} words)")]
    DataSymbolOutOfRange {
        /// Symbol name.
        name: String,
        /// Its address.
        addr: u32,
        /// Data length in words.
        data_len: usize,
    },
    /// A code word does not decode.
    #[error("code word {word:#010x} at address {addr} does not decode: {error}")]
    BadCode {
        /// Code address.
        addr: u32,
        /// The word.
        word: u32,
        /// Why.
        error: DecodeError,
    },
    /// Source-map addresses must increase strictly.
    #[error(
        "source map entry #{index}: address {addr} does not follow address {prev} of the entry before; addresses must increase strictly"
    )]
    SourceMapUnsorted {
        /// Entry index.
        index: usize,
        /// Its address.
        addr: u32,
        /// The previous entry's address.
        prev: u32,
    },
    /// A source-map address lies outside code.
    #[error("source map entry #{index}: address {addr} is outside code ({code_len} words)")]
    SourceMapOutOfRange {
        /// Entry index.
        index: usize,
        /// Its address.
        addr: u32,
        /// Code length in words.
        code_len: usize,
    },
    /// A source-map file index is past the file table.
    #[error("source map entry #{index}: file index {file} is past the file table ({files} files)")]
    SourceMapBadFile {
        /// Entry index.
        index: usize,
        /// The file index.
        file: u32,
        /// Number of files.
        files: usize,
    },
    /// A source-map line or column is zero (both are 1-based).
    #[error("source map entry #{index}: line {line}, column {col}; both are 1-based")]
    SourceMapBadPosition {
        /// Entry index.
        index: usize,
        /// The line.
        line: u32,
        /// The column.
        col: u32,
    },
    /// Two message types share an id.
    #[error("message types `{first}` and `{second}` share id {id}")]
    DuplicateMsgId {
        /// The id.
        id: u32,
        /// The first name.
        first: String,
        /// The second name.
        second: String,
    },
    /// A message-type id has bit 31 set, which marks returned messages.
    #[error(
        "message type `{name}` has id {id:#010x}; bit 31 marks returned messages, so ids must be at most 0x7ffffffe"
    )]
    MsgIdReturnBit {
        /// The name.
        name: String,
        /// The id.
        id: u32,
    },
}
