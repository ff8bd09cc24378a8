//! Every program in `programs/examples/*/`: its `.s` files are linked
//! together (with `-L programs/lib`); the listing and the disassembly are
//! pinned by golden files in the program's `golden/` folder, and the
//! disassembly re-assembles to a byte-identical image.
//!
//! Run with `UPDATE_GOLDENFILES=1` to accept new golden files.

use aether_asm::{Options, assemble_files, assemble_with_listing};
use aether_isa::disasm::disassemble;
use goldenfile::Mint;
use std::io::Write;
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The `.s` files of each example folder, sorted, as paths relative to the root.
fn examples() -> Vec<(String, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let dir = Path::new("programs/examples");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("programs/examples")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .expect("example folder")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "s"))
            .collect();
        files.sort();
        if files.is_empty() {
            continue;
        }
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("folder name")
            .to_string();
        out.push((name, files));
    }
    out
}

#[test]
fn examples_match_goldens_and_round_trip() {
    std::env::set_current_dir(workspace_root()).expect("cd to the workspace root");
    let opts = Options {
        lib_dirs: vec![PathBuf::from("programs/lib")],
    };
    let all = examples();
    assert!(all.len() >= 3, "expected at least three example programs");
    let tmp = tempfile::tempdir().expect("temp dir");
    for (name, files) in all {
        let (image, listing) = assemble_with_listing(&files, &opts)
            .unwrap_or_else(|d| panic!("{name} does not assemble:\n{}", d.render()));
        let dis = disassemble(&image);

        let golden_dir = Path::new("programs/examples").join(&name).join("golden");
        if std::env::var_os("UPDATE_GOLDENFILES").is_none() {
            for ext in ["lst", "dis"] {
                let path = golden_dir.join(format!("{name}.{ext}"));
                assert!(
                    path.is_file(),
                    "{} is missing: create it with `UPDATE_GOLDENFILES=1 cargo test -p aether-asm --test examples` and review it",
                    path.display()
                );
            }
        }
        let mut mint = Mint::new(&golden_dir);
        let mut lst = mint
            .new_goldenfile(format!("{name}.lst"))
            .expect("golden listing");
        lst.write_all(listing.render().as_bytes())
            .expect("write listing");
        let mut golden_dis = mint
            .new_goldenfile(format!("{name}.dis"))
            .expect("golden disassembly");
        golden_dis
            .write_all(dis.as_bytes())
            .expect("write disassembly");

        let dis_path = tmp.path().join(format!("{name}.dis.s"));
        std::fs::write(&dis_path, &dis).expect("write disassembly");
        let again = assemble_files(&[dis_path], &opts)
            .unwrap_or_else(|d| panic!("{name}: disassembly does not assemble:\n{}", d.render()));
        assert_eq!(again, image, "{name}: re-assembled image differs");
        assert_eq!(
            again.to_bytes(),
            image.to_bytes(),
            "{name}: image bytes differ"
        );
        let loaded =
            aether_isa::Image::from_bytes(&image.to_bytes()).expect("the loader accepts it");
        assert_eq!(loaded, image, "{name}: loader round trip differs");
        assert!(!image.entries.is_empty(), "{name}: no entry point");
    }
}
