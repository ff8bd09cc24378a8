//! SVG plots of a sweep's table: a metric against the first swept key, one line per value
//! of the others; and the deadline search's feasible region with its frontier.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

use super::axis::{Magnitude, numeric};
use super::frontier::FrontierPoint;
use super::{Grid, Setting};

/// The axis label of a swept key: its name and the base unit its numbers are in.
fn key_label(grid: &Grid, key: &str) -> String {
    let unit = grid
        .axes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.values.first())
        .and_then(|v| v.as_str().and_then(Magnitude::parse))
        .map(|m| match m.unit.as_str() {
            u if u.ends_with("Hz") => " (Hz)",
            u if u.ends_with("bit/s") => " (bit/s)",
            "" => "",
            _ => " (fs)",
        })
        .unwrap_or("");
    format!("{key}{unit}")
}

/// The axis label of a column, with the unit its name ends in.
fn column_label(column: &str) -> String {
    match column.rsplit('_').next() {
        Some("ns") => format!("{column} (ns)"),
        Some("fs") => format!("{column} (fs)"),
        Some("cycles") => format!("{column} (cycles)"),
        _ => column.to_string(),
    }
}

fn bounds(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        lo.abs().max(1.0) * 0.05
    };
    (lo - pad, hi + pad)
}

/// A tick label with an SI prefix (`250M`, `2.5G`, `800`).
fn si(x: &f64) -> String {
    let (scale, prefix) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(s, _)| x.abs() >= *s)
        .unwrap_or((1.0, ""));
    let v = x / scale;
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{prefix}")
}

fn draw_err(e: impl std::fmt::Display) -> String {
    format!("plot: {e}")
}

/// `column` against the first swept key (other than `seed`), one line per combination of
/// the other keys' values, the worst seed at each point; runs without the figure are left out.
pub fn metric(
    grid: &Grid,
    header: &[String],
    rows: &[Vec<Value>],
    column: &str,
    file: &Path,
) -> Result<(), String> {
    let keys: Vec<&str> = grid
        .axes
        .iter()
        .map(|a| a.key.as_str())
        .filter(|k| *k != "seed")
        .collect();
    let Some(&first) = keys.first() else {
        return Ok(());
    };
    let at = |name: &str| header.iter().position(|h| h == name);
    let (Some(x_col), Some(y_col)) = (at(first), at(column)) else {
        return Ok(());
    };
    let others: Vec<usize> = keys[1..].iter().filter_map(|k| at(k)).collect();
    let mut lines: BTreeMap<String, BTreeMap<u64, (f64, f64)>> = BTreeMap::new();
    for row in rows {
        let x = serde_json::from_value::<toml::Value>(row[x_col].clone())
            .ok()
            .and_then(|v| numeric(&v));
        let (Some(x), Some(y)) = (x, row[y_col].as_f64()) else {
            continue;
        };
        let label: Vec<String> = others
            .iter()
            .map(|&c| {
                format!(
                    "{}={}",
                    header[c],
                    row[c].as_str().map_or(row[c].to_string(), String::from)
                )
            })
            .collect();
        let point = lines
            .entry(label.join(" "))
            .or_default()
            .entry(x.to_bits())
            .or_insert((x, y));
        point.1 = point.1.max(y);
    }
    let all = lines.values().flat_map(|l| l.values());
    let (x0, x1) = bounds(all.clone().map(|p| p.0));
    let (y0, y1) = bounds(all.map(|p| p.1));
    let root = SVGBackend::new(file, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{column} against {first}"), ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(key_label(grid, first))
        .y_desc(column_label(column))
        .x_label_formatter(&si)
        .y_label_formatter(&si)
        .draw()
        .map_err(draw_err)?;
    for (i, (label, points)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let pts: Vec<(f64, f64)> = points.values().copied().collect();
        let series = chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
            .map_err(draw_err)?;
        if !label.is_empty() {
            series.label(label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        }
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(draw_err)?;
    }
    if lines.keys().any(|l| !l.is_empty()) {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(draw_err)?;
    }
    root.present().map_err(draw_err)
}

/// The deadline search: every point run (grid and bisection), green where it meets the
/// deadline and red where not, and the frontier as a line; over the first two minimized
/// keys, or the first minimized key and the metric (with the deadline as a line). `title`
/// names the group.
#[allow(clippy::too_many_arguments)]
pub fn frontier(
    grid: &Grid,
    title: &str,
    keys: &[&str],
    column: &str,
    deadline: f64,
    runs: &[(Vec<Setting>, Option<f64>)],
    frontier: &[FrontierPoint],
    file: &Path,
) -> Result<(), String> {
    let value =
        |s: &[Setting], k: &str| s.iter().find(|(n, _)| n == k).and_then(|(_, v)| numeric(v));
    let xy = |s: &[Setting], m: f64| -> Option<(f64, f64)> {
        let x = value(s, keys[0])?;
        let y = match keys.get(1) {
            Some(k) => value(s, k)?,
            None => m,
        };
        Some((x, y))
    };
    let points: Vec<((f64, f64), bool)> = runs
        .iter()
        .filter_map(|(s, m)| {
            let ok = m.is_some_and(|m| m <= deadline);
            xy(s, m.unwrap_or(f64::NAN))
                .filter(|p| p.1.is_finite())
                .map(|p| (p, ok))
        })
        .collect();
    let mut line: Vec<(f64, f64)> = frontier
        .iter()
        .filter_map(|p| xy(&p.point, p.metric))
        .collect();
    line.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut ys: Vec<f64> = points.iter().map(|p| p.0.1).collect();
    if keys.len() == 1 {
        ys.push(deadline);
    }
    let (x0, x1) = bounds(points.iter().map(|p| p.0.0));
    let (y0, y1) = bounds(ys.into_iter());
    let root = SVGBackend::new(file, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{title}{column} <= {deadline}: feasible (green), frontier (blue)"),
            ("sans-serif", 18),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    let y_desc = keys
        .get(1)
        .map_or_else(|| column_label(column), |k| key_label(grid, k));
    chart
        .configure_mesh()
        .x_desc(key_label(grid, keys[0]))
        .y_desc(y_desc)
        .x_label_formatter(&si)
        .y_label_formatter(&si)
        .draw()
        .map_err(draw_err)?;
    let green = RGBColor(0, 150, 60);
    chart
        .draw_series(points.iter().map(|&(p, ok)| {
            Circle::new(
                p,
                4,
                if ok {
                    green.filled()
                } else {
                    RED.mix(0.8).filled()
                },
            )
        }))
        .map_err(draw_err)?;
    if keys.len() == 1 {
        chart
            .draw_series(LineSeries::new(
                vec![(x0, deadline), (x1, deadline)],
                BLACK.stroke_width(1),
            ))
            .map_err(draw_err)?;
    }
    chart
        .draw_series(LineSeries::new(line.clone(), BLUE.stroke_width(2)))
        .map_err(draw_err)?;
    chart
        .draw_series(
            line.iter()
                .map(|&p| Circle::new(p, 7, BLUE.stroke_width(2))),
        )
        .map_err(draw_err)?;
    root.present().map_err(draw_err)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tick_labels_take_si_prefixes() {
        assert_eq!(super::si(&250e6), "250M");
        assert_eq!(super::si(&2.5e9), "2.5G");
        assert_eq!(super::si(&800.0), "800");
        assert_eq!(super::si(&0.25), "0.25");
    }
}
