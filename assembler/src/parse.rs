//! Parsing a source text into lines, collecting every syntax error.

use crate::ast::{Line, Span};
use crate::lexer::{LexError, Lexer, Tok};
use lalrpop_util::{ErrorRecovery, ParseError};

lalrpop_util::lalrpop_mod!(
    #[allow(missing_docs, clippy::all, clippy::pedantic, unused_qualifications)]
    grammar
);

/// A syntax (or lexical) error in a parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where it is.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Parses `text`, returning its lines and every syntax error found.
///
/// A line with an error is returned empty; parsing resumes on the next line.
pub fn parse(text: &str) -> (Vec<Line>, Vec<SyntaxError>) {
    let mut recovered = Vec::new();
    let result = grammar::FileParser::new().parse(&mut recovered, Lexer::new(text));
    let mut errors: Vec<SyntaxError> = recovered
        .into_iter()
        .filter(|r: &ErrorRecovery<usize, Tok<'_>, LexError>| !is_orphan_body(&r.error))
        .map(|r| convert(r.error, text.len()))
        .collect();
    let lines = match result {
        Ok(lines) => lines,
        Err(e) => {
            errors.push(convert(e, text.len()));
            Vec::new()
        }
    };
    (lines, errors)
}

/// The body of a `.macro` line that had an error itself: already reported.
fn is_orphan_body(error: &ParseError<usize, Tok<'_>, LexError>) -> bool {
    matches!(
        error,
        ParseError::UnrecognizedToken {
            token: (_, Tok::MacroBody, _),
            ..
        }
    )
}

fn convert(error: ParseError<usize, Tok<'_>, LexError>, len: usize) -> SyntaxError {
    match error {
        ParseError::InvalidToken { location } => SyntaxError {
            span: location..location,
            message: "invalid token".into(),
        },
        ParseError::UnrecognizedEof { location, expected } => SyntaxError {
            span: location.min(len)..location.min(len),
            message: format!("unexpected end of input{}", expectation(&expected)),
        },
        ParseError::UnrecognizedToken {
            token: (l, Tok::Error(e), r),
            ..
        } => SyntaxError {
            span: l..r,
            message: e.to_string(),
        },
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => SyntaxError {
            span: l..r,
            message: format!("unexpected {tok}{}", expectation(&expected)),
        },
        ParseError::ExtraToken { token: (l, tok, r) } => SyntaxError {
            span: l..r,
            message: format!("unexpected {tok}"),
        },
        ParseError::User { error } => SyntaxError {
            span: len..len,
            message: error.to_string(),
        },
    }
}

/// Turns lalrpop's list of expected terminals into readable words.
fn expectation(expected: &[String]) -> String {
    let mut words: Vec<&str> = expected
        .iter()
        .map(|e| match e.as_str() {
            "\"\\n\"" => "end of line",
            "ident" => "a name",
            "local" => "a local name",
            "num" => "a number",
            "string" => "a string",
            "body" => "a macro body",
            other => other.trim_matches('"'),
        })
        .collect();
    words.dedup();
    if words.is_empty() {
        return String::new();
    }
    if words.len() > 6 {
        let eol = if words.contains(&"end of line") {
            " or end of line"
        } else {
            ""
        };
        return format!(", expected an expression{eol}");
    }
    format!(", expected {}", words.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{ExprKind, Name, Stmt};

    #[test]
    fn parses_labels_instructions_and_directives() {
        let (lines, errors) = parse("main: push 1 + 2 * 3\n.loop: jmp .loop\n.const N = 4\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].labels[0].name, Name::Global("main".into()));
        let Some(Stmt::Op { name, args, .. }) = &lines[0].stmt else {
            panic!("not an op")
        };
        assert_eq!(name, "push");
        assert_eq!(args.len(), 1);
        assert!(matches!(lines[2].stmt, Some(Stmt::Const { .. })));
    }

    #[test]
    fn precedence_is_c_like() {
        let (lines, _) = parse("push 1 | 2 & 3 << 4 + 5 * 6\n");
        let Some(Stmt::Op { args, .. }) = &lines[0].stmt else {
            panic!()
        };
        let crate::ast::Arg::Expr(e) = &args[0] else {
            panic!()
        };
        assert!(matches!(
            e.kind,
            ExprKind::Binary(crate::ast::BinOp::Or, _, _)
        ));
    }

    #[test]
    fn errors_recover_at_the_next_line() {
        let (lines, errors) = parse("push 1 +\npush # 2\nnop\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[1].message, "unexpected character");
        assert!(
            lines
                .iter()
                .any(|l| matches!(&l.stmt, Some(Stmt::Op { name, .. }) if name == "nop"))
        );
    }

    #[test]
    fn a_broken_macro_line_is_one_error() {
        let (lines, errors) = parse(".macro 5\n push 1\n.endm\nnop\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            lines
                .last()
                .and_then(|l| l.stmt.clone())
                .map(|s| matches!(s, Stmt::Op { .. })),
            Some(true)
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// Fragments that make random input look like assembly often enough to
    /// reach deep into the grammar.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\n".to_string()),
            Just(" ".to_string()),
            Just(".macro m a\n push \\a\n.endm\n".to_string()),
            Just(".endm".to_string()),
            Just("main:".to_string()),
            Just(".l:".to_string()),
            Just("push".to_string()),
            Just(".word".to_string()),
            Just(".string \"x\\n\"".to_string()),
            Just(".loc \"f\" 1 2".to_string()),
            Just(".msg M = 3".to_string()),
            Just("0x1f".to_string()),
            Just("'a'".to_string()),
            Just("\"".to_string()),
            Just(";c".to_string()),
            "[-+*/%&|^~<>(),:=$.@#\\\\a-z0-9 ]{1,6}",
            any::<char>().prop_map(|c| c.to_string()),
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn assembly_like_text_never_panics(parts in proptest::collection::vec(fragment(), 0..40)) {
            let text = parts.concat();
            let (_, errors) = parse(&text);
            for e in errors {
                prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            }
            let _ = crate::assemble_in_memory(&[("p.s", &text)], 1, &crate::Options::default());
        }
    }
}
