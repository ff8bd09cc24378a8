//! The SVG heat map of one run's link utilization over a mesh or torus: each directed link
//! drawn between its routers' grid positions, coloured by its `utilization` (docs/sizing.md).

use std::path::Path;

use aether_network::TopologyConfig;
use plotters::prelude::*;
use serde_json::Value;

/// The shape a heat map is drawn on: columns, rows, and whether the grid wraps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// A torus (wrap-around links).
    pub wrap: bool,
}

impl Shape {
    /// The grid of a mesh or torus topology; an error naming the kind otherwise.
    pub fn of(topology: &TopologyConfig) -> Result<Shape, String> {
        let (grid, wrap) = match topology {
            TopologyConfig::Mesh(g) => (g, false),
            TopologyConfig::Torus(g) => (g, true),
            other => {
                let kind = format!("{other:?}");
                let kind = kind.split([' ', '(', '{']).next().unwrap_or_default();
                return Err(format!(
                    "--heatmap: the topology is {kind}, not a mesh or torus"
                ));
            }
        };
        Ok(Shape {
            width: grid.width,
            height: grid.height,
            wrap,
        })
    }

    /// Router `id`'s column and row (router `y * width + x`).
    fn position(&self, id: u64) -> (f64, f64) {
        let w = u64::from(self.width);
        ((id % w) as f64, (id / w) as f64)
    }
}

/// The colour of a utilization `u` (clamped to 0..1): white at 0 to red at 1, as
/// `rgb(255, round(255 (1 - u)), round(255 (1 - u)))`.
pub fn colour(u: f64) -> RGBColor {
    let rest = (255.0 * (1.0 - u.clamp(0.0, 1.0))).round() as u8;
    RGBColor(255, rest, rest)
}

fn draw_err(e: impl std::fmt::Display) -> String {
    format!("heatmap: {e}")
}

/// A link's segment: from its source router a little off the centre line (so that the two
/// directions of a pair sit side by side) to its destination, or for a wrap-around link of
/// a torus half a step out of the grid edge.
fn segment(shape: &Shape, from: u64, to: u64) -> [(f64, f64); 2] {
    let (a, b) = (shape.position(from), shape.position(to));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (dx, dy) = if shape.wrap && dx.abs() + dy.abs() > 1.0 {
        (-dx.signum() * 0.5, -dy.signum() * 0.5)
    } else {
        (dx, dy)
    };
    let (ox, oy) = (-dy * 0.12, dx * 0.12);
    [
        (a.0 + ox + dx * 0.15, a.1 + oy + dy * 0.15),
        (a.0 + ox + dx * 0.85, a.1 + oy + dy * 0.85),
    ]
}

/// Writes the heat map of `report`'s `network.links` over `shape` to `file`, titled `title`:
/// one line per link in the report's order with its utilization in percent beside it, and a
/// colour scale from 0 to 100 %.
pub fn write(report: &Value, shape: &Shape, title: &str, file: &Path) -> Result<(), String> {
    let links = report["network"]["links"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let root = SVGBackend::new(file, (900, 700)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let (plot, scale) = root.split_horizontally(780);
    let (w, h) = (f64::from(shape.width), f64::from(shape.height));
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 18))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(-0.7..w - 0.3, (h - 0.3)..-0.7)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x (grid column)")
        .y_desc("y (grid row)")
        .x_labels(shape.width as usize + 1)
        .y_labels(shape.height as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(draw_err)?;
    let routers = (0..u64::from(shape.width) * u64::from(shape.height))
        .map(|id| Circle::new(shape.position(id), 5, BLACK.filled()));
    chart.draw_series(routers).map_err(draw_err)?;
    for link in &links {
        let (Some(from), Some(to)) = (link["from"].as_u64(), link["to"].as_u64()) else {
            return Err("heatmap: a link without `from` and `to` routers".to_string());
        };
        let u = link["utilization"].as_f64().unwrap_or(0.0);
        let [a, b] = segment(shape, from, to);
        chart
            .draw_series([PathElement::new(vec![a, b], colour(u).stroke_width(6))])
            .map_err(draw_err)?;
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        chart
            .draw_series([Text::new(
                format!("{:.1}%", u * 100.0),
                mid,
                ("sans-serif", 10).into_font().color(&BLACK),
            )])
            .map_err(draw_err)?;
    }
    let mut legend = ChartBuilder::on(&scale)
        .margin_top(45)
        .margin_bottom(55)
        .margin_right(10)
        .y_label_area_size(45)
        .build_cartesian_2d(0.0..1.0, 0.0..100.0)
        .map_err(draw_err)?;
    legend
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc("utilization (%)")
        .draw()
        .map_err(draw_err)?;
    legend
        .draw_series((0..20).map(|i| {
            let lo = f64::from(i) * 5.0;
            Rectangle::new(
                [(0.0, lo), (1.0, lo + 5.0)],
                colour((lo + 2.5) / 100.0).filled(),
            )
        }))
        .map_err(draw_err)?;
    root.present().map_err(draw_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_run_from_white_to_red() {
        assert_eq!(colour(0.0), RGBColor(255, 255, 255));
        assert_eq!(colour(1.0), RGBColor(255, 0, 0));
        // 255 * (1 - 0.25) = 191.25
        assert_eq!(colour(0.25), RGBColor(255, 191, 191));
        assert_eq!(colour(2.0), RGBColor(255, 0, 0));
    }

    #[test]
    fn links_are_drawn_in_report_order_with_their_colours() {
        let report = serde_json::json!({"network": {"links": [
            {"from": 0, "to": 1, "utilization": 0.5},
            {"from": 4, "to": 0, "utilization": 0.25},
            {"from": 1, "to": 2, "utilization": 0.0},
        ]}});
        let shape = Shape {
            width: 3,
            height: 2,
            wrap: false,
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("heatmap.svg");
        write(&report, &shape, "t", &file).expect("written");
        let svg = std::fs::read_to_string(&file).expect("svg");
        let strokes: Vec<&str> = svg
            .lines()
            .filter(|l| l.contains("stroke-width=\"6\""))
            .map(|l| {
                l.split("stroke=\"")
                    .nth(1)
                    .and_then(|s| s.get(..7))
                    .unwrap_or("")
            })
            .collect();
        // 255 (1 - 0.5) = 127.5 -> 128 = #80; 255 (1 - 0.25) -> 191 = #BF.
        assert_eq!(strokes, ["#FF8080", "#FFBFBF", "#FFFFFF"]);
        let labels: Vec<usize> = ["50.0%", "25.0%", "0.0%"]
            .iter()
            .map(|t| svg.find(&format!("\n{t}\n")).expect("label"))
            .collect();
        assert!(
            labels.windows(2).all(|p| p[0] < p[1]),
            "labels in report order"
        );
        assert!(svg.contains("x (grid column)") && svg.contains("utilization (%)"));
    }
}
