//! The headline figures of a sweep row, read by name from a run's JSON report
//! (docs/report.md): one table, from which the CSV header, the JSON lines and the
//! docs/sizing.md column list all follow.

use serde_json::Value;

/// How a column is read from the report.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// The value at a path of object keys.
    Field(&'static [&'static str]),
    /// The sum of a field over the elements of an array.
    Sum(&'static [&'static str], &'static [&'static str]),
    /// The largest value of a field over the elements of an array (empty when none).
    Max(&'static [&'static str], &'static [&'static str]),
    /// The number of elements of an array.
    Count(&'static [&'static str]),
}

/// A headline figure: its column name, what it means, and where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Column name in the CSV header and the JSON lines.
    pub name: &'static str,
    /// What it means, with its unit.
    pub doc: &'static str,
    /// Where it comes from in the report.
    pub source: Source,
}

macro_rules! columns {
    ($($name:literal, $doc:literal, $source:expr;)*) => {
        /// Every headline column, in output order.
        pub const COLUMNS: &[Column] = &[$(Column { name: $name, doc: $doc, source: $source }),*];
    };
}

use Source::{Count, Field, Max, Sum};

columns! {
    "stop_reason", "why the run stopped (`exhausted`, `time_limit`, `model`)", Field(&["stop_reason"]);
    "time_fs", "simulated time at the end, fs", Field(&["time_fs"]);
    "time_ns", "the same in ns", Field(&["time_ns"]);
    "instructions", "instructions retired, all nodes", Sum(&["nodes"], &["instructions"]);
    "busy_cycles", "busy cycles, all nodes", Sum(&["nodes"], &["cycles", "busy"]);
    "largest_activation_cycles", "the longest activation of any node, cycles", Max(&["nodes"], &["largest_activation", "cycles"]);
    "largest_activation_ns", "the longest activation of any node, ns", Max(&["nodes"], &["largest_activation", "ns"]);
    "deadline_misses", "activations over budget, all nodes", Sum(&["nodes"], &["deadline_misses"]);
    "faults", "faulted nodes", Count(&["faults"]);
    "messages", "messages sent (firmware and components)", Sum(&["messages"], &["sent"]);
    "bytes", "bytes sent into the network, all stations", Sum(&["network", "nodes"], &["bytes_sent"]);
    "link_utilization_max", "utilization of the busiest link (busy time / run time; empty when no link carried a packet)", Max(&["network", "links"], &["utilization"]);
    "queue_delay_max_fs", "the longest queueing delay on any link, fs", Max(&["network", "links"], &["queue_delay_max"]);
    "decode_nodes", "decoding: stabilizer nodes", Field(&["decoding", "nodes"]);
    "decode_shots", "decoding: shots", Field(&["decoding", "shots"]);
    "decode_decoded", "decoding: shots every output node reported", Field(&["decoding", "decoded"]);
    "decode_latency_mean_ns", "decoding: mean decode latency, ns", Field(&["decoding", "latency", "mean_ns"]);
    "decode_latency_p50_ns", "decoding: median decode latency, ns", Field(&["decoding", "latency", "p50_ns"]);
    "decode_latency_p99_ns", "decoding: 99th percentile decode latency, ns", Field(&["decoding", "latency", "p99_ns"]);
    "decode_latency_max_ns", "decoding: largest decode latency, ns", Field(&["decoding", "latency", "max_ns"]);
    "decode_latency_mean_cycles", "decoding: mean decode latency, cycles", Field(&["decoding", "latency", "mean_cycles"]);
    "decode_latency_p50_cycles", "decoding: median decode latency, cycles of the central node", Field(&["decoding", "latency", "p50_cycles"]);
    "decode_latency_p99_cycles", "decoding: 99th percentile decode latency, cycles", Field(&["decoding", "latency", "p99_cycles"]);
    "decode_latency_max_cycles", "decoding: largest decode latency, cycles", Field(&["decoding", "latency", "max_cycles"]);
    "decode_late_shots", "decoding: shots decoded after the next shot's rounds ended", Field(&["decoding", "backlog", "late_shots"]);
    "decode_max_waiting", "decoding: most shots waiting to be decoded at once", Field(&["decoding", "backlog", "max_waiting"]);
    "decode_growth_rounds_mean", "decoding: growth rounds per shot, mean (host reference)", Field(&["decoding", "growth_rounds_mean"]);
    "decode_growth_rounds_max", "decoding: most growth rounds of a shot (host reference)", Field(&["decoding", "growth_rounds_max"]);
    "decode_barriers", "decoding: barrier epochs released", Field(&["decoding", "barriers"]);
    "logical_errors", "decoding: shots with a logical error", Field(&["decoding", "logical_errors"]);
    "logical_error_rate", "decoding: logical error rate", Field(&["decoding", "logical_error_rate"]);
    "decode_messages_per_shot", "decoding: network messages per shot", Field(&["decoding", "messages_per_shot"]);
    "decode_bytes_per_shot", "decoding: network bytes per shot", Field(&["decoding", "bytes_per_shot"]);
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, k| v.get(k))
}

fn sum(values: &[&Value]) -> Value {
    if values.iter().all(|v| v.is_u64()) {
        Value::from(values.iter().filter_map(|v| v.as_u64()).sum::<u64>())
    } else {
        Value::from(values.iter().filter_map(|v| v.as_f64()).sum::<f64>())
    }
}

fn max(values: &[&Value]) -> Value {
    if values.is_empty() {
        Value::Null
    } else if values.iter().all(|v| v.is_u64()) {
        Value::from(
            values
                .iter()
                .filter_map(|v| v.as_u64())
                .max()
                .unwrap_or_default(),
        )
    } else {
        Value::from(
            values
                .iter()
                .filter_map(|v| v.as_f64())
                .fold(f64::NEG_INFINITY, f64::max),
        )
    }
}

impl Column {
    /// This column's value in `report` (`null` when the report has no such figure).
    pub fn read(&self, report: &Value) -> Value {
        let elements = |array: &[&str], field: &[&str]| -> Option<Vec<&Value>> {
            let items = at(report, array)?.as_array()?;
            Some(items.iter().filter_map(|item| at(item, field)).collect())
        };
        let found = match self.source {
            Field(path) => at(report, path).cloned(),
            Sum(array, field) => elements(array, field).map(|v| sum(&v)),
            Max(array, field) => elements(array, field).map(|v| max(&v)),
            Count(array) => at(report, array)
                .and_then(Value::as_array)
                .map(|a| Value::from(a.len())),
        };
        found.unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(name: &str, report: &Value) -> Value {
        COLUMNS
            .iter()
            .find(|c| c.name == name)
            .expect("column")
            .read(report)
    }

    #[test]
    fn sums_maxima_counts_and_missing_sections() {
        let report = json!({
            "time_fs": 5, "nodes": [
                {"instructions": 3, "largest_activation": {"cycles": 4, "ns": 4.5}},
                {"instructions": 4, "largest_activation": {"cycles": 9, "ns": 2.0}}],
            "faults": [{}], "network": {"links": [], "nodes": [{"bytes_sent": 2}, {"bytes_sent": 40}]}
        });
        assert_eq!(read("instructions", &report), json!(7));
        assert_eq!(read("largest_activation_cycles", &report), json!(9));
        assert_eq!(read("largest_activation_ns", &report), json!(4.5));
        assert_eq!(read("faults", &report), json!(1));
        assert_eq!(read("bytes", &report), json!(42));
        assert_eq!(read("link_utilization_max", &report), Value::Null);
        assert_eq!(read("decode_latency_p99_ns", &report), Value::Null);
        assert_eq!(read("time_fs", &report), json!(5));
    }

    #[test]
    fn docs_list_every_column() {
        let doc = include_str!("../../../docs/sizing.md");
        for c in COLUMNS {
            let line = format!("| `{}` | {} |", c.name, c.doc);
            assert!(
                doc.contains(&line),
                "docs/sizing.md lacks the line `{line}`"
            );
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
    }
}
