//! The commands of README.md and docs/tutorial.md, run as written (with the debug binaries
//! and output files in a temporary folder): each succeeds, and a `text` block right after
//! a command is exactly what the command prints.

use aether_tests::{binary, workspace_root};
use std::process::Command;

/// (language, body) of every fenced block of `text`, and whether only blank lines
/// separate it from the block before.
fn blocks(text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    let mut adjacent = false;
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            adjacent &= line.trim().is_empty();
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        out.push((lang.to_string(), body.join("\n") + "\n", adjacent));
        adjacent = true;
    }
    out
}

/// The binary and arguments of a documented command, or `None` for `cargo test`.
fn command(line: &str, out_dir: &std::path::Path) -> Option<Command> {
    const RUNS: [(&str, &str); 2] = [
        (
            "cargo run --release -p aether-cosim --bin aether -- ",
            "aether",
        ),
        ("cargo run --release -p aether-asm -- ", "aether-asm"),
    ];
    if line.starts_with("cargo test") {
        return None;
    }
    let (prefix, bin) = RUNS
        .iter()
        .find(|(prefix, _)| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("a command the docs check does not know: {line}"));
    assert!(
        !line.contains(['"', '\'']),
        "quoting is not supported: {line}"
    );
    let mut cmd = Command::new(binary(bin));
    cmd.current_dir(workspace_root());
    let mut words = line[prefix.len()..].split_whitespace();
    while let Some(word) = words.next() {
        cmd.arg(word);
        if word == "-o" || word == "--out" {
            let file = words.next().expect("a path after -o / --out");
            cmd.arg(out_dir.join(file.replace('/', "_")));
        }
    }
    Some(cmd)
}

fn check(doc: &str) {
    let text = std::fs::read_to_string(workspace_root().join(doc)).expect("the doc");
    let out_dir = tempfile::tempdir().expect("temp dir");
    let found = blocks(&text);
    let mut ran = 0;
    for (i, (lang, body, _)) in found.iter().enumerate() {
        if lang != "sh" {
            continue;
        }
        let line = body.replace("\\\n", " ");
        let Some(mut cmd) = command(line.trim(), out_dir.path()) else {
            continue;
        };
        let out = cmd.output().expect("the binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{doc}: `{}` failed: {}{stdout}",
            line.trim(),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some((next_lang, shown, true)) = found.get(i + 1)
            && next_lang == "text"
        {
            assert_eq!(&stdout, shown, "{doc}: what `{}` prints", line.trim());
        }
        ran += 1;
    }
    assert!(ran > 0, "{doc} shows no command");
}

#[test]
fn the_readme_commands_run() {
    check("README.md");
}

#[test]
fn the_tutorial_commands_run_and_print_what_it_shows() {
    check("docs/tutorial.md");
}
