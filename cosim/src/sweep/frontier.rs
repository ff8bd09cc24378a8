//! The deadline search: the Pareto frontier of the cheapest values of the minimized keys
//! whose metric meets a deadline, refined by bisection along each minimized key where the
//! metric is monotone, with the runs that contradict monotonicity reported.

use std::collections::BTreeMap;

use toml::Value;

use super::axis::{Magnitude, cell, numeric};
use super::{Grid, Setting};

/// What to search: the minimized keys (cheaper when smaller; the metric is expected not to
/// grow when one of them grows), the deadline and the bisection steps.
#[derive(Clone, Debug)]
pub struct Search {
    /// Indices into the grid's axes of the keys to minimize, in `--minimize` order.
    pub minimize: Vec<usize>,
    /// The largest metric value that meets the deadline.
    pub deadline: f64,
    /// Bisection steps along each minimized key between the last infeasible and the first
    /// feasible value.
    pub refine: u32,
}

/// A point of the frontier.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierPoint {
    /// The values of the other swept keys (not minimized, not `seed`).
    pub group: Vec<Setting>,
    /// The values of the minimized keys.
    pub point: Vec<Setting>,
    /// The metric there (the worst over seeds).
    pub metric: f64,
    /// Whether bisection found it between grid values.
    pub refined: bool,
}

/// The search's answer.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    /// The frontier, by group, then by the minimized keys' values.
    pub frontier: Vec<FrontierPoint>,
    /// One sentence per pair of neighbouring runs where the metric grows with a minimized key.
    pub contradictions: Vec<String>,
    /// The runs bisection added: their settings (seed included) and metric.
    pub refined: Vec<(Vec<Setting>, Option<f64>)>,
}

/// Evaluates a batch of runs (full settings, seed included) into metric values.
pub type Evaluate<'a> = &'a mut dyn FnMut(&[Vec<Setting>]) -> Vec<Option<f64>>;

/// A point of the minimized keys: its settings, its worst metric, whether bisection added it.
type Cell = (Vec<Setting>, Option<f64>, bool);
/// The points of each group (by value indices), keyed by the minimized keys' numbers.
type Cells = BTreeMap<Vec<usize>, BTreeMap<Vec<OrdF64>, Cell>>;
/// A point along one key: the key's number, the minimized keys' settings, the metric.
type LinePoint = (OrdF64, Vec<Setting>, Option<f64>);
/// Points along one key, the others fixed, ascending; keyed by the other keys' numbers.
type Lines = BTreeMap<Vec<OrdF64>, Vec<LinePoint>>;

/// The neighbouring pairs of `line` whose metric grows with the key: (smaller key's metric,
/// its settings, larger key's metric, its settings).
fn contradictions(line: &[LinePoint]) -> Vec<(f64, &[Setting], f64, &[Setting])> {
    line.windows(2)
        .filter_map(|pair| match (&pair[0], &pair[1]) {
            ((_, sa, Some(ma)), (_, sb, Some(mb))) if mb > ma => Some((*ma, &sa[..], *mb, &sb[..])),
            _ => None,
        })
        .collect()
}

/// The lines of `points` along minimized key `k`, keyed by the other keys' numbers.
fn lines(points: &BTreeMap<Vec<OrdF64>, Cell>, k: usize) -> Lines {
    let mut out: Lines = BTreeMap::new();
    for (key, (settings, metric, _)) in points {
        let mut rest = key.clone();
        let x = rest.remove(k);
        out.entry(rest)
            .or_default()
            .push((x, settings.clone(), *metric));
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
#[allow(clippy::derive_ord_xor_partial_ord)]
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

fn describe(settings: &[Setting]) -> String {
    settings
        .iter()
        .map(|(k, v)| format!("{k}={}", cell(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value halfway between `lo` and `hi` (numbers in the base unit), in the syntax of `like`.
fn midpoint(lo: f64, hi: f64, like: &Value) -> Option<Value> {
    let mid = (lo + hi) / 2.0;
    match like {
        Value::Integer(_) => {
            let m = mid.floor() as i64;
            (m as f64 > lo && (m as f64) < hi).then_some(Value::Integer(m))
        }
        Value::Float(_) => Some(Value::Float(mid)),
        Value::String(s) => {
            let unit = Magnitude::parse(s)?.unit;
            let base = match unit.as_str() {
                u if u.ends_with("Hz") => "Hz",
                u if u.ends_with("bit/s") => "bit/s",
                "" => return Some(Value::Float(mid)),
                _ => "fs",
            };
            let m = mid.floor();
            (m > lo && m < hi).then(|| Value::String(format!("{m} {base}")))
        }
        _ => None,
    }
}

impl Search {
    /// The next bisection run along minimized key `k` on `line` (the key's number and the
    /// settings): the midpoint between the largest value that misses the deadline and the
    /// smallest that meets it. None when the line is not monotone, has no such pair (or
    /// the smaller run has no metric), or the values are adjacent.
    fn bisection(&self, k: usize, line: &[LinePoint]) -> Option<(OrdF64, Vec<Setting>)> {
        if !contradictions(line).is_empty() {
            return None;
        }
        let j = line
            .iter()
            .position(|(_, _, m)| m.is_some_and(|m| m <= self.deadline))?;
        let (lo, hi) = (line.get(j.checked_sub(1)?)?, &line[j]);
        lo.2?;
        let mid = midpoint(lo.0.0, hi.0.0, &hi.1[k].1)?;
        let x = OrdF64(numeric(&mid)?);
        let mut settings = hi.1.clone();
        settings[k].1 = mid;
        Some((x, settings))
    }

    /// Runs the search over the grid's runs' metric values (`None`: the run did not end
    /// `ok` or has no such figure), calling `evaluate` for the bisection runs.
    pub fn run(&self, grid: &Grid, metrics: &[Option<f64>], evaluate: Evaluate<'_>) -> Answer {
        let seed_axis = grid.axes.iter().position(|a| a.key == "seed");
        let group_axes: Vec<usize> = (0..grid.axes.len())
            .filter(|i| !self.minimize.contains(i) && Some(*i) != seed_axis)
            .collect();
        let mut cells: Cells = BTreeMap::new();
        let mut seeds: Vec<Value> = Vec::new();
        for (run, metric) in metrics.iter().enumerate() {
            let point = grid.point(run);
            let index = grid.indices(run);
            let group: Vec<usize> = group_axes.iter().map(|&a| index[a]).collect();
            let key: Vec<OrdF64> = self
                .minimize
                .iter()
                .map(|&a| OrdF64(numeric(&point[a].1).unwrap_or(f64::NAN)))
                .collect();
            let settings: Vec<Setting> = self.minimize.iter().map(|&a| point[a].clone()).collect();
            if let Some(s) = seed_axis
                && !seeds.contains(&point[s].1)
            {
                seeds.push(point[s].1.clone());
            }
            let cell = cells
                .entry(group)
                .or_default()
                .entry(key)
                .or_insert((settings, *metric, false));
            cell.1 = match (cell.1, *metric) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        let group_settings = |group: &[usize]| -> Vec<Setting> {
            group_axes
                .iter()
                .zip(group)
                .map(|(&a, &i)| (grid.axes[a].key.clone(), grid.axes[a].values[i].clone()))
                .collect()
        };
        let mut answer = Answer::default();
        let keys = self.minimize.len();
        for (group, grid_points) in &cells {
            let fixed = group_settings(group);
            // Per minimized key: the grid's points and that key's bisection runs.
            let mut along: Vec<BTreeMap<Vec<OrdF64>, Cell>> = vec![grid_points.clone(); keys];
            for _ in 0..self.refine {
                let mut batch: Vec<(usize, Vec<OrdF64>, Vec<Setting>)> = Vec::new();
                for (k, points) in along.iter().enumerate() {
                    for (rest, line) in lines(points, k) {
                        if let Some(step) = self.bisection(k, &line) {
                            let (x, settings) = step;
                            let mut key = rest;
                            key.insert(k, x);
                            batch.push((k, key, settings));
                        }
                    }
                }
                if batch.is_empty() {
                    break;
                }
                let mut runs: Vec<Vec<Setting>> = Vec::new();
                for (_, _, settings) in &batch {
                    let mut full = fixed.clone();
                    full.extend(settings.iter().cloned());
                    if seeds.is_empty() {
                        runs.push(full);
                    } else {
                        for s in &seeds {
                            let mut with_seed = full.clone();
                            with_seed.push(("seed".to_string(), s.clone()));
                            runs.push(with_seed);
                        }
                    }
                }
                let values = evaluate(&runs);
                let per = seeds.len().max(1);
                for (b, (k, key, settings)) in batch.into_iter().enumerate() {
                    let chunk = &values[b * per..(b + 1) * per];
                    let worst = chunk
                        .iter()
                        .try_fold(f64::NEG_INFINITY, |acc, m| m.map(|m| acc.max(m)));
                    along[k].insert(key, (settings, worst, true));
                }
                answer.refined.extend(runs.into_iter().zip(values));
            }
            let place = if fixed.is_empty() {
                "grid".to_string()
            } else {
                describe(&fixed)
            };
            let mut points = BTreeMap::new();
            for (k, mine) in along.into_iter().enumerate() {
                for (_, line) in lines(&mine, k) {
                    for (ma, sa, mb, sb) in contradictions(&line) {
                        answer.contradictions.push(format!(
                            "{place}: the metric grows from {ma} at {} to {mb} at {}",
                            describe(sa),
                            describe(sb)
                        ));
                    }
                }
                points.extend(mine);
            }
            let feasible: Vec<(&Vec<OrdF64>, &Cell)> = points
                .iter()
                .filter(|(_, (_, m, _))| m.is_some_and(|m| m <= self.deadline))
                .collect();
            for (key, (settings, metric, refined)) in &feasible {
                let dominated = feasible.iter().any(|(other, _)| {
                    other != key && other.iter().zip(key.iter()).all(|(o, k)| o <= k)
                });
                if !dominated {
                    answer.frontier.push(FrontierPoint {
                        group: fixed.clone(),
                        point: settings.clone(),
                        metric: metric.unwrap_or_default(),
                        refined: *refined,
                    });
                }
            }
        }
        answer
    }
}

#[cfg(test)]
mod tests;
