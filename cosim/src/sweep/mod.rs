//! `aether sweep`: a scenario run over the cartesian product of swept keys (docs/sizing.md),
//! one row of headline figures per run, in parallel, the same whatever the workers.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::report::Report;
use crate::scenario::{Assembler, Scenario};
use crate::sim::Stepping;

pub mod axis;
pub mod columns;
pub mod frontier;
pub mod heatmap;
pub mod images;
pub mod path;
pub mod plot;
pub mod table;

pub use axis::Axis;
pub use columns::COLUMNS;
pub use images::Images;

/// A scenario and the keys swept over it; runs are numbered with the first key varying
/// slowest.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The scenario file as given.
    pub scenario: PathBuf,
    /// The swept keys (`--seeds N` adds the key `seed` last).
    pub axes: Vec<Axis>,
}

/// One key set to one value.
pub type Setting = (String, toml::Value);

/// Reads `path` and sets `settings` in its TOML tree before the normal parsing and checks.
pub fn load(
    path: &Path,
    settings: &[Setting],
    assemble: Assembler<'_>,
) -> Result<Scenario, String> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
    let text = if settings.is_empty() {
        text
    } else {
        let mut tree: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("{file}: {}", e.to_string().trim_end()))?;
        for (key, value) in settings {
            path::set(&mut tree, key, value.clone())
                .map_err(|e| format!("{file}: --set {key}: {e}"))?;
        }
        toml::to_string(&tree).map_err(|e| format!("{file}: {e}"))?
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    Scenario::parse(&text, &file, dir, assemble).map_err(|e| e.to_string())
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Completed, no node faulted, every check passed.
    Ok,
    /// Completed and some node faulted.
    Faulted,
    /// Completed and a decoding check failed.
    Failed,
    /// Could not be built or run.
    Error,
}

impl Status {
    /// The status as written in the `status` column.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Faulted => "faulted",
            Status::Failed => "failed",
            Status::Error => "error",
        }
    }
}

/// The result of one run: its report as JSON (none when it could not run).
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The run seed used.
    pub seed: Option<u64>,
    /// How it ended.
    pub status: Status,
    /// The report, as `aether run --json` prints it.
    pub report: Option<Value>,
    /// The first fault, failed check or error.
    pub error: Option<String>,
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Loads the scenario with `settings`, runs it to its end, and reads its report.
pub fn run(path: &Path, settings: &[Setting], assemble: Assembler<'_>) -> RunResult {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let scenario = load(path, settings, assemble)?;
        let seed = scenario.seed;
        let mut sim = scenario
            .build(seed, None, Stepping::RunAhead)
            .map_err(|e| e.to_string())?;
        let outcome = sim.run();
        let mut report = Report::new(&path.display().to_string(), seed, &sim, &outcome, &|id| {
            scenario.label(id)
        });
        report.decoding = scenario.decoding.as_ref().map(|w| w.check(&sim));
        serde_json::to_value(&report).map_err(|e| e.to_string())
    }));
    let report = match attempt {
        Ok(Ok(report)) => report,
        Ok(Err(message)) => return errored(message),
        Err(payload) => return errored(format!("panic: {}", panic_text(&*payload))),
    };
    let first = |v: &Value| v.as_array().and_then(|a| a.first()).cloned();
    let fault = first(&report["faults"]).map(|f| {
        let node = &f["node"];
        let message = f["message"].as_str().unwrap_or_default();
        format!("node {node}: {message}")
    });
    let failure = first(&report["decoding"]["failures"])
        .map(|f| f.as_str().map_or(f.to_string(), String::from));
    let (status, error) = match (fault, failure) {
        (Some(f), _) => (Status::Faulted, Some(f)),
        (None, Some(f)) => (Status::Failed, Some(f)),
        (None, None) => (Status::Ok, None),
    };
    RunResult {
        seed: report["seed"].as_u64(),
        status,
        report: Some(report),
        error,
    }
}

fn errored(message: String) -> RunResult {
    RunResult {
        seed: None,
        status: Status::Error,
        report: None,
        error: Some(message),
    }
}

impl Grid {
    /// A grid over `axes`; `seeds` adds the key `seed` with `N` values from the scenario's
    /// own seed on. A key may be swept once.
    pub fn new(scenario: &Path, mut axes: Vec<Axis>, seeds: Option<u64>) -> Result<Grid, String> {
        for (i, a) in axes.iter().enumerate() {
            if axes[..i].iter().any(|b| b.key == a.key) {
                return Err(format!("--set {}: the key is swept twice", a.key));
            }
        }
        if let Some(n) = seeds {
            if axes.iter().any(|a| a.key == "seed") {
                return Err("--seeds: the key `seed` is already swept by --set".to_string());
            }
            if n == 0 {
                return Err("--seeds: must be at least 1".to_string());
            }
            let file = scenario.display();
            let text = std::fs::read_to_string(scenario)
                .map_err(|e| format!("{file}: cannot read: {e}"))?;
            let tree: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| format!("{file}: {}", e.to_string().trim_end()))?;
            let base = match tree.get("seed") {
                None => 0,
                Some(toml::Value::Integer(s)) if *s >= 0 => *s,
                Some(_) => return Err(format!("{file}: seed: not a non-negative integer")),
            };
            let values = (0..n)
                .map(|i| {
                    i64::try_from(i)
                        .ok()
                        .and_then(|i| base.checked_add(i))
                        .map(toml::Value::Integer)
                })
                .collect::<Option<Vec<_>>>()
                .ok_or("--seeds: the seeds overflow")?;
            axes.push(Axis {
                key: "seed".to_string(),
                values,
            });
        }
        Ok(Grid {
            scenario: scenario.to_path_buf(),
            axes,
        })
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product()
    }

    /// Whether the grid has no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of each key's value in run `index` (the last key varies fastest).
    pub fn indices(&self, index: usize) -> Vec<usize> {
        let mut rest = index;
        let mut out: Vec<usize> = self
            .axes
            .iter()
            .rev()
            .map(|a| {
                let i = rest % a.values.len();
                rest /= a.values.len();
                i
            })
            .collect();
        out.reverse();
        out
    }

    /// The settings of run `index`.
    pub fn point(&self, index: usize) -> Vec<Setting> {
        self.axes
            .iter()
            .zip(self.indices(index))
            .map(|(a, i)| (a.key.clone(), a.values[i].clone()))
            .collect()
    }

    /// The swept keys shown as columns (`seed` has its own column).
    fn key_columns(&self) -> Vec<&str> {
        self.axes
            .iter()
            .map(|a| a.key.as_str())
            .filter(|k| *k != "seed")
            .collect()
    }

    /// The column names: `run`, `seed`, the swept keys, `status`, the headline figures, `error`.
    pub fn header(&self) -> Vec<String> {
        let mut h = vec!["run".to_string(), "seed".to_string()];
        h.extend(self.key_columns().iter().map(|k| k.to_string()));
        h.push("status".to_string());
        h.extend(COLUMNS.iter().map(|c| c.name.to_string()));
        h.push("error".to_string());
        h
    }

    /// The row of run `index`.
    pub fn row(&self, index: usize, result: &RunResult) -> Vec<Value> {
        self.row_of(index, &self.point(index), result)
    }

    /// The row of a run numbered `index` with `point`'s settings (a grid run or one added by
    /// the deadline search).
    pub fn row_of(&self, index: usize, point: &[Setting], result: &RunResult) -> Vec<Value> {
        let mut row = vec![json!(index), result.seed.map_or(Value::Null, Value::from)];
        for key in self.key_columns() {
            let value = point.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            row.push(value.map_or(Value::Null, |v| {
                serde_json::to_value(v).unwrap_or(Value::Null)
            }));
        }
        row.push(json!(result.status.name()));
        for c in COLUMNS {
            row.push(result.report.as_ref().map_or(Value::Null, |r| c.read(r)));
        }
        row.push(result.error.as_deref().map_or(Value::Null, Value::from));
        row
    }

    /// The grid a `sweep.json` records.
    pub fn from_manifest(manifest: &Value) -> Option<Grid> {
        let axes = manifest["axes"]
            .as_array()?
            .iter()
            .map(|a| {
                let values = a["values"].as_array()?;
                Some(Axis {
                    key: a["key"].as_str()?.to_string(),
                    values: values
                        .iter()
                        .map(|v| serde_json::from_value(v.clone()).ok())
                        .collect::<Option<Vec<_>>>()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Grid {
            scenario: PathBuf::from(manifest["scenario"].as_str()?),
            axes,
        })
    }

    /// The grid as `sweep.json` records it (the same for every shard).
    pub fn manifest(&self) -> Value {
        json!({
            "scenario": self.scenario.display().to_string(),
            "axes": self.axes.iter().map(|a| json!({
                "key": a.key,
                "values": a.values.iter().map(|v| serde_json::to_value(v).unwrap_or(Value::Null)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "runs": self.len(),
            "columns": self.header(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_vary_the_last_key_fastest() {
        let axes = vec![
            Axis::parse("a=1,2").expect("axis"),
            Axis::parse("b=x,y,z").expect("axis"),
        ];
        let g = Grid {
            scenario: PathBuf::from("s.toml"),
            axes,
        };
        assert_eq!(g.len(), 6);
        let cells = |i| {
            g.point(i)
                .iter()
                .map(|(_, v)| axis::cell(v))
                .collect::<Vec<_>>()
        };
        assert_eq!(cells(0), ["1", "x"]);
        assert_eq!(cells(2), ["1", "z"]);
        assert_eq!(cells(3), ["2", "x"]);
        assert_eq!(cells(5), ["2", "z"]);
    }
}
