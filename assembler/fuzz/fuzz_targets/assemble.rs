//! Fuzzes the whole assembler on arbitrary source text: it must never panic,
//! and whatever assembles must survive disassembly and re-assembly unchanged.
#![no_main]

use aether_asm::{Options, assemble_in_memory};
use aether_isa::disasm::disassemble;
use libfuzzer_sys::fuzz_target;

/// A library file the fuzzed source may include or import.
const LIB: &str = ".const LIBC = 7\n.macro twice x\n    push \\x\n    push \\x\n.endm\nlibf:\n    ret\n";

/// Largest image (code plus data words) that is disassembled and re-assembled.
const MAX_ROUND_TRIP_WORDS: usize = 1 << 16;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let files = [("main.s", source.as_ref()), ("lib.s", LIB)];
    let opts = Options::default();
    let Ok((image, listing)) = assemble_in_memory(&files, 1, &opts) else {
        return;
    };
    // Huge images (`.space` of millions of words) are valid but slow to
    // round-trip; the property is the same on small ones.
    if image.code.len() + image.data.len() > MAX_ROUND_TRIP_WORDS {
        return;
    }
    let _ = listing.render();
    let text = disassemble(&image);
    let again = assemble_in_memory(&[("dis.s", text.as_str())], 1, &opts)
        .unwrap_or_else(|d| panic!("disassembly does not assemble:\n{text}\n{}", d.render()));
    assert_eq!(again.0, image, "round trip differs:\n{text}");
    let loaded = aether_isa::Image::from_bytes(&image.to_bytes())
        .unwrap_or_else(|e| panic!("the loader rejects an assembled image: {e}"));
    assert_eq!(loaded, image);
});
