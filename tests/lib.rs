//! Shared helpers for aether's acceptance tests.

pub mod cosim_support;
pub mod fw_support;
pub mod qec_support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Size of the default packet header in bits (docs/network.md).
pub const HEADER_BITS: u64 = 160;

/// Bits of a packet with the default header and `words` payload words (docs/network.md).
pub fn packet_bits(words: u64) -> u64 {
    HEADER_BITS + 32 * words
}

/// Serialization time of `bits` on a link of `bits_per_second`:
/// `ceil(bits × 10^15 / W)` femtoseconds (docs/network.md).
pub fn serialization_fs(bits: u64, bits_per_second: u64) -> u64 {
    let fs = (u128::from(bits) * 1_000_000_000_000_000).div_ceil(u128::from(bits_per_second));
    u64::try_from(fs).expect("serialization time fits in u64 femtoseconds")
}

/// Path of a workspace binary (`aether` or `aether-asm`), built once per test process.
///
/// The build asks for the workspace's test targets, so it resolves dependency
/// features exactly as `cargo test --workspace` does: under that command it is
/// a no-op, and under `cargo test -p aether-tests` it builds fresh binaries.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "--workspace", "--tests"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the workspace binaries failed");
    });
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir: &Path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}
