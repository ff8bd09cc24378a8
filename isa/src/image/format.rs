//! The binary encoding of program images (see `docs/image-format.md`).
//!
//! Little-endian throughout: a 16-byte header (magic, version, flags,
//! section count), six typed and length-prefixed sections in kind order,
//! and a CRC-32 of everything before it.

use std::path::Path;

use serde::Serialize;

use super::error::{Field, ImageError, Section};
use super::{Entry, Image, MsgType, SourceLoc, SourceMap, Symbol, SymbolKind};

/// The eight bytes every image starts with.
pub const MAGIC: [u8; 8] = *b"AETHIMG\0";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Bytes in the fixed header: magic, version, flags, section count.
pub const HEADER_LEN: usize = 16;
/// Bytes in a section header: kind and payload length.
pub const SECTION_HEADER_LEN: usize = 8;
/// Bytes in the trailing checksum.
pub const CHECKSUM_LEN: usize = 4;
/// Longest name (entry, symbol, message type, source file) in bytes.
pub const MAX_NAME_BYTES: usize = 4096;

/// The CRC-32 stored in an image's last four bytes: CRC-32/ISO-HDLC (the
/// zlib/PNG polynomial 0x04C11DB7, reflected, init and final xor 0xFFFFFFFF)
/// over every byte before it.
pub fn checksum(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

impl SymbolKind {
    /// The byte that encodes this kind in the symbols section.
    pub fn to_byte(self) -> u8 {
        match self {
            SymbolKind::Code => 0,
            SymbolKind::Data => 1,
            SymbolKind::Const => 2,
        }
    }

    /// The kind a symbols-section byte encodes, if any.
    pub fn from_byte(byte: u8) -> Option<SymbolKind> {
        match byte {
            0 => Some(SymbolKind::Code),
            1 => Some(SymbolKind::Data),
            2 => Some(SymbolKind::Const),
            _ => None,
        }
    }
}

/// The JSON dump: the image's fields under a format tag and version.
#[derive(Serialize)]
struct JsonDump<'a> {
    format: &'static str,
    version: u16,
    #[serde(flatten)]
    image: &'a Image,
}

impl Image {
    /// The image's binary encoding; the same image always gives the same bytes.
    ///
    /// # Panics
    ///
    /// If a section or a string is larger than 4 GiB, which no loader accepts.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.buf.extend_from_slice(&MAGIC);
        w.u16(FORMAT_VERSION);
        w.u16(0);
        w.len(Section::ALL.len());
        for section in Section::ALL {
            w.u32(section.kind());
            let at = w.buf.len();
            w.u32(0);
            self.write_section(section, &mut w);
            let len = w.buf.len() - at - 4;
            w.buf[at..at + 4].copy_from_slice(&to_u32(len).to_le_bytes());
        }
        let crc = checksum(&w.buf);
        w.u32(crc);
        w.buf
    }

    fn write_section(&self, section: Section, w: &mut Writer) {
        match section {
            Section::Code => w.words(&self.code),
            Section::Data => w.words(&self.data),
            Section::Entries => {
                w.len(self.entries.len());
                for e in &self.entries {
                    w.string(&e.name);
                    w.u32(e.addr);
                }
            }
            Section::Symbols => {
                w.len(self.symbols.len());
                for s in &self.symbols {
                    w.string(&s.name);
                    w.buf.push(s.kind.to_byte());
                    w.u32(s.value);
                }
            }
            Section::SourceMap => {
                w.len(self.source_map.files.len());
                for f in &self.source_map.files {
                    w.string(f);
                }
                w.len(self.source_map.locs.len());
                for l in &self.source_map.locs {
                    for v in [l.addr, l.file, l.line, l.col] {
                        w.u32(v);
                    }
                }
            }
            Section::MsgTypes => {
                w.len(self.msg_types.len());
                for m in &self.msg_types {
                    w.u32(m.id);
                    w.string(&m.name);
                }
            }
        }
    }

    /// Decodes and fully validates an image; never panics on any input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Image, ImageError> {
        let min = HEADER_LEN + CHECKSUM_LEN;
        if bytes.len() < min {
            return Err(ImageError::TooShort {
                len: bytes.len(),
                min,
            });
        }
        let mut header = Reader::new(&bytes[..HEADER_LEN], 0, None);
        let magic: [u8; 8] = header.array(Field::header("magic"))?;
        if magic != MAGIC {
            return Err(ImageError::BadMagic {
                found: magic,
                expected: MAGIC,
            });
        }
        let version = u16::from_le_bytes(header.array(Field::header("version"))?);
        if version != FORMAT_VERSION {
            return Err(ImageError::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let flags = u16::from_le_bytes(header.array(Field::header("flags"))?);
        if flags != 0 {
            return Err(ImageError::UnknownFlags { flags });
        }
        let section_count = header.u32(Field::header("section_count"))?;
        let body_end = bytes.len() - CHECKSUM_LEN;
        let stored = u32::from_le_bytes([
            bytes[body_end],
            bytes[body_end + 1],
            bytes[body_end + 2],
            bytes[body_end + 3],
        ]);
        let computed = checksum(&bytes[..body_end]);
        if stored != computed {
            return Err(ImageError::Checksum {
                offset: body_end,
                stored,
                computed,
            });
        }
        let image = read_sections(&bytes[..body_end], section_count)?;
        image.validate()?;
        Ok(image)
    }

    /// Reads and validates the image file at `path`.
    pub fn load(path: &Path) -> Result<Image, ImageError> {
        let bytes = std::fs::read(path).map_err(|source| ImageError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Image::from_bytes(&bytes)
    }

    /// A pretty-printed JSON dump for tools (shape in `docs/image-format.md`).
    pub fn to_json(&self) -> String {
        let dump = JsonDump {
            format: "aether-image",
            version: FORMAT_VERSION,
            image: self,
        };
        serde_json::to_string_pretty(&dump).expect("an image has only JSON-representable fields")
    }
}

/// Reads the sections between the header and the checksum of `body`.
fn read_sections(body: &[u8], section_count: u32) -> Result<Image, ImageError> {
    let mut outer = Reader::new(&body[HEADER_LEN..], HEADER_LEN, None);
    let mut image = Image::default();
    let mut last: Option<Section> = None;
    for _ in 0..section_count {
        let offset = outer.offset();
        let kind = outer.u32(Field::header("section.kind"))?;
        let section =
            Section::from_kind(kind).ok_or(ImageError::UnknownSection { kind, offset })?;
        match last {
            Some(prev) if prev == section => {
                return Err(ImageError::DuplicateSection { section, offset });
            }
            Some(prev) if prev > section => {
                return Err(ImageError::SectionOrder {
                    section,
                    offset,
                    after: prev,
                });
            }
            _ => {}
        }
        last = Some(section);
        let len = outer.u32(Field::of(section, "length"))?;
        let payload_offset = outer.offset();
        let payload = outer.take(len as u64, Field::of(section, "payload"))?;
        let mut r = Reader::new(payload, payload_offset, Some(section));
        read_section(section, &mut r, &mut image)?;
        if r.remaining() != 0 {
            return Err(ImageError::SectionSlack {
                section,
                offset: r.offset(),
                count: r.remaining(),
            });
        }
    }
    if outer.remaining() != 0 {
        return Err(ImageError::TrailingBytes {
            offset: outer.offset(),
            count: outer.remaining(),
            sections: section_count,
        });
    }
    let missing = match last {
        None => Some(Section::Code),
        Some(l) => Section::ALL.into_iter().find(|s| *s > l),
    };
    match missing {
        Some(section) => Err(ImageError::MissingSection { section }),
        None => Ok(image),
    }
}

fn read_section(section: Section, r: &mut Reader, image: &mut Image) -> Result<(), ImageError> {
    match section {
        Section::Code => image.code = r.words(section)?,
        Section::Data => image.data = r.words(section)?,
        Section::Entries => {
            image.entries = r.records(Field::of(section, "count"), 8, |r, i| {
                Ok(Entry {
                    name: r.string(Field::record(section, i, "name"))?,
                    addr: r.u32(Field::record(section, i, "addr"))?,
                })
            })?;
        }
        Section::Symbols => {
            image.symbols = r.records(Field::of(section, "count"), 9, |r, i| {
                let name = r.string(Field::record(section, i, "name"))?;
                let field = Field::record(section, i, "kind");
                let offset = r.offset();
                let [byte] = r.array(field)?;
                let kind = SymbolKind::from_byte(byte).ok_or(ImageError::BadSymbolKind {
                    field,
                    offset,
                    value: byte,
                })?;
                let value = r.u32(Field::record(section, i, "value"))?;
                Ok(Symbol { name, kind, value })
            })?;
        }
        Section::SourceMap => {
            let files = r.records(Field::of(section, "file_count"), 4, |r, i| {
                r.string(Field::record(section, i, "file"))
            })?;
            let locs = r.records(Field::of(section, "loc_count"), 16, |r, i| {
                Ok(SourceLoc {
                    addr: r.u32(Field::record(section, i, "addr"))?,
                    file: r.u32(Field::record(section, i, "file"))?,
                    line: r.u32(Field::record(section, i, "line"))?,
                    col: r.u32(Field::record(section, i, "col"))?,
                })
            })?;
            image.source_map = SourceMap { files, locs };
        }
        Section::MsgTypes => {
            image.msg_types = r.records(Field::of(section, "count"), 8, |r, i| {
                Ok(MsgType {
                    id: r.u32(Field::record(section, i, "id"))?,
                    name: r.string(Field::record(section, i, "name"))?,
                })
            })?;
        }
    }
    Ok(())
}

fn to_u32(len: usize) -> u32 {
    u32::try_from(len).expect("image sections and strings are smaller than 4 GiB")
}

/// Appends little-endian fields to a byte buffer.
#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u32(to_u32(n));
    }

    fn string(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn words(&mut self, words: &[u32]) {
        self.len(words.len());
        self.buf.reserve(words.len() * 4);
        for w in words {
            self.u32(*w);
        }
    }
}

/// Reads little-endian fields from a slice of the image, checking every
/// length against the bytes left before using it.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    section: Option<Section>,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which start at image offset `base`.
    fn new(bytes: &'a [u8], base: usize, section: Option<Section>) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            base,
            section,
        }
    }

    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn truncated(&self, field: Field, needed: u64) -> ImageError {
        ImageError::Truncated {
            field,
            offset: self.offset(),
            needed,
            available: self.remaining(),
            scope: match self.section {
                None => "the image".to_string(),
                Some(s) => format!("section {s}"),
            },
        }
    }

    fn take(&mut self, n: u64, field: Field) -> Result<&'a [u8], ImageError> {
        if n > self.remaining() as u64 {
            return Err(self.truncated(field, n));
        }
        let start = self.pos;
        self.pos += n as usize;
        Ok(&self.bytes[start..self.pos])
    }

    fn array<const N: usize>(&mut self, field: Field) -> Result<[u8; N], ImageError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N as u64, field)?);
        Ok(out)
    }

    fn u32(&mut self, field: Field) -> Result<u32, ImageError> {
        self.array(field).map(u32::from_le_bytes)
    }

    /// A record count, checked against the bytes left at `min_record` bytes a record.
    fn count(&mut self, field: Field, min_record: u64) -> Result<u32, ImageError> {
        let offset = self.offset();
        let n = self.u32(field)?;
        let needed = n as u64 * min_record;
        if needed > self.remaining() as u64 {
            return Err(ImageError::CountTooLarge {
                field,
                offset,
                count: n,
                needed,
                available: self.remaining(),
            });
        }
        Ok(n)
    }

    /// A count followed by that many records, each read by `read`.
    fn records<T>(
        &mut self,
        count: Field,
        min_record: u64,
        mut read: impl FnMut(&mut Self, u32) -> Result<T, ImageError>,
    ) -> Result<Vec<T>, ImageError> {
        let n = self.count(count, min_record)?;
        let mut out = Vec::with_capacity(n as usize);
        for i in 0..n {
            out.push(read(self, i)?);
        }
        Ok(out)
    }

    fn words(&mut self, section: Section) -> Result<Vec<u32>, ImageError> {
        let n = self.count(Field::of(section, "count"), 4)?;
        let bytes = self.take(n as u64 * 4, Field::of(section, "words"))?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn string(&mut self, field: Field) -> Result<String, ImageError> {
        let len = self.u32(field)?;
        let offset = self.offset();
        let bytes = self.take(len as u64, field)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| ImageError::BadUtf8 { field, offset })
    }
}
