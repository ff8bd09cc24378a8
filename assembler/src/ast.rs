//! The syntax tree the grammar builds: one [`Line`] per source line.

use std::ops::Range;

/// A byte range in the text that was parsed.
pub type Span = Range<usize>;

/// One source line: labels, then at most one statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Labels defined on this line, in order.
    pub labels: Vec<Label>,
    /// The statement, if any.
    pub stmt: Option<Stmt>,
    /// The whole line (without its newline).
    pub span: Span,
}

/// A label definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The name as written.
    pub name: Name,
    /// Where the name is written.
    pub span: Span,
}

/// A symbol name as written in source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// `name` or the qualified `global.local`.
    Global(String),
    /// `.name`, relative to the current global label.
    Local(String),
}

/// A section of the Harvard machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// Code memory.
    Code,
    /// Data memory.
    Data,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// An instruction or macro invocation: a name and its arguments.
    Op {
        /// Mnemonic or macro name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// Arguments, comma separated.
        args: Vec<Arg>,
    },
    /// `.code` or `.data`.
    Section(Section),
    /// `.word e, ...`
    Words(Vec<Expr>),
    /// `.string "text"`
    Str(String),
    /// `.space n`
    Space(Expr),
    /// `.const NAME = e`
    Const {
        /// The constant's name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// Its value.
        value: Expr,
    },
    /// `.macro name p, ...` with its raw body.
    MacroDef {
        /// Macro name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// Parameter names.
        params: Vec<(String, Span)>,
        /// The raw text of the body lines.
        body: Span,
    },
    /// `.endm` without a `.macro`.
    StrayEndm,
    /// `.include "file"`
    Include(String, Span),
    /// `.import "file"`
    Import(String, Span),
    /// `.msg NAME` or `.msg NAME = e`
    Msg {
        /// The type's name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// The explicit id, if given.
        id: Option<Expr>,
    },
    /// `.entry NAME`
    Entry(String, Span),
    /// `.loc "file" line col`
    Loc {
        /// Source file name.
        file: String,
        /// 1-based line.
        line: i64,
        /// 1-based column.
        col: i64,
    },
}

/// An argument of an instruction or macro invocation.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// An expression.
    Expr(Expr),
    /// A string literal (only macros take these).
    Str(String, Span),
}

impl Arg {
    /// Where the argument is written.
    pub fn span(&self) -> &Span {
        match self {
            Arg::Expr(e) => &e.span,
            Arg::Str(_, span) => span,
        }
    }
}

/// An expression with its place in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The forms an expression takes.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number or character literal.
    Num(i64),
    /// A symbol reference.
    Sym(Name),
    /// `$`, the current address.
    Dollar,
    /// A unary operation.
    Unary(UnOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-e`
    Neg,
    /// `~e`
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `&`
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl Expr {
    /// Builds a binary expression spanning both operands.
    pub fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
        let span = a.span.start..b.span.end;
        Expr {
            kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
            span,
        }
    }
}
