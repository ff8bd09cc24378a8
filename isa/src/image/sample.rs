//! Hand-built images shared by the image tests.

use super::{Entry, Image, MsgType, SourceLoc, SourceMap, Symbol, SymbolKind};
use crate::encoding::Instruction;
use crate::opcode::Opcode;

/// Encodes a list of instructions into code words.
pub fn assemble(program: &[(Opcode, i64)]) -> Vec<u32> {
    let mut code = Vec::new();
    for &(op, operand) in program {
        Instruction::new(op, operand)
            .expect("sample operands are in range")
            .encode_into(&mut code);
    }
    code
}

/// A small program using every section:
///
/// ```text
/// 0 push 5 / 1 pushw 0xDEADBEEF (literal at 2) / 3 call 6 / 4 halt / 5 nop / 6 add / 7 ret
/// ```
pub fn sample() -> Image {
    let code = assemble(&[
        (Opcode::Push, 5),
        (Opcode::PushW, 0xDEAD_BEEF),
        (Opcode::Call, 6),
        (Opcode::Halt, 0),
        (Opcode::Nop, 0),
        (Opcode::Add, 0),
        (Opcode::Ret, 0),
    ]);
    let symbol = |name: &str, kind, value| Symbol {
        name: name.into(),
        kind,
        value,
    };
    let loc = |addr, file, line, col| SourceLoc {
        addr,
        file,
        line,
        col,
    };
    Image {
        addressing: crate::Addressing::Narrow,
        code,
        data: vec![1, 2, 3],
        entries: vec![
            Entry {
                name: "main".into(),
                addr: 0,
            },
            Entry {
                name: "worker".into(),
                addr: 5,
            },
        ],
        symbols: vec![
            symbol("main", SymbolKind::Code, 0),
            symbol("square", SymbolKind::Code, 6),
            symbol("table", SymbolKind::Data, 0),
            symbol("table.end", SymbolKind::Data, 3),
            symbol("N", SymbolKind::Const, 0xFFFF_FFFF),
        ],
        source_map: SourceMap {
            files: vec!["main.s".into(), "lib/util.s".into()],
            locs: vec![loc(0, 0, 1, 1), loc(3, 0, 3, 5), loc(6, 1, 10, 3)],
        },
        msg_types: vec![
            MsgType {
                id: 1,
                name: "ping".into(),
            },
            MsgType {
                id: 2,
                name: "pong".into(),
            },
        ],
    }
}

/// `body` (an image without its checksum) with a correct checksum appended.
pub fn with_checksum(mut body: Vec<u8>) -> Vec<u8> {
    let crc = super::format::checksum(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}
