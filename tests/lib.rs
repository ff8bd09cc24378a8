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

/// Path of a workspace binary (`aether` or `aether-asm`), built once per test process
/// with the profile and into the target folder of the running test.
///
/// The build asks for the workspace's test targets, so it resolves dependency
/// features exactly as `cargo test --workspace` does: under that command it is
/// a no-op, and under `cargo test -p aether-tests` it builds fresh binaries.
/// Under `cargo test --release` it builds and returns the release binaries.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir: &Path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let (target_dir, profile) = profile_of(profile_dir);
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "-q",
                "--workspace",
                "--tests",
                "--profile",
                &profile,
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the workspace binaries failed");
    });
    profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The target folder and the cargo profile whose output folder is `profile_dir`
/// (`target/debug` holds the `dev` profile; every other profile has a folder of its name).
pub fn profile_of(profile_dir: &Path) -> (PathBuf, String) {
    let folder = profile_dir
        .file_name()
        .and_then(|f| f.to_str())
        .expect("a profile folder name");
    let profile = if folder == "debug" { "dev" } else { folder };
    let target = profile_dir.parent().expect("a target folder").to_path_buf();
    (target, profile.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_folder_names_its_profile() {
        let cases = [
            ("/w/target/debug", "/w/target", "dev"),
            ("/w/target/release", "/w/target", "release"),
            ("/elsewhere/bench", "/elsewhere", "bench"),
        ];
        for (dir, target, profile) in cases {
            assert_eq!(
                profile_of(Path::new(dir)),
                (PathBuf::from(target), profile.to_string())
            );
        }
    }

    #[test]
    fn the_binary_sits_beside_the_running_test_and_is_fresh() {
        let exe = std::env::current_exe().expect("test executable path");
        let aether = binary("aether");
        assert_eq!(aether.parent(), exe.parent().and_then(Path::parent));
        let built = std::fs::metadata(&aether).and_then(|m| m.modified());
        let source =
            std::fs::metadata(workspace_root().join("cosim/src/lib.rs")).and_then(|m| m.modified());
        assert!(built.expect("the binary exists") >= source.expect("the source exists"));
    }
}
