//! The instruction reference of `docs/isa.md`, generated from
//! [`INSTRUCTIONS`] and the default [`TimingProfile`] so the docs cannot
//! drift from the table.

use std::fmt::Write;

use crate::opcode::{Group, INSTRUCTIONS, InstrInfo, OperandKind};
use crate::profile::TimingProfile;

/// How an operand kind is named in the reference.
fn operand_name(kind: OperandKind) -> &'static str {
    match kind {
        OperandKind::None => "none",
        OperandKind::Signed24 => "signed 24-bit",
        OperandKind::Unsigned24 => "unsigned 24-bit",
        OperandKind::CodeAddr => "code address",
        OperandKind::DataAddr => "data address",
        OperandKind::Word32 => "32-bit word",
    }
}

/// The instruction's word(s) in hex, operand digits shown as letters.
fn encoding(info: &InstrInfo) -> String {
    let op = info.code;
    match info.operand {
        OperandKind::None => format!("`{op:02x}000000`"),
        OperandKind::Signed24 => format!("`{op:02x}iiiiii`"),
        OperandKind::Unsigned24 => format!("`{op:02x}nnnnnn`"),
        OperandKind::CodeAddr | OperandKind::DataAddr => format!("`{op:02x}aaaaaa`"),
        OperandKind::Word32 => format!("`{op:02x}000000` `wwwwwwww`"),
    }
}

/// Escapes text for a markdown table cell.
fn cell(text: &str) -> String {
    if text.is_empty() {
        "—".to_string()
    } else {
        text.replace('|', "\\|")
    }
}

/// The generated instruction reference: the opcode map, one table per
/// group, and the default profile's NIC and switch costs.
pub fn isa_reference_markdown() -> String {
    let profile = TimingProfile::default();
    let mut out = String::new();
    out.push_str("### Opcode map\n\n");
    out.push_str("Rows give the high hex digit of the opcode, columns the low one; empty cells are unassigned and fault as bad opcodes.\n\n");
    out.push_str("| | ");
    out.push_str(
        &(0..16)
            .map(|lo| format!("_{lo:x}"))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|---|");
    out.push_str(&"---|".repeat(16));
    out.push('\n');
    let last_row = INSTRUCTIONS.iter().map(|i| i.code >> 4).max().unwrap_or(0);
    for hi in 0..=last_row {
        let _ = write!(out, "| **{hi:x}_** |");
        for lo in 0..16u8 {
            let code = hi << 4 | lo;
            match INSTRUCTIONS.iter().find(|i| i.code == code) {
                Some(info) => {
                    let _ = write!(out, " `{}` |", info.mnemonic);
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    for group in Group::ALL {
        let _ = write!(
            out,
            "\n### Group `{}`\n\n| mnemonic | opcode | encoding | operand | stack effect | cycles | summary | faults |\n|---|---|---|---|---|---|---|---|\n",
            group.name()
        );
        for info in INSTRUCTIONS.iter().filter(|i| i.group == group) {
            let _ = writeln!(
                out,
                "| `{}` | `0x{:02x}` | {} | {} | `{}` | {} | {} | {} |",
                info.mnemonic,
                info.code,
                encoding(info),
                operand_name(info.operand),
                cell(info.effect),
                profile.cost(info.opcode),
                cell(info.summary),
                cell(info.faults),
            );
        }
    }
    let _ = write!(
        out,
        "\n### Other costs in the default profile\n\n| key | cycles | charged for |\n|---|---|---|\n| `nic.word` | {} | every payload word `send` or `recv` moves between data memory and the NIC |\n| `process.switch` | {} | running a different process than the one that ran last |\n",
        profile.nic_word, profile.switch
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- BEGIN GENERATED: instruction reference -->\n";
    const END: &str = "<!-- END GENERATED -->";

    #[test]
    fn docs_isa_md_holds_the_generated_reference() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/isa.md");
        let text = std::fs::read_to_string(&path).expect("docs/isa.md exists");
        let start = text.find(BEGIN).expect("docs/isa.md has the BEGIN marker") + BEGIN.len();
        let end = start
            + text[start..]
                .find(END)
                .expect("docs/isa.md has the END marker");
        let generated = isa_reference_markdown();
        if text[start..end] == generated {
            return;
        }
        if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
            let updated = format!("{}{generated}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).expect("docs/isa.md is writable");
            return;
        }
        panic!(
            "docs/isa.md's instruction reference is stale; regenerate it with \
             `UPDATE_DOCS=1 cargo test -p aether-isa reference`"
        );
    }

    #[test]
    fn every_instruction_has_a_row_with_its_default_cost() {
        let text = isa_reference_markdown();
        let profile = TimingProfile::default();
        for info in INSTRUCTIONS {
            let row = format!("| `{}` | `0x{:02x}` |", info.mnemonic, info.code);
            let line = text
                .lines()
                .find(|l| l.starts_with(&row))
                .unwrap_or_else(|| panic!("no row for {}", info.mnemonic));
            let cycles = format!(" | {} | ", profile.cost(info.opcode));
            assert!(line.contains(&cycles), "{line}");
        }
    }

    #[test]
    fn encodings_and_cells_are_rendered_as_documented() {
        let add = crate::Opcode::Add.info();
        assert_eq!(encoding(add), "`20000000`");
        assert_eq!(
            encoding(crate::Opcode::PushW.info()),
            "`11000000` `wwwwwwww`"
        );
        assert_eq!(encoding(crate::Opcode::Push.info()), "`10iiiiii`");
        assert_eq!(cell("( a b -- a|b )"), "( a b -- a\\|b )");
        assert_eq!(cell(""), "—");
    }
}
