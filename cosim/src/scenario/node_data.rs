//! Per-node data: words written into one node's memory at a data label of its program
//! before the run (docs/scenario.md, "Per-node data").

use aether_isa::{Image, SymbolKind};

/// Words to write at a data label of one node's program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataBlock {
    /// The data label, as written in the program.
    pub label: String,
    /// Its data address.
    pub addr: u32,
    /// The words, written from `addr` on.
    pub words: Vec<u32>,
}

/// One line of a per-node data file: `NODE LABEL: WORD ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// The node.
    pub node: u32,
    /// The data label.
    pub label: String,
    /// The words.
    pub words: Vec<u32>,
}

/// A word of per-node data: an unsigned 32-bit value, or a negative one as its two's
/// complement.
pub fn word(value: i64) -> Result<u32, String> {
    if value < i64::from(i32::MIN) || value > i64::from(u32::MAX) {
        return Err(format!("{value} does not fit a 32-bit word"));
    }
    Ok(value as u32)
}

/// A word as written in a data file: decimal (optionally negative) or `0x` hexadecimal.
fn parse_word(text: &str) -> Result<u32, String> {
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16),
        None => text.parse::<i64>(),
    }
    .map_err(|_| format!("`{text}` is not a word"))?;
    word(value)
}

/// Parses a per-node data file: one `NODE LABEL: WORD ...` line per node and label,
/// blank lines and `#` comments ignored. Errors name the line.
pub fn parse_file(text: &str) -> Result<Vec<DataLine>, String> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let at = |message: String| format!("line {line}: {message}");
        let Some((head, words)) = content.split_once(':') else {
            return Err(at("expected `NODE LABEL: WORD ...`".into()));
        };
        let mut head = head.split_whitespace();
        let (Some(node), Some(label), None) = (head.next(), head.next(), head.next()) else {
            return Err(at("expected `NODE LABEL: WORD ...`".into()));
        };
        let node = node
            .parse::<u32>()
            .ok()
            .filter(|&n| n < super::MAX_STATIONS)
            .ok_or_else(|| {
                at(format!(
                    "`{node}` is not a node id (0..={})",
                    super::MAX_STATIONS - 1
                ))
            })?;
        let words = words
            .split_whitespace()
            .map(parse_word)
            .collect::<Result<Vec<u32>, String>>()
            .map_err(at)?;
        lines.push(DataLine {
            line,
            node,
            label: label.to_string(),
            words,
        });
    }
    Ok(lines)
}

/// Places `words` at data label `label` of `image` in a memory of `memory` words: they must
/// end before the next data label (the lowest data address above the label's) or the end of
/// memory. The error says which label and how much room there is.
pub fn place(
    image: &Image,
    memory: u32,
    label: &str,
    words: Vec<u32>,
) -> Result<DataBlock, String> {
    let symbol = image
        .symbol(label)
        .ok_or_else(|| format!("the program has no data label `{label}`"))?;
    if symbol.kind != SymbolKind::Data {
        return Err(format!("`{label}` is not a data label"));
    }
    let addr = symbol.value;
    let next = image
        .symbols
        .iter()
        .filter(|s| s.kind == SymbolKind::Data && s.value > addr)
        .min_by_key(|s| s.value);
    let (end, limit) = match next {
        Some(s) if s.value < memory => (s.value, format!("the next data label `{}`", s.name)),
        _ => (memory, format!("the end of memory ({memory} words)")),
    };
    let room = u64::from(end.saturating_sub(addr));
    if words.len() as u64 > room {
        return Err(format!(
            "{} words at `{label}` do not fit before {limit}: room for {room}",
            words.len()
        ));
    }
    Ok(DataBlock {
        label: label.to_string(),
        addr,
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aether_isa::Symbol;

    fn image() -> Image {
        let data = |name: &str, value| Symbol {
            name: name.into(),
            kind: SymbolKind::Data,
            value,
        };
        Image {
            symbols: vec![
                data("b", 10),
                data("a", 4),
                data("a_alias", 4),
                Symbol {
                    name: "K".into(),
                    kind: SymbolKind::Const,
                    value: 3,
                },
            ],
            ..Image::default()
        }
    }

    #[test]
    fn words_fit_up_to_the_next_label_or_the_end_of_memory() {
        let img = image();
        // `a` at 4, `b` at 10: six words of room (a label at the same address is no limit).
        let block = place(&img, 64, "a", vec![1; 6]).expect("fits");
        assert_eq!((block.addr, block.words.len()), (4, 6));
        let err = place(&img, 64, "a", vec![1; 7]).expect_err("too long");
        assert!(
            err.contains("next data label `b`") && err.contains("room for 6"),
            "{err}"
        );
        // `b` at 10 runs to the end of a 16-word memory.
        assert!(place(&img, 16, "b", vec![0; 6]).is_ok());
        let err = place(&img, 16, "b", vec![0; 7]).expect_err("past memory");
        assert!(err.contains("end of memory (16 words)"), "{err}");
        // A memory smaller than the next label's address is the limit.
        let err = place(&img, 8, "a", vec![0; 5]).expect_err("past memory");
        assert!(err.contains("room for 4"), "{err}");
    }

    #[test]
    fn unknown_and_non_data_labels_are_errors() {
        let img = image();
        let err = place(&img, 64, "nope", vec![]).expect_err("unknown");
        assert!(err.contains("no data label `nope`"), "{err}");
        let err = place(&img, 64, "K", vec![]).expect_err("constant");
        assert!(err.contains("`K` is not a data label"), "{err}");
    }

    #[test]
    fn data_files_parse_words_in_three_notations() {
        let lines =
            parse_file("# comment\n\n3 edges: 1 -1 0x10  # tail\n0 deg:\n").expect("parses");
        assert_eq!(
            lines,
            vec![
                DataLine {
                    line: 3,
                    node: 3,
                    label: "edges".into(),
                    words: vec![1, u32::MAX, 16],
                },
                DataLine {
                    line: 4,
                    node: 0,
                    label: "deg".into(),
                    words: vec![],
                },
            ]
        );
    }

    #[test]
    fn bad_data_lines_name_their_line() {
        for (text, needle) in [
            ("0 a 1 2\n", "line 1: expected"),
            ("\n0: 1\n", "line 2: expected"),
            (
                "16777216 a: 1\n",
                "line 1: `16777216` is not a node id (0..=16777215)",
            ),
            ("0 a: 1 x\n", "line 1: `x` is not a word"),
            ("0 a: 4294967296\n", "does not fit a 32-bit word"),
            ("0 a: -2147483649\n", "does not fit a 32-bit word"),
        ] {
            let err = parse_file(text).expect_err(text);
            assert!(err.contains(needle), "`{needle}` not in {err}");
        }
    }
}
