//! Like `load_image`, but first overwrites the last four bytes with the
//! CRC-32 of the bytes before them (the algorithm docs/image-format.md
//! specifies), so that mutations reach the section parser and the semantic
//! checks instead of stopping at the checksum.

#![no_main]

use aether_isa::Image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut bytes = input.to_vec();
    if bytes.len() >= 4 {
        let body = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..body]);
        bytes[body..].copy_from_slice(&crc.to_le_bytes());
    }
    if let Ok(image) = Image::from_bytes(&bytes) {
        assert_eq!(image.to_bytes(), bytes, "accepted image is not canonical");
    }
});
