//! The real `aether-asm` binary: assembling, listing, JSON dump, disassembly,
//! library search, diagnostics and exit codes.

use aether_tests::{binary, workspace_root};
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The real `aether-asm`, run from the workspace root.
fn asm() -> Command {
    let mut cmd = Command::new(binary("aether-asm"));
    cmd.current_dir(workspace_root());
    cmd
}

const FACTORIAL: &str = "programs/examples/factorial/factorial.s";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write source");
    path
}

fn assemble_to(dir: &Path, sources: &[&str]) -> PathBuf {
    let out = dir.join("out.img");
    asm().args(sources).arg("-o").arg(&out).assert().success();
    out
}

#[test]
fn assembles_an_example_into_a_loadable_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    let img = assemble_to(dir.path(), &[FACTORIAL]);
    let image = aether_isa::Image::load(&img).expect("the loader accepts the image");
    assert_eq!(image.entry("main"), Some(0));
    // `push 0` then `dup`: opcodes 0x10 and 0x02 in bits 31..24.
    assert_eq!(&image.code[..2], &[0x1000_0000, 0x0200_0000]);
}

#[test]
fn listing_shows_address_encoding_and_source() {
    asm()
        .args([FACTORIAL, "--listing"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "C 000000  10000000                    programs/examples/factorial/factorial.s:10   push 0",
        ));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("f.lst");
    asm()
        .args([FACTORIAL, "--listing-file"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&file).expect("listing written");
    assert!(text.contains("pushw FACT_12"), "{text}");
}

#[test]
fn emit_json_dumps_the_image() {
    let out = asm()
        .args([FACTORIAL, "--emit", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    // The entry and the `.const` symbols of the source, with their values.
    assert_eq!(
        json["entries"],
        serde_json::json!([{"name": "main", "addr": 0}])
    );
    let symbol = |name: &str| {
        json["symbols"]
            .as_array()
            .expect("symbols")
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no symbol {name}"))
    };
    let fact_12: u64 = (1..=12).product();
    assert_eq!(
        symbol("FACT_12"),
        serde_json::json!({"name": "FACT_12", "kind": "const", "value": fact_12})
    );
    assert_eq!(symbol("LAST")["value"], 12);
    // Code words as numbers: the first is `push 0` (opcode 0x10).
    assert_eq!(json["code"][0], 0x1000_0000);
}

#[test]
fn disassembly_reassembles_to_identical_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let img = assemble_to(
        dir.path(),
        &[
            "programs/examples/dispatch/handlers.s",
            "programs/examples/dispatch/main.s",
        ],
    );
    let dis = asm()
        .arg("disasm")
        .arg(&img)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let flag = asm()
        .arg("--disassemble")
        .arg(&img)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(dis, flag, "`disasm` and `--disassemble` agree");
    let dis_path = dir.path().join("dis.s");
    std::fs::write(&dis_path, &dis).expect("write disassembly");
    let again = dir.path().join("again.img");
    asm()
        .arg(&dis_path)
        .arg("-o")
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&img).expect("image"),
        std::fs::read(&again).expect("image again")
    );
}

#[test]
fn library_dirs_are_searched_in_order_after_the_files_own_dir() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib1 = dir.path().join("lib1");
    let lib2 = dir.path().join("lib2");
    std::fs::create_dir_all(&lib1).expect("lib1");
    std::fs::create_dir_all(&lib2).expect("lib2");
    write(&lib1, "k.s", ".const K = 1\n");
    write(&lib2, "k.s", ".const K = 2\n");
    write(&lib2, "only2.s", ".const J = 3\n");
    let main = write(
        dir.path(),
        "main.s",
        ".include \"k.s\"\n.include \"only2.s\"\nmain:\n    push K + J\n    halt\n",
    );
    let out = dir.path().join("m.img");
    asm()
        .arg(&main)
        .arg("-L")
        .arg(&lib1)
        .arg("-L")
        .arg(&lib2)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let image = aether_isa::Image::load(&out).expect("image");
    // K from lib1 (searched first) plus J from lib2: push 4.
    assert_eq!(image.code[0], 0x1000_0004);
}

#[test]
fn errors_name_file_line_and_column_with_a_snippet_and_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = write(
        dir.path(),
        "bad.s",
        "main:\n    frob 1\n    push 1 # 2\n    jmp nowhere\n    halt\n",
    );
    asm()
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.s:2:5"))
        .stderr(predicate::str::contains("unknown mnemonic or macro `frob`"))
        .stderr(predicate::str::contains("bad.s:3:12"))
        .stderr(predicate::str::contains("unexpected character"))
        .stderr(predicate::str::contains("bad.s:4:9"))
        .stderr(predicate::str::contains("undefined symbol `nowhere`"))
        .stderr(predicate::str::contains("4 │     jmp nowhere"))
        .stderr(predicate::str::contains("aborting due to 3 errors"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    asm().assert().code(2);
    asm()
        .args(["no/such/file.s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.s"));
    asm()
        .args([FACTORIAL, "-o", "/no/such/dir/out.img"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
    asm()
        .args(["disasm", "/no/such/image.img"])
        .assert()
        .code(2);
}

#[test]
fn corrupt_images_are_rejected_by_disasm_with_the_loaders_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let img = assemble_to(dir.path(), &[FACTORIAL]);
    let bytes = std::fs::read(&img).expect("image");
    let truncated = dir.path().join("truncated.img");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    let flipped_path = dir.path().join("flipped.img");
    std::fs::write(&flipped_path, &flipped).expect("write");
    for bad in [&truncated, &flipped_path] {
        asm()
            .arg("disasm")
            .arg(bad)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is not a valid image"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn help_documents_every_option() {
    let help = asm()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(help).expect("utf-8");
    for needle in [
        "-L",
        "--output",
        "--listing",
        "--listing-file",
        "--emit",
        "--disassemble",
        "disasm",
        "Exit status",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn an_error_in_a_macro_body_is_shown_once_with_a_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Line 5 holds the first of 50 invocations; lines 6.. hold the other 49.
    let mut text = String::from(".macro bad\n    push nowhere\n.endm\nmain:\n");
    text.push_str(&"    bad\n".repeat(50));
    text.push_str("    halt\n");
    write(dir.path(), "m.s", &text);
    let out = asm()
        .current_dir(dir.path())
        .arg("m.s")
        .output()
        .expect("aether-asm runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.matches("undefined symbol `nowhere`").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("m.s:5:5"), "{stderr}");
    assert!(
        stderr.contains("... and 49 more like this (at m.s:6:5, m.s:7:5, m.s:8:5, ...)"),
        "{stderr}"
    );
}

#[test]
fn no_cascade_error_follows_a_real_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = write(dir.path(), "add.s", ".entry main\nmain:\n    add 1\n");
    asm()
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("add.s:3:9"))
        .stderr(predicate::str::contains("`add` takes no operand"))
        .stderr(predicate::str::contains("entry point").not())
        .stderr(predicate::str::contains("not valid").not())
        .stderr(predicate::str::contains("aborting due to 1 error"));
}

#[test]
fn an_unknown_directive_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = write(
        dir.path(),
        "d.s",
        "main:\n    .frobnicate 3\n    .frob\n    halt\n",
    );
    asm()
        .arg(&src)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("d.s:2:5"))
        .stderr(predicate::str::contains(
            "unknown directive `.frobnicate`; the directives are .code, .data, .word",
        ))
        .stderr(predicate::str::contains("d.s:3:5"))
        .stderr(predicate::str::contains("unknown directive `.frob`"))
        .stderr(predicate::str::contains("aborting due to 2 errors"));
}

#[test]
fn a_directory_is_not_a_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    asm()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn a_device_is_not_a_source() {
    asm()
        .arg("/dev/zero")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/zero"))
        .stderr(predicate::str::contains("is not a regular file"));
}

#[test]
fn message_ids_stop_where_the_image_format_stops() {
    // docs/image-format.md: message-type ids are at most 0x7ffffffe.
    let dir = tempfile::tempdir().expect("temp dir");
    let ok = write(dir.path(), "ok.s", ".msg M = 0x7FFFFFFE\nmain:\n    halt\n");
    asm()
        .arg(&ok)
        .arg("-o")
        .arg(dir.path().join("ok.img"))
        .assert()
        .success();
    let bad = write(
        dir.path(),
        "bad.s",
        ".msg M = 0x7FFFFFFF\nmain:\n    halt\n",
    );
    asm()
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.s:1:6"))
        .stderr(predicate::str::contains(
            "message type id 2147483647 (0x7fffffff) is not between 0 and 0x7ffffffe",
        ))
        .stderr(predicate::str::contains("not valid").not());
}
