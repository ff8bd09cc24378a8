//! Disassembly of program images back to re-assemblable source.
