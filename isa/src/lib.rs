//! aether ISA v1: the stack CPU's instructions, their encoding, timing
//! profiles and the program image.

pub mod addressing;
pub mod disasm;
pub mod encoding;
pub mod image;
pub mod opcode;
pub mod profile;
pub mod reference;

pub use addressing::Addressing;
pub use encoding::{DecodeError, EncodeError, Instruction};
pub use image::{Entry, Image, ImageError, MsgType, SourceLoc, SourceMap, Symbol, SymbolKind};
pub use opcode::{Group, INSTRUCTIONS, InstrInfo, Opcode, OperandKind};
pub use profile::{ProfileError, TimingProfile};
