//! The listing: address, encoded words and source line side by side.

use crate::ast::{Section, Span};
use crate::items::Origin;
use codespan_reporting::files::{Files, SimpleFiles};
use std::fmt::Write;
use std::rc::Rc;

/// Words shown on one listing row; longer data continues on the next rows.
const WORDS_PER_ROW: usize = 3;

/// One source line in the listing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    key: (usize, usize, Span),
    place: Option<(Section, u32)>,
    words: Vec<u32>,
    value: Option<i64>,
    loc: String,
    text: String,
    expanded: bool,
}

/// A listing of an assembled image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    rows: Vec<Row>,
    /// Records nothing: the listing of an assembly that only wants the image.
    off: bool,
}

fn origin_key(origin: &Origin, line: &Span) -> (usize, usize, Span) {
    match origin {
        Origin::File(f) => (0, *f, line.clone()),
        Origin::Expansion(e) => (1, Rc::as_ptr(e) as usize, line.clone()),
    }
}

impl Listing {
    /// A listing that records nothing (formatting every row costs a third of linking).
    pub(crate) fn off() -> Listing {
        Listing {
            rows: Vec::new(),
            off: true,
        }
    }

    fn row(
        &mut self,
        origin: &Origin,
        line: &Span,
        files: &SimpleFiles<String, String>,
    ) -> &mut Row {
        let key = origin_key(origin, line);
        if self.rows.last().is_none_or(|r| r.key != key) {
            let site = origin.site(line);
            let loc = match (
                files.name(site.file),
                files.line_index(site.file, site.span.start),
            ) {
                (Ok(name), Ok(index)) => format!("{name}:{}", index + 1),
                _ => String::new(),
            };
            let text = match origin {
                Origin::File(f) => files
                    .source(*f)
                    .ok()
                    .and_then(|s| s.get(line.clone()).map(str::to_string))
                    .unwrap_or_default(),
                Origin::Expansion(e) => e.text.get(line.clone()).unwrap_or_default().to_string(),
            };
            self.rows.push(Row {
                key,
                place: None,
                words: Vec::new(),
                value: None,
                loc,
                text: text.trim_end().to_string(),
                expanded: matches!(origin, Origin::Expansion(_)),
            });
        }
        let last = self.rows.len() - 1;
        &mut self.rows[last]
    }

    /// Records words placed at `addr` of `section` by a source line.
    pub(crate) fn words(
        &mut self,
        origin: &Origin,
        line: &Span,
        section: Section,
        addr: u32,
        words: &[u32],
        files: &SimpleFiles<String, String>,
    ) {
        if self.off {
            return;
        }
        let row = self.row(origin, line, files);
        row.place.get_or_insert((section, addr));
        row.words.extend_from_slice(words);
    }

    /// Records a source line that places nothing, with the value it defines.
    pub(crate) fn value(
        &mut self,
        origin: &Origin,
        line: &Span,
        value: Option<i64>,
        files: &SimpleFiles<String, String>,
    ) {
        if self.off {
            return;
        }
        let row = self.row(origin, line, files);
        row.value = value;
    }

    /// The listing as text.
    pub fn render(&self) -> String {
        let loc_width = self.rows.iter().map(|r| r.loc.len()).max().unwrap_or(0);
        let mut out = String::new();
        out.push_str(
            "; aether-asm listing: section (C code, D data), word address, words, source\n",
        );
        for row in &self.rows {
            let mut chunks: Vec<&[u32]> = row.words.chunks(WORDS_PER_ROW).collect();
            if chunks.is_empty() {
                chunks.push(&[]);
            }
            for (k, chunk) in chunks.iter().enumerate() {
                let place = match row.place {
                    Some((section, addr)) => format!(
                        "{} {:06x}",
                        match section {
                            Section::Code => 'C',
                            Section::Data => 'D',
                        },
                        addr as usize + k * WORDS_PER_ROW
                    ),
                    None => " ".repeat(8),
                };
                let words = match row.value {
                    Some(v) if k == 0 => format!("= {:08x}", v as u32),
                    _ => chunk
                        .iter()
                        .map(|w| format!("{w:08x}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                let width = WORDS_PER_ROW * 9 - 1;
                if k == 0 {
                    let marker = if row.expanded { '+' } else { ' ' };
                    let line = format!(
                        "{place}  {words:<width$}  {:<loc_width$}  {marker}{}",
                        row.loc, row.text
                    );
                    let _ = writeln!(out, "{}", line.trim_end());
                } else {
                    let _ = writeln!(out, "{place}  {words}");
                }
            }
        }
        out
    }
}
