//! Assembles a generated 100,000-line source (instructions, labels, local
//! labels, constants, expressions, macros and data); the target is < 1 s.

use aether_asm::{Options, assemble_in_memory};
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;

/// Number of source lines generated.
const LINES: usize = 100_000;

/// A source of exactly [`LINES`] lines mixing every kind of statement.
fn source() -> String {
    let mut s = String::from(".macro addk a, b\n    push \\a\n    addi \\b\n.endm\n");
    let mut i = 0;
    while s.lines().count() < LINES - 20 {
        let _ = write!(
            s,
            "; block {i}\n.const C{i} = {i} * 3 + 1\nf{i}:\n    push C{i} + 2\n    dup\n    \
             addk {i} & 0xff, -(C{i} % 7)\n.loop:\n    addi -1\n    dup\n    jnz .loop\n    \
             loadi d{i}\n    pushw C{i} << 8 | 0x5a\n    call f{i}\n    jmp .loop\n    \
             ret\n.data\nd{i}: .word {i}, C{i} << 2, f{i}, $\n    .string \"b{i}\"\n.code\n",
        );
        i += 1;
    }
    let have = s.lines().count();
    s.push_str("main:\n");
    for _ in have + 2..LINES {
        s.push_str("    nop\n");
    }
    s.push_str("    halt\n");
    s
}

fn bench(c: &mut Criterion) {
    let src = source();
    assert_eq!(src.lines().count(), LINES);
    let opts = Options::default();
    let files = [("bench.s", src.as_str())];
    let (image, _) = assemble_in_memory(&files, 1, &opts)
        .unwrap_or_else(|d| panic!("the generated source assembles:\n{}", d.render()));
    assert!(image.code.len() > LINES / 2);
    let mut group = c.benchmark_group("assemble");
    group.sample_size(10);
    group.bench_function("100k_lines", |b| {
        b.iter(|| assemble_in_memory(black_box(&files), 1, &opts).map(|(i, _)| i.code.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
