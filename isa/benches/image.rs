//! Loading (`Image::from_bytes`, with full validation) and writing a
//! 1,000,000-word program image.

use aether_isa::{
    Entry, INSTRUCTIONS, Image, Instruction, OperandKind, SourceLoc, SourceMap, Symbol, SymbolKind,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CODE_WORDS: usize = 1_000_000;

/// A valid image with 1,000,000 code words cycling through every instruction,
/// a source location every 4 words and a code symbol every 100.
fn big_image() -> Image {
    let mut code = Vec::with_capacity(CODE_WORDS + 1);
    let mut starts = Vec::new();
    let mut i = 0;
    while code.len() < CODE_WORDS {
        let info = &INSTRUCTIONS[i % INSTRUCTIONS.len()];
        let operand = match info.operand {
            OperandKind::None => 0,
            _ => (i % 1000) as i64,
        };
        starts.push(code.len() as u32);
        Instruction::new(info.opcode, operand)
            .expect("operands below 1000 fit every kind")
            .encode_into(&mut code);
        i += 1;
    }
    let locs = starts
        .iter()
        .step_by(4)
        .enumerate()
        .map(|(n, &addr)| SourceLoc {
            addr,
            file: (n % 8) as u32,
            line: n as u32 + 1,
            col: 1,
        })
        .collect();
    let symbols = starts
        .iter()
        .step_by(100)
        .enumerate()
        .map(|(n, &addr)| Symbol {
            name: format!("label_{n}"),
            kind: SymbolKind::Code,
            value: addr,
        })
        .collect();
    Image {
        addressing: aether_isa::Addressing::Narrow,
        code,
        data: vec![0; 4096],
        entries: vec![Entry {
            name: "main".into(),
            addr: 0,
        }],
        symbols,
        source_map: SourceMap {
            files: (0..8).map(|f| format!("src/file{f}.s")).collect(),
            locs,
        },
        msg_types: Vec::new(),
    }
}

fn image(c: &mut Criterion) {
    let image = big_image();
    let bytes = image.to_bytes();
    let mut group = c.benchmark_group("image_1m_words");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("from_bytes", |b| {
        b.iter(|| Image::from_bytes(std::hint::black_box(&bytes)).expect("valid image"))
    });
    group.bench_function("to_bytes", |b| {
        b.iter(|| std::hint::black_box(&image).to_bytes())
    });
    group.finish();
}

criterion_group!(benches, image);
criterion_main!(benches);
