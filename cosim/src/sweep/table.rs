//! Sweep outputs: `sweep.csv`, `sweep.jsonl` (one row per run, columns in a fixed order)
//! and `sweep.json` (the grid), written the same whatever the workers or shards.

use std::path::Path;

use serde_json::{Map, Value};

/// The file names a sweep writes in its output folder.
pub const CSV: &str = "sweep.csv";
/// One JSON object per run.
pub const JSONL: &str = "sweep.jsonl";
/// The grid: scenario, swept keys and values, runs and columns.
pub const MANIFEST: &str = "sweep.json";

fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The CSV text of a table: a header line, then one line per row.
pub fn csv(header: &[String], rows: &[Vec<Value>]) -> String {
    let mut out = header.join(",") + "\n";
    for row in rows {
        out += &row.iter().map(csv_cell).collect::<Vec<_>>().join(",");
        out.push('\n');
    }
    out
}

/// The JSON lines of a table: one object per row, keys in header order.
pub fn jsonl(header: &[String], rows: &[Vec<Value>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = header
            .iter()
            .zip(row)
            .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), v))
            .collect();
        out += &format!("{{{}}}\n", fields.join(","));
    }
    out
}

/// Writes the manifest, the CSV and the JSON lines into `dir` (created if missing).
pub fn write(
    dir: &Path,
    manifest: &Value,
    header: &[String],
    rows: &[Vec<Value>],
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let files = [
        (
            MANIFEST,
            serde_json::to_string_pretty(manifest).unwrap_or_default() + "\n",
        ),
        (CSV, csv(header, rows)),
        (JSONL, jsonl(header, rows)),
    ];
    for (name, text) in files {
        let file = dir.join(name);
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

/// The column names a manifest lists.
pub fn columns(manifest: &Value) -> Option<Vec<String>> {
    let names = manifest["columns"].as_array()?;
    Some(
        names
            .iter()
            .filter_map(|s| s.as_str().map(String::from))
            .collect(),
    )
}

/// Reads a sweep folder back: its manifest and its rows (in the manifest's column order).
pub fn read(dir: &Path) -> Result<(Value, Vec<Vec<Value>>), String> {
    let text = |name: &str| {
        let file = dir.join(name);
        std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
    };
    let manifest: Value = serde_json::from_str(&text(MANIFEST)?)
        .map_err(|e| format!("{}: {e}", dir.join(MANIFEST).display()))?;
    let header = columns(&manifest)
        .ok_or_else(|| format!("{}: no `columns`", dir.join(MANIFEST).display()))?;
    let mut rows = Vec::new();
    for (n, line) in text(JSONL)?.lines().enumerate() {
        let bad = |e: String| format!("{}:{}: {e}", dir.join(JSONL).display(), n + 1);
        let object: Map<String, Value> =
            serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let row = header
            .iter()
            .map(|k| {
                object
                    .get(k)
                    .cloned()
                    .ok_or_else(|| bad(format!("no `{k}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(row);
    }
    Ok((manifest, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_quotes_only_what_needs_it_and_jsonl_keeps_the_order() {
        let header = vec!["run".to_string(), "b".to_string(), "a".to_string()];
        let rows = vec![
            vec![json!(0), json!("x,\"y\""), Value::Null],
            vec![json!(1), json!(2.5), json!("z")],
        ];
        assert_eq!(
            csv(&header, &rows),
            "run,b,a\n0,\"x,\"\"y\"\"\",\n1,2.5,z\n"
        );
        assert_eq!(
            jsonl(&header, &rows),
            "{\"run\":0,\"b\":\"x,\\\"y\\\"\",\"a\":null}\n{\"run\":1,\"b\":2.5,\"a\":\"z\"}\n"
        );
    }
}
