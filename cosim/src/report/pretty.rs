//! The JSON report's layout: serde_json's pretty printer (two spaces per level), byte
//! for byte, from a serializer of its own.
//!
//! serde_json's `Serializer` scans every field name for characters to escape and hands
//! its `PrettyFormatter`'s line breaks, indentation, quotes and colons to the output
//! one write at a time: some 300 host instructions per field of a 1,024-node report.
//! [`write`] collects the text in a buffer of its own and hands it to the output
//! whenever it holds [`CHUNK`] bytes. A field's line (comma, line break, indentation,
//! quoted name, colon) is built at its first use and kept, by the name's address and
//! the depth, to be copied in one piece at the next; whole numbers and whole floats
//! are written by `itoa` (as serde_json writes them), other floats by serde_json's own formatting, and
//! strings through its escaping whenever they hold a character to escape, so the
//! bytes stay serde_json's.

use std::io::Write;

use serde::Serialize;
use serde::ser::{self, SerializeMap as _};
use serde_json::Error;
use serde_json::ser::{CompactFormatter, Formatter};

/// The buffer is handed to the output when it holds this many bytes.
const CHUNK: usize = 1 << 16;

/// Indentation copied in one piece; deeper levels take more than one copy.
const SPACES: usize = 64;

/// Field lines kept ([`FieldLine`]), one per slot: a name's slot is its address (field
/// names lie side by side in the binary, so a struct's fields take different slots)
/// and a step per depth.
const LINES: usize = 512;

/// The longest field line kept, in bytes.
const LINE: usize = 64;

/// Whole floats below this are written as a whole number and `.0`: serde_json writes
/// them so (larger ones may take an exponent).
const WHOLE_FLOATS: f64 = 1e15;

/// `,` and a newline, then [`SPACES`] spaces: every line break is a slice of it.
static BREAK: [u8; 2 + SPACES] = {
    let mut line = [b' '; 2 + SPACES];
    line[0] = b',';
    line[1] = b'\n';
    line
};

/// Writes `value` to `out` as `serde_json::to_writer_pretty` does, then a newline.
pub fn write(out: impl Write, value: &impl Serialize) -> Result<(), Error> {
    let mut pretty = Pretty {
        out,
        buf: Vec::with_capacity(2 * CHUNK),
        depth: 0,
        lines: vec![FieldLine::default(); LINES],
    };
    value.serialize(&mut pretty)?;
    pretty.buf.push(b'\n');
    pretty.out.write_all(&pretty.buf).map_err(Error::io)
}

/// serde_json's pretty layout into a buffer handed to `out` in chunks.
struct Pretty<W> {
    out: W,
    buf: Vec<u8>,
    /// Arrays and objects open.
    depth: usize,
    /// Field lines kept, by the name's address and the depth.
    lines: Vec<FieldLine>,
}

/// The text before a field's value: `,`, a line break, the indentation, the quoted
/// name, `: `; copied [`LINE`] bytes at a time and cut to its width.
#[derive(Clone, Copy)]
struct FieldLine {
    /// The name's address and length (0 for no name).
    name: (usize, usize),
    depth: usize,
    width: usize,
    text: [u8; LINE],
}

impl Default for FieldLine {
    fn default() -> Self {
        FieldLine {
            name: (0, 0),
            depth: 0,
            width: 0,
            text: [0; LINE],
        }
    }
}

/// How far an open array or object has come.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Declared empty and closed at once.
    Empty,
    /// No value yet.
    First,
    /// One value or more.
    Rest,
}

impl<W: Write> Pretty<W> {
    /// A line break (after a comma unless `first`) and the current indentation.
    fn line(&mut self, first: bool) {
        let skip = usize::from(first);
        let mut width = 2 * self.depth;
        if 2 - skip + width <= SPACES {
            // One copy of a fixed length, cut to the line's.
            let end = self.buf.len() + 2 - skip + width;
            self.buf.extend_from_slice(&BREAK[skip..][..SPACES]);
            self.buf.truncate(end);
            return;
        }
        let head = width.min(SPACES);
        self.buf.extend_from_slice(&BREAK[skip..2 + head]);
        width -= head;
        while width > 0 {
            let part = width.min(SPACES);
            self.buf.extend_from_slice(&BREAK[2..2 + part]);
            width -= part;
        }
    }

    /// A field's line break, indentation and quoted name with its colon, from the
    /// kept line when it is there.
    #[inline]
    fn field(&mut self, name: &'static str, first: bool) {
        let key = (name.as_ptr() as usize, name.len());
        let slot = (key.0 + 97 * self.depth) % LINES;
        let kept = &self.lines[slot];
        if (kept.name != key || kept.depth != self.depth) && !self.keep(slot, name) {
            self.line(first);
            self.buf.push(b'"');
            self.buf.extend_from_slice(name.as_bytes());
            self.buf.extend_from_slice(b"\": ");
            return;
        }
        let kept = &self.lines[slot];
        let skip = usize::from(first);
        let end = self.buf.len() + kept.width - skip;
        self.buf.extend_from_slice(&kept.text[skip..][..LINE - 1]);
        self.buf.truncate(end);
    }

    /// Keeps the line of field `name` at the current depth in `slot`, unless it is
    /// longer than [`LINE`].
    #[cold]
    fn keep(&mut self, slot: usize, name: &'static str) -> bool {
        let width = 2 + 2 * self.depth + name.len() + 4;
        if width > LINE {
            return false;
        }
        let mut text = [b' '; LINE];
        text[..2].copy_from_slice(b",\n");
        let quote = 2 + 2 * self.depth;
        text[quote] = b'"';
        text[quote + 1..width - 3].copy_from_slice(name.as_bytes());
        text[width - 3..width].copy_from_slice(b"\": ");
        self.lines[slot] = FieldLine {
            name: (name.as_ptr() as usize, name.len()),
            depth: self.depth,
            width,
            text,
        };
        true
    }

    /// A float by serde_json's `write`, or `null` if it is not `finite`: JSON has no
    /// infinities nor NaN.
    fn float(
        &mut self,
        finite: bool,
        write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        if !finite {
            self.buf.extend_from_slice(b"null");
            return Ok(());
        }
        write(&mut self.buf).map_err(Error::io)
    }

    /// A whole number in decimal, `-` first if `negative`.
    fn whole(&mut self, negative: bool, value: u64) {
        if value < 10 && !negative {
            self.buf.push(b'0' + value as u8);
            return;
        }
        if negative {
            self.buf.push(b'-');
        }
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    /// A string, escaped as serde_json escapes it.
    fn string(&mut self, text: &str) -> Result<(), Error> {
        if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            return serde_json::to_writer(&mut self.buf, text);
        }
        self.buf.push(b'"');
        self.buf.extend_from_slice(text.as_bytes());
        self.buf.push(b'"');
        Ok(())
    }

    /// Opens an array or object with `open`; one declared empty is closed with `close` at once.
    fn open(&mut self, open: u8, close: u8, len: Option<usize>) -> State {
        self.buf.push(open);
        if len == Some(0) {
            self.buf.push(close);
            State::Empty
        } else {
            self.depth += 1;
            State::First
        }
    }

    /// Closes an array or object with `bracket`, on a line of its own if it has values.
    fn close(&mut self, state: State, bracket: u8) {
        if state == State::Empty {
            return;
        }
        self.depth -= 1;
        if state == State::Rest {
            self.line(true);
        }
        self.buf.push(bracket);
    }

    /// Opens the object `{"variant": ...` of an enum variant with data.
    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.buf.push(b'{');
        self.depth += 1;
        self.line(true);
        self.string(variant)?;
        self.buf.extend_from_slice(b": ");
        Ok(())
    }

    /// Closes the object of an enum variant with data.
    fn close_variant(&mut self) {
        self.close(State::Rest, b'}');
    }

    /// Hands the buffer to the output once it holds a chunk.
    fn spill(&mut self) -> Result<(), Error> {
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf).map_err(Error::io)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Starts an array or object value.
    fn compound(
        &mut self,
        open: u8,
        close: u8,
        len: Option<usize>,
        variant: bool,
    ) -> Compound<'_, W> {
        let state = self.open(open, close, len);
        Compound {
            pretty: self,
            state,
            variant,
        }
    }
}

/// Writes numbers: whole ones of 64 bits at most in decimal, the others with
/// serde_json's formatting.
macro_rules! numbers {
    ($($method:ident($type:ty) => $how:ident;)*) => {$(
        fn $method(self, value: $type) -> Result<(), Error> {
            numbers!(@$how self, value)
        }
    )*};
    (@unsigned $pretty:ident, $value:ident) => {{
        $pretty.whole(false, u64::from($value));
        Ok(())
    }};
    (@signed $pretty:ident, $value:ident) => {{
        $pretty.whole($value < 0, i64::from($value).unsigned_abs());
        Ok(())
    }};
    (@$write:ident $pretty:ident, $value:ident) => {
        CompactFormatter.$write(&mut $pretty.buf, $value).map_err(Error::io)
    };
}

impl<'a, W: Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    numbers! {
        serialize_i8(i8) => signed;
        serialize_i16(i16) => signed;
        serialize_i32(i32) => signed;
        serialize_i64(i64) => signed;
        serialize_i128(i128) => write_i128;
        serialize_u8(u8) => unsigned;
        serialize_u16(u16) => unsigned;
        serialize_u32(u32) => unsigned;
        serialize_u64(u64) => unsigned;
        serialize_u128(u128) => write_u128;
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.float(value.is_finite(), |buf| {
            CompactFormatter.write_f32(buf, value)
        })
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if value.fract() == 0.0 && value.abs() < WHOLE_FLOATS {
            self.whole(value.is_sign_negative(), value.abs() as u64);
            self.buf.extend_from_slice(b".0");
            return Ok(());
        }
        self.float(value.is_finite(), |buf| {
            CompactFormatter.write_f64(buf, value)
        })
    }

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value)
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut seq = self.compound(b'[', b']', Some(value.len()), false);
        for byte in value {
            ser::SerializeSeq::serialize_element(&mut seq, byte)?;
        }
        ser::SerializeSeq::end(seq)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.close_variant();
        Ok(())
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Ok(self.compound(b'[', b']', len, false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant)?;
        Ok(self.compound(b'[', b']', Some(len), true))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Ok(self.compound(b'{', b'}', len, false))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_variant(variant)?;
        Ok(self.compound(b'{', b'}', Some(len), true))
    }
}

/// An open array or object (inside the object of an enum variant if `variant`).
pub struct Compound<'a, W> {
    pretty: &'a mut Pretty<W>,
    state: State,
    variant: bool,
}

impl<W: Write> Compound<'_, W> {
    /// Starts the next value: a line break after a comma unless it is the first.
    fn next(&mut self) {
        self.pretty.line(self.state == State::First);
        self.state = State::Rest;
    }

    /// Writes an element's value, then hands the buffer on if it holds a chunk.
    fn value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.pretty)?;
        self.pretty.spill()
    }

    /// Writes a field name as it is: struct field names are Rust identifiers or
    /// `rename`s, none with a character to escape.
    fn field(&mut self, name: &'static str) {
        debug_assert!(
            !name.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\'),
            "field name {name:?} needs escaping"
        );
        self.pretty.field(name, self.state == State::First);
        self.state = State::Rest;
    }

    /// Closes with `bracket`, and the variant's object around it.
    fn close(self, bracket: u8) -> Result<(), Error> {
        self.pretty.close(self.state, bracket);
        if self.variant {
            self.pretty.close_variant();
        }
        Ok(())
    }
}

/// Implements serde's array kinds: each element is a value of the array.
macro_rules! array {
    ($($kind:ident::$element:ident),*) => {$(
        impl<W: Write> ser::$kind for Compound<'_, W> {
            type Ok = ();
            type Error = Error;

            fn $element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
                self.next();
                self.value(value)
            }

            fn end(self) -> Result<(), Error> {
                self.close(b']')
            }
        }
    )*};
}

array!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Implements serde's struct kinds: each field is a name and a value.
macro_rules! object {
    ($($kind:ident),*) => {$(
        impl<W: Write> ser::$kind for Compound<'_, W> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(name);
                self.value(value)
            }

            fn end(self) -> Result<(), Error> {
                self.close(b'}')
            }
        }
    )*};
}

object!(SerializeStruct, SerializeStructVariant);

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.next();
        map_key(&mut self.pretty.buf, key)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.pretty.buf.extend_from_slice(b": ");
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close(b'}')
    }
}

/// Appends a map key as serde_json writes it (quoted, numbers too; an error for a key
/// JSON cannot have), cut from serde_json's text of the one-entry map `{key: null}`.
fn map_key<T: ?Sized + Serialize>(buf: &mut Vec<u8>, key: &T) -> Result<(), Error> {
    /// The map `{key: null}`.
    struct Entry<'a, T: ?Sized>(&'a T);

    impl<T: ?Sized + Serialize> Serialize for Entry<'_, T> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(self.0, &())?;
            map.end()
        }
    }

    let text = serde_json::to_vec(&Entry(key))?;
    buf.extend_from_slice(&text[1..text.len() - b":null}".len()]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::*;

    /// `value` laid out by [`write`], without its closing newline.
    fn pretty(value: &impl Serialize) -> String {
        let mut out = Vec::new();
        write(&mut out, value).expect("serializes");
        assert_eq!(out.pop(), Some(b'\n'));
        String::from_utf8(out).expect("UTF-8")
    }

    /// Every kind of value serde's data model has.
    #[derive(Serialize)]
    enum Kinds {
        Unit,
        Newtype(u8),
        Tuple(i32, Vec<u8>),
        EmptyTuple(),
        Struct {
            a: Option<f64>,
            b: [u8; 0],
        },
        #[serde(rename = "renamed")]
        EmptyStruct {},
    }

    #[derive(Serialize)]
    struct Record {
        id: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u32>,
        unit: (),
        newtype: Wrapped,
        kinds: Vec<Kinds>,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
        empty_bytes: EmptyBytes,
        floats: (f32, f64, f64, f64),
        chars: [char; 3],
        text: String,
        unit_struct: UnitStruct,
        keys: BTreeMap<i64, BTreeMap<char, bool>>,
    }

    #[derive(Serialize)]
    struct Wrapped(u64);

    #[derive(Serialize)]
    struct UnitStruct;

    #[derive(Serialize)]
    struct AllSkipped {
        #[serde(skip_serializing_if = "Option::is_none")]
        only: Option<u8>,
    }

    /// Serialized with `serialize_bytes`.
    struct EmptyBytes;

    impl Serialize for EmptyBytes {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(&[])
        }
    }

    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(
            bytes: &[u8],
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(bytes)
        }
    }

    #[test]
    fn lays_out_values_as_serde_json_s_pretty_printer_does() {
        let nested = json!({
            "empty_object": {},
            "empty_array": [],
            "nested_empty": [[], {}, [[]], {"a": {}}],
            "escapes \"quoted\"\n\t\\": "a \"b\"\u{1}\r\n é ✓",
            "numbers": [0, -1, 18446744073709551615u64, 1e-6, 1.0, 0.5, -2.5e300],
            "literals": [null, true, false],
            "records": [{"id": 0, "fault": null, "tags": [1, 2]}, {"id": 1, "fault": {"pc": 3}}],
        });
        // Deeper than the 64 spaces written in one piece.
        let deep = (0..40).fold(json!([1, {"k": []}]), |inner, _| json!([inner]));
        let numbered: BTreeMap<u32, Vec<u8>> = [(3, vec![1]), (10, vec![])].into();
        let scalars = (7u8, "text", -3i64, 2.25f32, 'c', (), u128::MAX, i128::MIN);
        let record = Record {
            id: 7,
            skipped: None,
            unit: (),
            newtype: Wrapped(u64::MAX),
            kinds: vec![
                Kinds::Unit,
                Kinds::Newtype(3),
                Kinds::Tuple(-1, vec![]),
                Kinds::EmptyTuple(),
                Kinds::Struct { a: None, b: [] },
                Kinds::Struct {
                    a: Some(f64::NAN),
                    b: [],
                },
                Kinds::EmptyStruct {},
            ],
            bytes: vec![0, 255],
            empty_bytes: EmptyBytes,
            floats: (f32::INFINITY, 1e21, 1234.5, -0.0),
            chars: ['"', '\u{7}', 'é'],
            text: "tab\there \u{7f}".into(),
            unit_struct: UnitStruct,
            keys: [
                (-4, [('k', true), ('\n', false)].into()),
                (9, BTreeMap::new()),
            ]
            .into(),
        };
        let skipped = AllSkipped { only: None };
        for (ours, theirs) in [
            (pretty(&nested), serde_json::to_string_pretty(&nested)),
            (pretty(&deep), serde_json::to_string_pretty(&deep)),
            (pretty(&numbered), serde_json::to_string_pretty(&numbered)),
            (pretty(&scalars), serde_json::to_string_pretty(&scalars)),
            (pretty(&record), serde_json::to_string_pretty(&record)),
            (pretty(&[&record]), serde_json::to_string_pretty(&[&record])),
            (pretty(&skipped), serde_json::to_string_pretty(&skipped)),
            (pretty(&json!({})), serde_json::to_string_pretty(&json!({}))),
            (
                pretty(&json!("top")),
                serde_json::to_string_pretty(&json!("top")),
            ),
        ] {
            assert_eq!(ours, theirs.expect("serializes"));
        }
    }

    #[test]
    fn whole_numbers_and_floats_are_written_as_serde_json_writes_them() {
        let mut floats = vec![0.0, -0.0, 0.5, -1.0, 1e-300, f64::MAX, f64::MIN_POSITIVE];
        for exponent in 0..=22 {
            let power = 10f64.powi(exponent);
            floats.extend([power, -power, power - 1.0, power + 1.0, 2.5 * power]);
        }
        floats.extend((0..2000).map(|i| f64::from(i) * 1234.567_f64.powi(i % 5)));
        let whole: Vec<i64> = (0..63)
            .flat_map(|bit| [1i64 << bit, (1i64 << bit) - 1, -(1i64 << bit)])
            .chain([i64::MIN, i64::MAX, -1, 0, 9, 10, 99, 100])
            .collect();
        let unsigned = [u64::MAX, u64::MAX / 10, 10_000_000_000_000_000_000];
        assert_eq!(
            pretty(&floats),
            serde_json::to_string_pretty(&floats).expect("JSON")
        );
        assert_eq!(
            pretty(&whole),
            serde_json::to_string_pretty(&whole).expect("JSON")
        );
        assert_eq!(
            pretty(&unsigned),
            serde_json::to_string_pretty(&unsigned).expect("JSON")
        );
    }

    #[test]
    fn field_lines_are_kept_apart_by_name_and_depth() {
        #[derive(Serialize)]
        struct Inner {
            id: u8,
            a_name_long_enough_that_its_line_is_never_kept_whole_at_any_depth: u8,
        }
        #[derive(Serialize)]
        struct Outer {
            id: u8,
            inner: Vec<Inner>,
        }
        let inner = || Inner {
            id: 1,
            a_name_long_enough_that_its_line_is_never_kept_whole_at_any_depth: 2,
        };
        let deep = (0..40).fold(json!([]), |inner, _| json!([inner, {"id": 3}]));
        let value = (
            vec![Outer {
                id: 0,
                inner: vec![inner(), inner()],
            }],
            deep,
        );
        for _ in 0..2 {
            assert_eq!(
                pretty(&value),
                serde_json::to_string_pretty(&value).expect("JSON")
            );
        }
    }

    #[test]
    fn a_key_json_cannot_have_is_serde_json_s_error() {
        let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 2)].into();
        let mut out = Vec::new();
        let ours = write(&mut out, &map).expect_err("a list as a key");
        let theirs = serde_json::to_string_pretty(&map).expect_err("a list as a key");
        assert_eq!(ours.to_string(), theirs.to_string());
    }

    #[test]
    fn a_long_report_reaches_the_output_whole() {
        let rows: Vec<BTreeMap<&str, u64>> = (0..20_000)
            .map(|i| [("row", i), ("square", i * i)].into())
            .collect();
        let ours = pretty(&rows);
        assert!(ours.len() > 4 * CHUNK);
        assert_eq!(
            ours,
            serde_json::to_string_pretty(&rows).expect("serializes")
        );
    }
}
