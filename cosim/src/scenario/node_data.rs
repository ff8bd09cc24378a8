//! Per-node data: words written into one node's memory at a data label of its program
//! before the run (docs/scenario.md, "Per-node data").

use std::collections::HashMap;

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
    // The common case, up to nine decimal digits, without the general parse.
    if (1..=9).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(text.bytes().fold(0, |v, b| v * 10 + u32::from(b - b'0')));
    }
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
    let end = next.filter(|s| s.value < memory);
    let room = u64::from(end.map_or(memory, |s| s.value).saturating_sub(addr));
    if words.len() as u64 > room {
        let limit = match end {
            Some(s) => format!("the next data label `{}`", s.name),
            None => format!("the end of memory ({memory} words)"),
        };
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

/// The data labels of one program, by name, for placing many blocks (a per-node data file
/// gives one per node and label) without a scan of the symbols for each.
pub struct DataLabels {
    /// Each name's first symbol, as [`Image::symbol`] finds it: for a data label its address
    /// and the lowest data address above it, `None` for another kind of symbol.
    by_name: HashMap<String, Option<(u32, Option<u32>)>>,
}

impl DataLabels {
    /// The table of `image`'s labels.
    pub fn new(image: &Image) -> DataLabels {
        let data = |kind| kind == SymbolKind::Data;
        let mut addrs: Vec<u32> = image
            .symbols
            .iter()
            .filter(|s| data(s.kind))
            .map(|s| s.value)
            .collect();
        addrs.sort_unstable();
        let mut by_name = HashMap::with_capacity(image.symbols.len());
        for s in &image.symbols {
            by_name.entry(s.name.clone()).or_insert_with(|| {
                data(s.kind).then(|| {
                    let above = addrs.partition_point(|&a| a <= s.value);
                    (s.value, addrs.get(above).copied())
                })
            });
        }
        DataLabels { by_name }
    }

    /// [`place`] on `image`, this table's program, with the label found in the table; an
    /// error is worded by [`place`].
    pub fn place(
        &self,
        image: &Image,
        memory: u32,
        label: &str,
        words: Vec<u32>,
    ) -> Result<DataBlock, String> {
        if let Some(&Some((addr, next))) = self.by_name.get(label) {
            let end = next.filter(|&n| n < memory).unwrap_or(memory);
            if words.len() as u64 <= u64::from(end.saturating_sub(addr)) {
                return Ok(DataBlock {
                    label: label.to_string(),
                    addr,
                    words,
                });
            }
        }
        place(image, memory, label, words)
    }
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

    /// The table of labels places every block as [`place`] does, and words its errors so.
    #[test]
    fn a_table_of_labels_places_as_a_scan_of_the_symbols() {
        let mut image = image();
        image.symbols.push(Symbol {
            name: "a".into(),
            kind: SymbolKind::Const,
            value: 0,
        });
        let labels = DataLabels::new(&image);
        for label in ["a", "a_alias", "b", "K", "missing"] {
            for memory in [4, 8, 10, 12, 20] {
                for len in 0..12 {
                    let words = vec![1; len];
                    assert_eq!(
                        labels.place(&image, memory, label, words.clone()),
                        place(&image, memory, label, words),
                        "{label} in {memory} words, {len} words"
                    );
                }
            }
        }
    }

    /// Short runs of decimal digits take a path of their own: the same words as the
    /// general parse, leading zeros and the longest runs on either side of it included.
    #[test]
    fn decimal_words_read_as_the_general_parse_reads_them() {
        for text in [
            "0",
            "7",
            "007",
            "12446",
            "999999999",
            "1000000000",
            "4294967295",
        ] {
            let general = text.parse::<i64>().map(|v| v as u32).ok();
            assert_eq!(parse_word(text).ok(), general, "{text}");
        }
        assert!(parse_word("4294967296").is_err());
        assert!(parse_word("1x").is_err());
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
