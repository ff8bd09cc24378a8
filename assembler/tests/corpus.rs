//! The corpus: one generated test per `tests/corpus/{ok,err}_*.s` file.
//!
//! Expectations are written in the files as comments:
//! - `; expect: 0x10000005 0x20000000` code words (all such lines, in order);
//! - `; expect-data: 1 2 3` data words (all such lines, in order);
//! - `; error: text` a diagnostic on this line whose message contains `text`,
//!   `; error@COL: text` the same at column COL;
//! - `; with: inc/a.s` link that file before this one;
//! - `; also: inc/b.s` also read `; error:` expectations from that file.
//!
//! `tests/corpus/inc` is the library search path (`-L`).

use aether_asm::{Options, assemble_with_listing};
use std::path::{Path, PathBuf};

fn directive<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let comment = &line[line.find(';')? + 1..];
    comment.trim_start().strip_prefix(key).map(str::trim)
}

fn parse_words(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .map(|w| {
            let w = w.trim_end_matches(',');
            match w.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16).expect("hex word"),
                None => w.parse::<i64>().expect("decimal word") as u32,
            }
        })
        .collect()
}

/// One expected diagnostic.
#[derive(Debug)]
struct Expected {
    file: PathBuf,
    line: usize,
    col: Option<usize>,
    text: String,
}

fn expectations(path: &Path, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = line.find(';').map(|p| line[p + 1..].trim_start()) else {
            continue;
        };
        let Some(rest) = comment.strip_prefix("error") else {
            continue;
        };
        let (col, msg) = match rest.strip_prefix('@') {
            Some(r) => {
                let (c, m) = r.split_once(':').expect("error@COL: text");
                (Some(c.trim().parse().expect("column")), m)
            }
            None => (None, rest.strip_prefix(':').expect("error: text")),
        };
        out.push(Expected {
            file: path.canonicalize().expect("corpus file"),
            line: i + 1,
            col,
            text: msg.trim().to_string(),
        });
    }
    out
}

fn check(path: &Path, text: String) -> datatest_stable::Result<()> {
    let dir = path.parent().expect("corpus dir");
    let mut files = Vec::new();
    let mut also = Vec::new();
    for line in text.lines() {
        if let Some(f) = directive(line, "with:") {
            files.push(dir.join(f));
        }
        if let Some(f) = directive(line, "also:") {
            also.push(dir.join(f));
        }
    }
    files.push(path.to_path_buf());
    let opts = Options {
        lib_dirs: vec![dir.join("inc")],
    };
    let result = assemble_with_listing(&files, &opts);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with("ok_") {
        let (image, _) = result.map_err(|d| format!("unexpected errors:\n{}", d.render()))?;
        let code: Vec<u32> = text
            .lines()
            .filter_map(|l| directive(l, "expect:"))
            .flat_map(parse_words)
            .collect();
        if code != image.code {
            return Err(format!(
                "code differs\nexpected {:08x?}\n     got {:08x?}",
                code, image.code
            )
            .into());
        }
        let data_lines: Vec<&str> = text
            .lines()
            .filter_map(|l| directive(l, "expect-data:"))
            .collect();
        let data: Vec<u32> = data_lines.iter().copied().flat_map(parse_words).collect();
        if data != image.data {
            return Err(format!(
                "data differs\nexpected {data:x?}\n     got {:x?}",
                image.data
            )
            .into());
        }
        return Ok(());
    }
    let diags = match result {
        Ok(_) => return Err("assembled without errors".into()),
        Err(d) => d,
    };
    let mut expected = expectations(path, &text);
    for f in files.iter().chain(&also).filter(|f| f.as_path() != path) {
        expected.extend(expectations(f, &std::fs::read_to_string(f)?));
    }
    let mut unmatched: Vec<String> = Vec::new();
    for d in diags.iter() {
        let file = Path::new(&d.file).canonicalize().ok();
        let hit = expected.iter().position(|e| {
            Some(&e.file) == file.as_ref()
                && e.line == d.line
                && e.col.is_none_or(|c| c == d.col)
                && d.message.contains(&e.text)
        });
        match hit {
            Some(i) => {
                expected.remove(i);
            }
            None => unmatched.push(d.to_string()),
        }
    }
    if !unmatched.is_empty() || !expected.is_empty() {
        return Err(format!(
            "unexpected diagnostics: {unmatched:#?}\nmissing: {expected:#?}\nrendered:\n{}",
            diags.render()
        )
        .into());
    }
    Ok(())
}

datatest_stable::harness! {
    { test = check, root = "tests/corpus", pattern = r"^(ok|err)_[^/]*\.s$" },
}
