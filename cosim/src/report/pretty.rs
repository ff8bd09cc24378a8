//! The JSON report's layout: serde_json's pretty printer (two spaces per level), byte
//! for byte, in fewer writes.
//!
//! serde_json's `PrettyFormatter` writes a line break, then the indentation one level
//! at a time, then a key's quotes, colon and value each on their own: about eight
//! writes for a field three levels deep, each a call that copies a few bytes. [`Pretty`]
//! writes the break and the whole indentation at once and a key's closing quote with
//! its colon, through serde_json's `Formatter` hooks, so the bytes stay serde_json's.

use std::io::{self, Write};

use serde_json::ser::Formatter;

/// Indentation written in one piece; deeper levels take more than one write.
const SPACES: usize = 64;

/// `,` and a newline, then [`SPACES`] spaces: every line break is a slice of it.
static BREAK: [u8; 2 + SPACES] = {
    let mut line = [b' '; 2 + SPACES];
    line[0] = b',';
    line[1] = b'\n';
    line
};

/// serde_json's `PrettyFormatter::new()` layout with fewer, larger writes.
#[derive(Debug, Default)]
pub struct Pretty {
    /// Levels of arrays and objects open.
    depth: usize,
    /// Whether the innermost open array or object has a value yet.
    has_value: bool,
    /// Between the start and the end of an object key.
    in_key: bool,
}

impl Pretty {
    /// Writes a line break (after a comma unless `first`) and the current indentation.
    fn line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        let mut width = 2 * self.depth;
        let head = width.min(SPACES);
        writer.write_all(&BREAK[usize::from(first)..2 + head])?;
        width -= head;
        while width > 0 {
            let part = width.min(SPACES);
            writer.write_all(&BREAK[2..2 + part])?;
            width -= part;
        }
        Ok(())
    }

    /// Closes an array or object with `bracket`, on a line of its own if it has values.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.in_key = true;
        self.line(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn end_string<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        // serde_json writes every key, strings and numbers alike, between one
        // `begin_string` and one `end_string`: a key's closing quote carries its colon.
        writer.write_all(if self.in_key { b"\": " } else { b"\"" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::*;

    /// `value` laid out by [`Pretty`].
    fn pretty(value: &impl Serialize) -> String {
        let mut out = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut out,
                Pretty::default(),
            ))
            .expect("serializes");
        String::from_utf8(out).expect("UTF-8")
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
        let scalars = (7u8, "text", -3i64, 2.25f32, 'c', ());
        for text in [
            (pretty(&nested), serde_json::to_string_pretty(&nested)),
            (pretty(&deep), serde_json::to_string_pretty(&deep)),
            (pretty(&numbered), serde_json::to_string_pretty(&numbered)),
            (pretty(&scalars), serde_json::to_string_pretty(&scalars)),
            (pretty(&json!({})), serde_json::to_string_pretty(&json!({}))),
            (
                pretty(&json!("top")),
                serde_json::to_string_pretty(&json!("top")),
            ),
        ] {
            assert_eq!(text.0, text.1.expect("serializes"));
        }
    }
}
