//! Inputs that once aborted a binary (host stack overflow, failed allocation) now end with a
//! clear message and a documented exit code (docs/assembler.md, docs/report.md).

use aether_tests::binary;
use aether_tests::cosim_support::{aether_bin, scenario};
use std::process::{Command, Output};

/// The nesting limit documented in docs/assembler.md ("Expressions").
const MAX_DEPTH: usize = 256;

fn asm(dir: &std::path::Path, source: &str) -> Output {
    let path = dir.join("deep.s");
    std::fs::write(&path, source).expect("write source");
    Command::new(binary("aether-asm"))
        .arg(&path)
        .arg("-o")
        .arg(dir.join("deep.img"))
        .output()
        .expect("aether-asm runs")
}

fn push_program(expr: &str) -> String {
    format!(".entry main\nmain: push {expr}\n    halt\n")
}

/// `main: push ` is 11 characters, so the expression starts in column 12 of line 2.
const EXPR_AT: &str = "deep.s:2:12";

fn assert_too_deep(out: &Output, code: i32) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(
        stderr.contains(&format!(
            "expression nested more than {MAX_DEPTH} operators deep"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(EXPR_AT), "{stderr}");
}

#[test]
fn very_long_and_very_deep_expressions_are_errors_not_stack_overflows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sum = vec!["1"; 50_000].join("+");
    assert_too_deep(&asm(dir.path(), &push_program(&sum)), 1);
    let negations = format!("{}1", "-".repeat(100_000));
    assert_too_deep(&asm(dir.path(), &push_program(&negations)), 1);
    let parens = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let out = asm(dir.path(), &push_program(&parens));
    assert_eq!(out.status.code(), Some(0), "parentheses add no operator");

    let (_dir, path) = scenario(
        "deep.toml",
        "[programs.p]\nsources = [\"deep.s\"]\n[[nodes]]\nprogram = \"p\"\n",
        &[("deep.s", &push_program(&sum))],
    );
    let out = Command::new(aether_bin())
        .arg("run")
        .arg(&path)
        .output()
        .expect("aether runs");
    assert_too_deep(&out, 2);
}

#[test]
fn the_depth_limit_is_exact() {
    let dir = tempfile::tempdir().expect("temp dir");
    // `-` applied MAX_DEPTH times to 1 is 1 (an even count) and fits; one more is refused.
    let at_limit = format!("{}1", "-".repeat(MAX_DEPTH));
    let out = asm(dir.path(), &push_program(&at_limit));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let over = format!("{}1", "-".repeat(MAX_DEPTH + 1));
    assert_too_deep(&asm(dir.path(), &push_program(&over)), 1);
}

/// 512 nodes of 16,777,216 words each (64 MiB) write their last word under a 400 MB address
/// space limit: most cannot get their memory from the host and fault with `host_memory`.
#[test]
fn memory_the_host_cannot_give_is_a_fault_not_an_abort() {
    const WORDS: u64 = 16_777_216;
    let (_dir, path) = scenario(
        "big.toml",
        &format!(
            "[programs.p]\nsources = [\"top.s\"]\n[defaults]\nmemory = {WORDS}\n\
             [[grids]]\nwidth = 32\nheight = 16\nprogram = \"p\"\n"
        ),
        &[(
            "top.s",
            &format!(
                ".entry main\nmain:\n    push 1\n    storei {}\n    halt\n",
                WORDS - 1
            ),
        )],
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 400000 && exec "$0" run "$1" --json"#)
        .arg(aether_bin())
        .arg(&path)
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let mib = WORDS * 4 / (1 << 20);
    assert!(
        stderr.contains(&format!(
            "the host could not allocate {WORDS} words ({mib} MiB) of node memory"
        )),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let faults = report["faults"].as_array().expect("faults");
    assert!(!faults.is_empty());
    assert!(
        faults.iter().all(|f| f["kind"] == "host_memory"),
        "{faults:?}"
    );
    assert_eq!(report["nodes"].as_array().map(Vec::len), Some(512));
}
