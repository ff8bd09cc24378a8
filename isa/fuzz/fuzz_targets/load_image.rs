//! Feeds arbitrary bytes to the image loader: it must never panic, and an
//! image it accepts must serialize back to exactly the bytes it was read from.

#![no_main]

use aether_isa::Image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(image) = Image::from_bytes(bytes) {
        assert_eq!(image.to_bytes(), bytes, "accepted image is not canonical");
    }
});
