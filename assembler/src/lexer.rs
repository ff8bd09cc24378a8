//! The lexer: logos turns source text into tokens for the lalrpop grammar.
//!
//! Lexer errors never stop lexing: they become [`Tok::Error`] tokens, which
//! the grammar does not accept, so the parser reports them and recovers at
//! the next line. Macro bodies are not tokenised here: after a `.macro` line
//! the lexer hands the raw text up to the matching `.endm` line to the parser
//! as one [`Tok::MacroBody`] token, to be substituted and parsed on expansion.

use logos::Logos;
use std::fmt;

/// Why a piece of source text is not a token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LexError {
    /// A character that starts no token.
    #[default]
    BadChar,
    /// A malformed or too large number literal.
    BadNumber(String),
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A malformed character literal.
    BadCharLiteral,
    /// An unknown escape sequence in a string or character literal.
    BadEscape(char),
    /// A `.macro` whose `.endm` line never comes.
    UnterminatedMacro,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LexError::BadChar => f.write_str("unexpected character"),
            LexError::BadNumber(why) => write!(f, "bad number literal: {why}"),
            LexError::UnterminatedString => f.write_str("string literal without closing `\"`"),
            LexError::BadCharLiteral => f.write_str("bad character literal"),
            LexError::BadEscape(c) => write!(f, "unknown escape sequence `\\{c}`"),
            LexError::UnterminatedMacro => f.write_str("`.macro` without matching `.endm`"),
        }
    }
}

/// Raw tokens as logos sees them.
#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\f]+")]
#[logos(skip(r";[^\n]*", allow_greedy = true))]
enum Raw<'a> {
    #[token("\n")]
    Newline,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")]
    Ident(&'a str),
    #[regex(r"\.[A-Za-z_][A-Za-z0-9_]*", |lex| &lex.slice()[1..])]
    Local(&'a str),
    #[regex(r"[0-9][0-9A-Za-z_]*", |lex| parse_number(lex.slice()))]
    Num(i64),
    #[regex(r"'([^'\\\n]|\\[^\n])*'?", |lex| parse_char(lex.slice()))]
    Char(i64),
    #[regex(r#""([^"\\\n]|\\[^\n])*"?"#, |lex| parse_string(lex.slice()))]
    Str(String),
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token("=")]
    Assign,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("$")]
    Dollar,
    #[token(".code")]
    Code,
    #[token(".data")]
    Data,
    #[token(".word")]
    Word,
    #[token(".string")]
    StringDir,
    #[token(".space")]
    Space,
    #[token(".const")]
    Const,
    #[token(".macro")]
    Macro,
    #[token(".endm")]
    Endm,
    #[token(".include")]
    Include,
    #[token(".import")]
    Import,
    #[token(".msg")]
    Msg,
    #[token(".entry")]
    Entry,
    #[token(".loc")]
    Loc,
    #[token(".addressing")]
    Addressing,
}

/// A token handed to the parser.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    /// End of a line (also produced once at the end of the text).
    Newline,
    /// A global name, or a qualified `global.local` name.
    Ident(&'a str),
    /// A local name `.name` (without the dot).
    Local(&'a str),
    /// A number or character literal.
    Num(i64),
    /// A string literal, escapes decoded.
    Str(String),
    /// The raw text of a macro body.
    MacroBody,
    /// Text that is not a token.
    Error(LexError),
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `=`
    Assign,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `&`
    Amp,
    /// `|`
    Pipe,
    /// `^`
    Caret,
    /// `~`
    Tilde,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `$`
    Dollar,
    /// `.code`
    Code,
    /// `.data`
    Data,
    /// `.word`
    Word,
    /// `.string`
    StringDir,
    /// `.space`
    Space,
    /// `.const`
    Const,
    /// `.macro`
    Macro,
    /// `.endm`
    Endm,
    /// `.include`
    Include,
    /// `.import`
    Import,
    /// `.msg`
    Msg,
    /// `.entry`
    Entry,
    /// `.loc`
    Loc,
    /// `.addressing`
    Addressing,
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Newline => f.write_str("end of line"),
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Local(s) => write!(f, "`.{s}`"),
            Tok::Num(n) => write!(f, "`{n}`"),
            Tok::Str(_) => f.write_str("string literal"),
            Tok::MacroBody => f.write_str("macro body"),
            Tok::Error(e) => write!(f, "{e}"),
            other => write!(f, "`{}`", punct_text(other)),
        }
    }
}

fn punct_text(tok: &Tok<'_>) -> &'static str {
    match tok {
        Tok::Comma => ",",
        Tok::Colon => ":",
        Tok::Assign => "=",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Star => "*",
        Tok::Slash => "/",
        Tok::Percent => "%",
        Tok::Amp => "&",
        Tok::Pipe => "|",
        Tok::Caret => "^",
        Tok::Tilde => "~",
        Tok::Shl => "<<",
        Tok::Shr => ">>",
        Tok::Dollar => "$",
        Tok::Code => ".code",
        Tok::Data => ".data",
        Tok::Word => ".word",
        Tok::StringDir => ".string",
        Tok::Space => ".space",
        Tok::Const => ".const",
        Tok::Macro => ".macro",
        Tok::Endm => ".endm",
        Tok::Include => ".include",
        Tok::Import => ".import",
        Tok::Msg => ".msg",
        Tok::Entry => ".entry",
        Tok::Loc => ".loc",
        Tok::Addressing => ".addressing",
        _ => "?",
    }
}

/// Every directive the assembler knows, as written (docs/assembler.md).
pub(crate) const DIRECTIVES: [&str; 14] = [
    ".code",
    ".data",
    ".word",
    ".string",
    ".space",
    ".const",
    ".macro",
    ".endm",
    ".include",
    ".import",
    ".msg",
    ".entry",
    ".loc",
    ".addressing",
];

impl<'a> From<Raw<'a>> for Tok<'a> {
    fn from(raw: Raw<'a>) -> Tok<'a> {
        match raw {
            Raw::Newline => Tok::Newline,
            Raw::Ident(s) => Tok::Ident(s),
            Raw::Local(s) => Tok::Local(s),
            Raw::Num(n) | Raw::Char(n) => Tok::Num(n),
            Raw::Str(s) => Tok::Str(s),
            Raw::Comma => Tok::Comma,
            Raw::Colon => Tok::Colon,
            Raw::Assign => Tok::Assign,
            Raw::LParen => Tok::LParen,
            Raw::RParen => Tok::RParen,
            Raw::Plus => Tok::Plus,
            Raw::Minus => Tok::Minus,
            Raw::Star => Tok::Star,
            Raw::Slash => Tok::Slash,
            Raw::Percent => Tok::Percent,
            Raw::Amp => Tok::Amp,
            Raw::Pipe => Tok::Pipe,
            Raw::Caret => Tok::Caret,
            Raw::Tilde => Tok::Tilde,
            Raw::Shl => Tok::Shl,
            Raw::Shr => Tok::Shr,
            Raw::Dollar => Tok::Dollar,
            Raw::Code => Tok::Code,
            Raw::Data => Tok::Data,
            Raw::Word => Tok::Word,
            Raw::StringDir => Tok::StringDir,
            Raw::Space => Tok::Space,
            Raw::Const => Tok::Const,
            Raw::Macro => Tok::Macro,
            Raw::Endm => Tok::Endm,
            Raw::Include => Tok::Include,
            Raw::Import => Tok::Import,
            Raw::Msg => Tok::Msg,
            Raw::Entry => Tok::Entry,
            Raw::Loc => Tok::Loc,
            Raw::Addressing => Tok::Addressing,
        }
    }
}

fn parse_number(text: &str) -> Result<i64, LexError> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (digits, radix) = if let Some(hex) = lower.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        (bin, 2)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() {
        return Err(LexError::BadNumber(format!("`{text}` has no digits")));
    }
    let value = u64::from_str_radix(digits, radix).map_err(|e| {
        use std::num::IntErrorKind;
        LexError::BadNumber(match e.kind() {
            IntErrorKind::PosOverflow => format!("`{text}` is too large"),
            _ => format!("`{text}` is not a base-{radix} number"),
        })
    })?;
    i64::try_from(value).map_err(|_| LexError::BadNumber(format!("`{text}` is too large")))
}

/// Decodes the escapes of a quoted literal's inside.
fn unescape(inner: &str) -> Result<String, LexError> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some(other) => return Err(LexError::BadEscape(other)),
            None => return Err(LexError::BadEscape(' ')),
        }
    }
    Ok(out)
}

fn parse_string(text: &str) -> Result<String, LexError> {
    let inner = &text[1..];
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return unescape(&inner[..i]),
            _ => {}
        }
    }
    Err(LexError::UnterminatedString)
}

fn parse_char(text: &str) -> Result<i64, LexError> {
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .ok_or(LexError::BadCharLiteral)?;
    let decoded = unescape(inner)?;
    let mut chars = decoded.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c as i64),
        _ => Err(LexError::BadCharLiteral),
    }
}

/// A spanned token as lalrpop's external lexer interface wants it.
pub type Spanned<'a> = Result<(usize, Tok<'a>, usize), LexError>;

/// The token stream of one source text.
pub struct Lexer<'a> {
    text: &'a str,
    inner: logos::Lexer<'a, Raw<'a>>,
    base: usize,
    /// Start of the `.macro` keyword whose body follows the next newline.
    macro_pending: Option<(usize, usize)>,
    queue: std::collections::VecDeque<(usize, Tok<'a>, usize)>,
    last_was_newline: bool,
    /// End of the last token that was not a newline (where "end of line" is reported).
    last_end: usize,
    done: bool,
}

impl<'a> Lexer<'a> {
    /// A lexer over `text`.
    pub fn new(text: &'a str) -> Lexer<'a> {
        Lexer {
            text,
            inner: Raw::lexer(text),
            base: 0,
            macro_pending: None,
            queue: std::collections::VecDeque::new(),
            last_was_newline: true,
            last_end: 0,
            done: false,
        }
    }

    /// Captures the macro body starting at `start`, queueing its token and
    /// restarting logos at the `.endm` line (or the end of the text).
    fn capture_body(&mut self, start: usize, macro_span: (usize, usize)) {
        let mut line_start = start;
        let end_line = loop {
            if line_start >= self.text.len() {
                break None;
            }
            let line_end = self.text[line_start..]
                .find('\n')
                .map_or(self.text.len(), |i| line_start + i + 1);
            if is_endm_line(&self.text[line_start..line_end]) {
                break Some(line_start);
            }
            line_start = line_end;
        };
        let body_end = end_line.unwrap_or(self.text.len());
        self.queue.push_back((start, Tok::MacroBody, body_end));
        if end_line.is_none() {
            self.queue.push_back((
                macro_span.0,
                Tok::Error(LexError::UnterminatedMacro),
                macro_span.1,
            ));
        }
        self.base = body_end;
        self.inner = Raw::lexer(&self.text[body_end..]);
    }
}

fn is_endm_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.strip_prefix(".endm").is_some_and(|rest| {
        !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Spanned<'a>> {
        if let Some(t) = self.queue.pop_front() {
            self.last_was_newline = false;
            return Some(Ok(t));
        }
        if self.done {
            return None;
        }
        let Some(raw) = self.inner.next() else {
            self.done = true;
            if self.last_was_newline {
                return None;
            }
            self.last_was_newline = true;
            return Some(Ok((self.last_end, Tok::Newline, self.last_end)));
        };
        let span = self.inner.span();
        let (l, r) = (self.base + span.start, self.base + span.end);
        let tok = match raw {
            Ok(raw) => Tok::from(raw),
            Err(e) => Tok::Error(e),
        };
        self.last_was_newline = tok == Tok::Newline;
        match tok {
            Tok::Macro => self.macro_pending = Some((l, r)),
            Tok::Newline => {
                let at = self.last_end;
                self.last_end = r;
                if let Some(macro_span) = self.macro_pending.take() {
                    self.capture_body(r, macro_span);
                    self.last_end = self.base;
                }
                return Some(Ok((at, Tok::Newline, at)));
            }
            _ => {}
        }
        self.last_end = r;
        Some(Ok((l, tok, r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok<'_>> {
        Lexer::new(text).map(|t| t.unwrap().1).collect()
    }

    #[test]
    fn every_listed_directive_is_a_directive_token() {
        for d in DIRECTIVES {
            let t = toks(d);
            assert!(
                matches!(t.as_slice(), [tok, Tok::Newline] if tok.to_string() == format!("`{d}`")),
                "{d}: {t:?}"
            );
        }
    }

    #[test]
    fn numbers_in_every_base() {
        assert_eq!(
            toks("10 0x1F 0b101 1_000 'a' '\\n'"),
            vec![
                Tok::Num(10),
                Tok::Num(31),
                Tok::Num(5),
                Tok::Num(1000),
                Tok::Num(97),
                Tok::Num(10),
                Tok::Newline
            ]
        );
    }

    #[test]
    fn bad_tokens_become_error_tokens() {
        let t = toks("push 12ab # x");
        assert!(matches!(t[1], Tok::Error(LexError::BadNumber(_))));
        assert_eq!(t[2], Tok::Error(LexError::BadChar));
        assert_eq!(t[3], Tok::Ident("x"));
    }

    #[test]
    fn strings_decode_escapes_and_report_bad_ones() {
        assert_eq!(toks(r#""a\tb\"\\""#)[0], Tok::Str("a\tb\"\\".into()));
        assert_eq!(toks(r#""abc"#)[0], Tok::Error(LexError::UnterminatedString));
        assert_eq!(toks(r#""a\qb""#)[0], Tok::Error(LexError::BadEscape('q')));
    }

    #[test]
    fn directives_locals_and_qualified_names() {
        assert_eq!(
            toks(".code .loop: main.loop .codes"),
            vec![
                Tok::Code,
                Tok::Local("loop"),
                Tok::Colon,
                Tok::Ident("main.loop"),
                Tok::Local("codes"),
                Tok::Newline
            ]
        );
    }

    #[test]
    fn macro_bodies_are_one_token() {
        let text = ".macro m a\n push \\a ; c\n add\n .endm\nnop\n";
        let spanned: Vec<_> = Lexer::new(text).map(|t| t.unwrap()).collect();
        let body = spanned.iter().find(|t| t.1 == Tok::MacroBody).unwrap();
        assert_eq!(&text[body.0..body.2], " push \\a ; c\n add\n");
        assert!(spanned.iter().any(|t| t.1 == Tok::Endm));
        assert!(spanned.iter().any(|t| t.1 == Tok::Ident("nop")));
    }

    #[test]
    fn unterminated_macro_is_reported() {
        let t = toks(".macro m\n push 1\n");
        assert!(t.contains(&Tok::Error(LexError::UnterminatedMacro)));
        assert_eq!(t.last(), Some(&Tok::Newline));
    }
}
