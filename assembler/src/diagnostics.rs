//! Error reports with source snippets, rendered by codespan-reporting.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// A place in a loaded source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Site {
    /// Index of the file in the source database.
    pub file: usize,
    /// Byte range in that file.
    pub span: Range<usize>,
}

/// One error being collected: a message, where it is and what else to show.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub message: String,
    /// The file an unlocated problem is about (an unreadable input).
    pub file: Option<String>,
    pub primary: Option<Site>,
    pub secondary: Vec<(Site, String)>,
    pub notes: Vec<String>,
    /// The macro body line whose expansion this error comes from, if any.
    pub expansion: Option<Site>,
}

impl Problem {
    /// An error at `site`.
    pub fn at(site: Site, message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            file: None,
            primary: Some(site),
            secondary: Vec::new(),
            notes: Vec::new(),
            expansion: None,
        }
    }

    /// An error that belongs to no place in the source.
    pub fn nowhere(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            file: None,
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            expansion: None,
        }
    }

    /// An error about a whole file, such as one that cannot be read.
    pub fn about_file(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: Some(file.into()),
            ..Problem::nowhere(message)
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, site: Site, text: impl Into<String>) -> Problem {
        self.secondary.push((site, text.into()));
        self
    }

    /// Marks the error as coming from the expansion of macro `name`'s body line at `site`.
    pub fn in_expansion(mut self, site: Site, name: &str) -> Problem {
        self.expansion = Some(site.clone());
        self.with_label(site, format!("in this line of macro `{name}`"))
    }

    /// Adds a note below the snippet.
    pub fn with_note(mut self, note: impl Into<String>) -> Problem {
        self.notes.push(note.into());
        self
    }
}

/// One error, located.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The file it is in or about (empty when it concerns no file).
    pub file: String,
    /// 1-based line (0 when it belongs to no place).
    pub line: usize,
    /// 1-based column (0 when it belongs to no place).
    pub col: usize,
    /// What is wrong.
    pub message: String,
    report: Report<usize>,
}

/// The errors of one assembly run, with the sources they point into.
#[derive(Clone)]
pub struct Diagnostics {
    files: SimpleFiles<String, String>,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Diagnostics for `problems`, ordered by file and position; an error repeated by
    /// every expansion of one macro (or inclusion of one file) is shown once, with a count.
    pub(crate) fn new(
        files: SimpleFiles<String, String>,
        mut problems: Vec<Problem>,
    ) -> Diagnostics {
        problems.sort_by_key(|p| p.primary.as_ref().map(|s| (s.file, s.span.start)));
        let items = merge_alike(problems)
            .into_iter()
            .map(|(p, more)| {
                let note = alike_note(&files, &more);
                locate(
                    &files,
                    Problem {
                        notes: p.notes.iter().cloned().chain(note).collect(),
                        ..p
                    },
                )
            })
            .collect();
        Diagnostics { files, items }
    }

    /// The diagnostics, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All diagnostics as plain text with source snippets (no colour).
    pub fn render(&self) -> String {
        let config = term::Config::default();
        let mut out = String::new();
        for d in &self.items {
            match term::emit_into_string(&config, &self.files, &d.report) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&format!("error: {}\n", d.message)),
            }
        }
        let n = self.items.len();
        out.push_str(&format!(
            "error: aborting due to {n} error{}\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

/// Places listed in the note of an error that repeats.
const ALIKE_LISTED: usize = 3;

/// The problems with repeats folded into the first: the same message from the same
/// macro body line (whatever the invocation), or the same message at the same place
/// (a file included twice). Each comes with the primary sites of its repeats.
fn merge_alike(problems: Vec<Problem>) -> Vec<(Problem, Vec<Option<Site>>)> {
    type Key = (String, Option<String>, Option<Site>, Option<Site>);
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut kept: Vec<(Problem, Vec<Option<Site>>)> = Vec::new();
    for p in problems {
        let (place, expansion) = match &p.expansion {
            Some(body) => (None, Some(body.clone())),
            None => (p.primary.clone(), None),
        };
        let key = (p.message.clone(), p.file.clone(), place, expansion);
        match first.get(&key) {
            Some(&i) => kept[i].1.push(p.primary),
            None => {
                first.insert(key, kept.len());
                kept.push((p, Vec::new()));
            }
        }
    }
    kept
}

/// "... and N more like this (at f:l:c, ...)" for an error with `more` repeats.
fn alike_note(files: &SimpleFiles<String, String>, more: &[Option<Site>]) -> Option<String> {
    if more.is_empty() {
        return None;
    }
    let places: Vec<String> = more
        .iter()
        .flatten()
        .take(ALIKE_LISTED)
        .filter_map(|site| {
            let name = files.name(site.file).ok()?;
            let loc = files.location(site.file, site.span.start).ok()?;
            Some(format!("{name}:{}:{}", loc.line_number, loc.column_number))
        })
        .collect();
    let etc = if more.len() > places.len() {
        ", ..."
    } else {
        ""
    };
    let at = if places.is_empty() {
        String::new()
    } else {
        format!(" (at {}{etc})", places.join(", "))
    };
    Some(format!("... and {} more like this{at}", more.len()))
}

fn locate(files: &SimpleFiles<String, String>, p: Problem) -> Diagnostic {
    let mut report = Report::error().with_message(p.message.clone());
    let mut labels = Vec::new();
    let (mut file, mut line, mut col) = (p.file.clone().unwrap_or_default(), 0, 0);
    if let Some(site) = &p.primary {
        labels.push(Label::primary(site.file, site.span.clone()));
        if let (Ok(name), Ok(loc)) = (
            files.name(site.file),
            files.location(site.file, site.span.start),
        ) {
            file = name;
            line = loc.line_number;
            col = loc.column_number;
        }
    }
    for (site, text) in &p.secondary {
        labels.push(Label::secondary(site.file, site.span.clone()).with_message(text.clone()));
    }
    report = report.with_labels(labels).with_notes(p.notes.clone());
    Diagnostic {
        file,
        line,
        col,
        message: p.message,
        report,
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.items
                    .iter()
                    .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.col, d.message)),
            )
            .finish()
    }
}

impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )
        }
    }
}
