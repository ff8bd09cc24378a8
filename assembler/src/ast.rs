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
    /// `.name` (with or without operands) where a statement begins: no such directive.
    UnknownDirective(String, Span),
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
    /// `.addressing narrow` or `.addressing wide`: the name and where it is written.
    Addressing(String, Span),
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

/// How many operators deep an expression may nest (`-(1 + 2)` is 2 deep).
///
/// Deeper expressions are kept as [`ExprKind::TooDeep`] and reported, so no
/// input can exhaust the host stack while the tree is evaluated or dropped.
pub const MAX_EXPR_DEPTH: u32 = 256;

/// An expression with its place in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
    /// Operators on the longest path to a leaf (0 for a leaf).
    pub depth: u32,
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
    /// An expression nested deeper than [`MAX_EXPR_DEPTH`] (its operands are not kept).
    TooDeep,
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
    /// A number, symbol or `$`: an expression without operators.
    pub fn leaf(kind: ExprKind, span: Span) -> Expr {
        Expr {
            kind,
            span,
            depth: 0,
        }
    }

    /// Builds a unary expression written at `span`.
    pub fn unary(op: UnOp, a: Expr, span: Span) -> Expr {
        Expr::nest(a.depth, span, |too_deep| {
            if too_deep {
                ExprKind::TooDeep
            } else {
                ExprKind::Unary(op, Box::new(a))
            }
        })
    }

    /// Builds a binary expression spanning both operands.
    pub fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
        let span = a.span.start..b.span.end;
        Expr::nest(a.depth.max(b.depth), span, |too_deep| {
            if too_deep {
                ExprKind::TooDeep
            } else {
                ExprKind::Binary(op, Box::new(a), Box::new(b))
            }
        })
    }

    /// An operator over operands at most `depth` deep, or [`ExprKind::TooDeep`] past the limit.
    fn nest(depth: u32, span: Span, kind: impl FnOnce(bool) -> ExprKind) -> Expr {
        let depth = depth + 1;
        let too_deep = depth > MAX_EXPR_DEPTH;
        Expr {
            kind: kind(too_deep),
            span,
            depth: depth.min(MAX_EXPR_DEPTH + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(at: usize) -> Expr {
        Expr::leaf(ExprKind::Num(1), at..at + 1)
    }

    #[test]
    fn nesting_past_the_limit_keeps_no_operands() {
        let mut e = one(0);
        for i in 1..=MAX_EXPR_DEPTH as usize {
            e = Expr::binary(BinOp::Add, e, one(2 * i));
        }
        assert_eq!(e.depth, MAX_EXPR_DEPTH);
        assert!(matches!(e.kind, ExprKind::Binary(..)));
        let deeper = Expr::unary(UnOp::Neg, e, 0..600);
        assert_eq!(deeper.kind, ExprKind::TooDeep);
        let still = Expr::binary(BinOp::Add, deeper, one(700));
        assert_eq!((still.kind, still.span), (ExprKind::TooDeep, 0..701));
    }
}
