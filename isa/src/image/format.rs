//! The binary encoding of program images (see `docs/image-format.md`).
