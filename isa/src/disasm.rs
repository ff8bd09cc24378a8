//! Disassembly of program images back to re-assemblable source.
//!
//! The text re-assembles with `aether-asm` to the identical image: a wide
//! image's addressing becomes `.addressing wide` (narrow is the default), message
//! types become `.msg NAME = id`, constants `.const`, entry points `.entry`,
//! labels come from the symbol table (always fully qualified), every
//! source-map entry becomes a `.loc` line, and data becomes `.word` lines.
//! Code words that do not decode are written as `.word` in `.code`.

use crate::Addressing;
use crate::encoding::Instruction;
use crate::image::{Image, SymbolKind};
use crate::opcode::OperandKind;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Data words per `.word` line.
const WORDS_PER_LINE: usize = 8;

/// Re-assemblable source text for `image`.
pub fn disassemble(image: &Image) -> String {
    let mut out = String::new();
    out.push_str("; aether disassembly: re-assembles to the same image\n");
    match image.addressing {
        Addressing::Narrow => {}
        Addressing::Wide => {
            let _ = writeln!(out, ".addressing {}", image.addressing);
        }
    }
    for m in &image.msg_types {
        let _ = writeln!(out, ".msg {} = {}", m.name, m.id);
    }
    for s in image.symbols.iter().filter(|s| s.kind == SymbolKind::Const) {
        let _ = writeln!(out, ".const {} = {}", s.name, number(s.value));
    }
    for e in &image.entries {
        let _ = writeln!(out, ".entry {}", e.name);
    }
    let code_labels = labels(image, SymbolKind::Code);
    let data_labels = labels(image, SymbolKind::Data);
    out.push_str("\n.code\n");
    code(image, &code_labels, &data_labels, &mut out);
    out.push_str("\n.data\n");
    data(image, &data_labels, &mut out);
    out
}

/// Label names by address, each list sorted by name.
fn labels(image: &Image, kind: SymbolKind) -> BTreeMap<u32, Vec<&str>> {
    let mut map: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for s in image.symbols.iter().filter(|s| s.kind == kind) {
        map.entry(s.value).or_default().push(&s.name);
    }
    for names in map.values_mut() {
        names.sort_unstable();
    }
    map
}

fn number(value: u32) -> String {
    if value < 0x1_0000 {
        value.to_string()
    } else {
        format!("{value:#010x}")
    }
}

fn put_labels(out: &mut String, labels: &BTreeMap<u32, Vec<&str>>, addr: u32) {
    for name in labels.get(&addr).into_iter().flatten() {
        let _ = writeln!(out, "{name}:");
    }
}

fn quoted(text: &str) -> String {
    let mut q = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            '\0' => q.push_str("\\0"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn code(
    image: &Image,
    code_labels: &BTreeMap<u32, Vec<&str>>,
    data_labels: &BTreeMap<u32, Vec<&str>>,
    out: &mut String,
) {
    let locs: BTreeMap<u32, usize> = image
        .source_map
        .locs
        .iter()
        .enumerate()
        .map(|(i, l)| (l.addr, i))
        .collect();
    let boundaries: BTreeSet<u32> = locs.keys().chain(code_labels.keys()).copied().collect();
    let len = image.code.len() as u32;
    let mut addr = 0u32;
    while addr < len {
        put_labels(out, code_labels, addr);
        if let Some(&i) = locs.get(&addr) {
            let loc = &image.source_map.locs[i];
            if let Some(file) = image.source_map.files.get(loc.file as usize) {
                let _ = writeln!(out, ".loc {} {} {}", quoted(file), loc.line, loc.col);
            }
        }
        let decoded = Instruction::decode(&image.code[addr as usize..])
            .ok()
            .filter(|(_, n)| (1..*n).all(|k| !boundaries.contains(&(addr + k))));
        match decoded {
            Some((instr, n)) => {
                let _ = writeln!(out, "    {}", instruction(&instr, code_labels, data_labels));
                addr += n;
            }
            None => {
                let _ = writeln!(out, "    .word {:#010x}", image.code[addr as usize]);
                addr += 1;
            }
        }
    }
    put_labels(out, code_labels, len);
}

fn instruction(
    instr: &Instruction,
    code_labels: &BTreeMap<u32, Vec<&str>>,
    data_labels: &BTreeMap<u32, Vec<&str>>,
) -> String {
    let op = instr.opcode;
    let symbolic = |labels: &BTreeMap<u32, Vec<&str>>| {
        labels
            .get(&instr.operand)
            .and_then(|names| names.first())
            .map_or_else(|| instr.operand.to_string(), |n| n.to_string())
    };
    match op.operand() {
        OperandKind::None => op.mnemonic().to_string(),
        OperandKind::Signed24 | OperandKind::Unsigned24 => {
            format!("{} {}", op.mnemonic(), instr.operand_value())
        }
        OperandKind::CodeAddr => format!("{} {}", op.mnemonic(), symbolic(code_labels)),
        OperandKind::DataAddr => format!("{} {}", op.mnemonic(), symbolic(data_labels)),
        OperandKind::Word32 => format!("{} {:#010x}", op.mnemonic(), instr.operand),
    }
}

fn data(image: &Image, data_labels: &BTreeMap<u32, Vec<&str>>, out: &mut String) {
    let len = image.data.len() as u32;
    let mut addr = 0u32;
    while addr < len {
        put_labels(out, data_labels, addr);
        let next_label = data_labels
            .range(addr + 1..)
            .next()
            .map_or(len, |(&a, _)| a.min(len));
        let end = next_label.min(addr + WORDS_PER_LINE as u32);
        let words: Vec<String> = image.data[addr as usize..end as usize]
            .iter()
            .map(|w| format!("{w:#010x}"))
            .collect();
        let _ = writeln!(out, "    .word {}", words.join(", "));
        addr = end;
    }
    put_labels(out, data_labels, len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{Entry, MsgType, SourceLoc, SourceMap, Symbol};
    use crate::opcode::Opcode;

    fn sample() -> Image {
        let mut code = Vec::new();
        Instruction::new(Opcode::Push, -3)
            .unwrap()
            .encode_into(&mut code);
        Instruction::new(Opcode::Jmp, 0)
            .unwrap()
            .encode_into(&mut code);
        Instruction::new(Opcode::PushW, 0xDEAD_BEEF)
            .unwrap()
            .encode_into(&mut code);
        code.push(0xFF00_0000);
        Image {
            addressing: crate::Addressing::Narrow,
            code,
            data: vec![1, 2, 3],
            entries: vec![Entry {
                name: "main".into(),
                addr: 0,
            }],
            symbols: vec![
                Symbol {
                    name: "N".into(),
                    kind: SymbolKind::Const,
                    value: 0xFFFF_FFFF,
                },
                Symbol {
                    name: "main".into(),
                    kind: SymbolKind::Code,
                    value: 0,
                },
                Symbol {
                    name: "t".into(),
                    kind: SymbolKind::Data,
                    value: 1,
                },
            ],
            source_map: SourceMap {
                files: vec!["a \"b\".s".into()],
                locs: vec![SourceLoc {
                    addr: 0,
                    file: 0,
                    line: 3,
                    col: 5,
                }],
            },
            msg_types: vec![MsgType {
                id: 7,
                name: "PING".into(),
            }],
        }
    }

    #[test]
    fn writes_every_part_of_the_image() {
        let text = disassemble(&sample());
        for needle in [
            ".msg PING = 7",
            ".const N = 0xffffffff",
            ".entry main",
            "main:\n.loc \"a \\\"b\\\".s\" 3 5\n    push -3\n",
            "    jmp main\n",
            "    pushw 0xdeadbeef\n",
            "    .word 0xff000000\n",
            ".data\n    .word 0x00000001\nt:\n    .word 0x00000002, 0x00000003\n",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn only_a_wide_image_names_its_addressing() {
        assert!(!disassemble(&sample()).contains(".addressing"));
        let wide = Image {
            addressing: Addressing::Wide,
            ..sample()
        };
        let text = disassemble(&wide);
        assert!(
            text.starts_with(
                "; aether disassembly: re-assembles to the same image\n.addressing wide\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_label_inside_a_two_word_instruction_splits_it_into_words() {
        let mut image = sample();
        image.symbols.push(Symbol {
            name: "mid".into(),
            kind: SymbolKind::Code,
            value: 3,
        });
        let text = disassemble(&image);
        assert!(
            text.contains("    .word 0x11000000\nmid:\n    .word 0xdeadbeef\n"),
            "{text}"
        );
    }
}
