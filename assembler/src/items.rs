//! The flat list of items the front end hands to the linker, and where each
//! item came from.

use crate::ast::{Expr, Section, Span};
use crate::diagnostics::{Problem, Site};
use aether_isa::Opcode;
use std::ops::Range;
use std::rc::Rc;

/// The text an item was parsed from.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    /// A source file (index in the source database).
    File(usize),
    /// The text of one macro expansion.
    Expansion(Rc<Expansion>),
}

/// One expansion of a macro.
#[derive(Debug)]
pub(crate) struct Expansion {
    /// The substituted body text.
    pub text: String,
    /// The outermost invocation, in a real source file.
    pub site: Site,
    /// The macro's name.
    pub macro_name: String,
    /// The file holding the macro's definition.
    pub def_file: usize,
    /// For each body line, its span in `def_file`.
    pub body_lines: Vec<Range<usize>>,
}

impl Origin {
    /// The real source place that `span` of this origin's text stands for.
    pub fn site(&self, span: &Span) -> Site {
        match self {
            Origin::File(file) => Site {
                file: *file,
                span: span.clone(),
            },
            Origin::Expansion(e) => e.site.clone(),
        }
    }

    /// An error at `span` of this origin's text.
    pub fn problem(&self, span: &Span, message: impl Into<String>) -> Problem {
        let problem = Problem::at(self.site(span), message);
        match self {
            Origin::File(_) => problem,
            Origin::Expansion(e) => {
                let line = e.text[..span.start.min(e.text.len())]
                    .bytes()
                    .filter(|&b| b == b'\n')
                    .count();
                match e.body_lines.get(line) {
                    Some(body) => problem.in_expansion(
                        Site {
                            file: e.def_file,
                            span: body.clone(),
                        },
                        &e.macro_name,
                    ),
                    None => problem,
                }
            }
        }
    }
}

/// One thing the linker places, evaluates or records.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// The text it was parsed from.
    pub origin: Origin,
    /// The span of its source line in that text.
    pub line: Span,
}

/// The kinds of items.
#[derive(Clone, Debug)]
pub(crate) enum ItemKind {
    /// A label, fully qualified.
    Label(String, Span),
    /// An instruction, its operand and where its mnemonic starts.
    Instr(Opcode, Option<Expr>, usize),
    /// `.word` values.
    Words(Vec<Expr>),
    /// `.string` words (one per byte, NUL included).
    Bytes(Vec<u32>),
    /// `.space n`.
    Space(Expr),
    /// Switch to a section.
    Section(Section),
    /// `.const NAME = e`.
    Const(String, Span, Expr),
    /// `.msg NAME [= e]`.
    Msg(String, Span, Option<Expr>),
    /// `.entry NAME`.
    Entry(String, Span),
    /// `.addressing NAME`: the image's addressing and where its name is written.
    Addressing(aether_isa::Addressing, Span),
    /// `.loc`: a numbered source location for the following code words.
    Loc(u32, String, u32, u32),
    /// The end of the code an earlier `.loc` applies to.
    LocEnd,
    /// A macro invocation (for the listing).
    Invocation,
}
