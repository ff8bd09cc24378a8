//! The `[decoding]` section (docs/scenario.md, "[decoding]"): a decoding problem (the
//! built-in surface code, or a DEM and shot files), its readout timing, and the nodes and
//! lattice network it runs on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Ctx, Quantity, ScenarioError, duration};
use crate::qec::dem::Dem;
use crate::qec::graph::{DecodingGraph, Weighting};
use crate::qec::layout::Layout;
use crate::qec::sample::{Samples, sample};
use crate::qec::shots::{ShotFormat, read_shots};
use crate::qec::surface::{Noise, SurfaceCode};
use crate::qec::window::Windows;
use crate::time::{FS_PER_NS, Time};

/// The `[decoding]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDecoding {
    program: String,
    code: Option<String>,
    distance: Option<u32>,
    rounds: Option<u32>,
    noise: Option<String>,
    p: Option<f64>,
    shots: Option<usize>,
    seed: Option<u64>,
    dem: Option<PathBuf>,
    dets: Option<PathBuf>,
    obs: Option<PathBuf>,
    format: Option<String>,
    weights: Option<String>,
    round_period: Option<Quantity>,
    readout_latency: Option<Quantity>,
    barrier_latency: Option<Quantity>,
    outputs: Option<RawOutputs>,
    central: Option<u16>,
    topology: Option<String>,
    check_reference: Option<bool>,
    window: Option<u32>,
    commit: Option<u32>,
}

/// `outputs = "all"` or a list of node ids.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawOutputs {
    Word(String),
    Nodes(Vec<u16>),
}

/// A `[decoding]` section turned into a problem, before its nodes are placed.
pub(super) struct Problem {
    /// Program of the stabilizer nodes.
    pub program: String,
    pub graph: DecodingGraph,
    pub layout: Layout,
    pub samples: Samples,
    pub round_period: Time,
    pub readout_latency: Time,
    /// The barrier wire's latency (positive).
    pub barrier_latency: Time,
    /// Output nodes (`None`: every stabilizer node).
    pub outputs: Option<Vec<u16>>,
    pub central: u16,
    pub check_reference: bool,
    /// The shot's windows (docs/decoders.md, "Sliding windows (streaming)").
    pub windows: Windows,
    /// Build the lattice network (else the scenario's `[network]`).
    pub lattice: bool,
}

const KEYS_OF_CODE: [&str; 5] = ["code", "distance", "rounds", "noise", "p"];

fn read(ctx: &Ctx<'_>, key: &str, file: &Path) -> Result<(Vec<u8>, String), ScenarioError> {
    let full = ctx.path(file);
    let name = full.display().to_string();
    let bytes =
        std::fs::read(&full).map_err(|e| ctx.err(format!("decoding.{key}: {name}: {e}")))?;
    Ok((bytes, name))
}

/// The problem a `[decoding]` section describes; `seed` is the scenario's.
pub(super) fn problem(
    ctx: &Ctx<'_>,
    raw: &RawDecoding,
    seed: u64,
) -> Result<Problem, ScenarioError> {
    let err = |m: String| ctx.err(format!("decoding.{m}"));
    let weighting: Weighting = raw
        .weights
        .as_deref()
        .unwrap_or("unweighted")
        .parse()
        .map_err(|e| err(format!("weights: {e}")))?;
    let code_keys = [
        raw.code.is_some(),
        raw.distance.is_some(),
        raw.rounds.is_some(),
        raw.noise.is_some(),
        raw.p.is_some(),
    ];
    let (dem, samples) = match (&raw.dem, &raw.dets, &raw.obs) {
        (Some(dem_file), Some(dets), Some(obs)) => {
            if let Some(i) = code_keys.iter().position(|&set| set) {
                return Err(err(format!(
                    "{}: not with `dem` (a DEM replaces the generator)",
                    KEYS_OF_CODE[i]
                )));
            }
            if raw.shots.is_some() || raw.seed.is_some() {
                return Err(err(
                    "shots, seed: not with `dem` (the shots come from `dets` and `obs`)".into(),
                ));
            }
            let format: ShotFormat = raw
                .format
                .as_deref()
                .unwrap_or("01")
                .parse()
                .map_err(|e| err(format!("format: {e}")))?;
            let (text, name) = read(ctx, "dem", dem_file)?;
            let text = String::from_utf8(text)
                .map_err(|_| err(format!("dem: {name} is not UTF-8 text")))?;
            let dem = Dem::parse(&text, &name).map_err(|e| err(format!("dem: {e}")))?;
            let (bytes, name) = read(ctx, "dets", dets)?;
            let detectors = read_shots(&bytes, format, dem.detectors.len(), &name)
                .map_err(|e| err(format!("dets: {e}")))?;
            let (bytes, name) = read(ctx, "obs", obs)?;
            let observables = read_shots(&bytes, format, dem.num_observables as usize, &name)
                .map_err(|e| err(format!("obs: {e}")))?;
            if detectors.len() != observables.len() {
                return Err(err(format!(
                    "obs: {} shots of observables for {} shots of detection events",
                    observables.len(),
                    detectors.len()
                )));
            }
            (
                dem,
                Samples {
                    detectors,
                    observables,
                },
            )
        }
        (None, None, None) => {
            if raw.format.is_some() {
                return Err(err("format: only with `dem`, `dets` and `obs`".into()));
            }
            match raw.code.as_deref() {
                Some("rotated-surface") => {}
                Some(other) => {
                    return Err(err(format!("code: `{other}` is not `rotated-surface`")));
                }
                None => return Err(err("code: missing (or give `dem`, `dets` and `obs`)".into())),
            }
            let noise = match raw.noise.as_deref() {
                Some("code-capacity") => Noise::CodeCapacity,
                Some("phenomenological") => Noise::Phenomenological,
                Some(other) => {
                    return Err(err(format!(
                        "noise: `{other}` is not `code-capacity` or `phenomenological`"
                    )));
                }
                None => return Err(err("noise: missing".into())),
            };
            let distance = raw
                .distance
                .ok_or_else(|| err("distance: missing".into()))?;
            let code = SurfaceCode {
                distance,
                rounds: raw.rounds.unwrap_or(noise.default_rounds(distance)),
                noise,
                p: raw.p.ok_or_else(|| err("p: missing".into()))?,
            };
            let dem = code.dem().map_err(|e| err(format!("code: {e}")))?;
            let shots = raw.shots.ok_or_else(|| err("shots: missing".into()))?;
            let samples = sample(&dem, shots, raw.seed.unwrap_or(seed));
            (dem, samples)
        }
        _ => return Err(err("dem, dets, obs: give all three or none".into())),
    };
    if dem.num_observables > 32 {
        return Err(err(format!(
            "dem: {} observables; firmware masks hold 32",
            dem.num_observables
        )));
    }
    let graph = DecodingGraph::from_dem(&dem, weighting).map_err(|e| err(format!("dem: {e}")))?;
    if let Some((shot, v)) = samples.detectors.iter().enumerate().find_map(|(s, d)| {
        d.iter_ones()
            .find(|&v| graph.is_inert(v as u32))
            .map(|v| (s, v))
    }) {
        return Err(err(format!("dets: shot {shot}: inert detector D{v} fired")));
    }
    let layout = Layout::new(&graph).map_err(|e| err(format!("dem: {e}")))?;
    if layout.nodes() == 0 {
        return Err(err("dem: no detector can fire: no node to place".into()));
    }
    let time = |key: &str, q: &Option<Quantity>, default: Time| {
        q.as_ref().map_or(Ok(default), |q| {
            duration(ctx, &format!("decoding.{key}"), q)
        })
    };
    let round_period = time("round_period", &raw.round_period, 1_000_000_000)?;
    if round_period == 0 {
        return Err(err("round_period: must be positive".into()));
    }
    let barrier_latency = time("barrier_latency", &raw.barrier_latency, 20 * FS_PER_NS)?;
    if barrier_latency == 0 {
        return Err(err(
            "barrier_latency: must be positive (a release is never at the time of its last contribution)"
                .into(),
        ));
    }
    let outputs = match &raw.outputs {
        None => Some(vec![raw.central.unwrap_or(0)]),
        Some(RawOutputs::Word(w)) if w == "all" => None,
        Some(RawOutputs::Word(w)) => {
            return Err(err(format!(
                "outputs: `{w}` is not `all` or a list of node ids"
            )));
        }
        Some(RawOutputs::Nodes(list)) => Some(list.clone()),
    };
    let lattice = match raw.topology.as_deref() {
        None | Some("lattice") => true,
        Some("scenario") => false,
        Some(other) => {
            return Err(err(format!(
                "topology: `{other}` is not `lattice` or `scenario`"
            )));
        }
    };
    let windows = match (raw.window, raw.commit) {
        (None, Some(_)) => return Err(err("commit: only with `window`".into())),
        (Some(0), _) => return Err(err("window: must be at least 1 round".into())),
        (Some(w), c) => {
            let c = c.unwrap_or(w);
            if c == 0 || c > w {
                return Err(err(format!(
                    "commit: {c} rounds out of a window of {w} (1 <= commit <= window)"
                )));
            }
            Windows::new(&graph, &layout.layer_of, layout.layers, w, c)
                .map_err(|e| err(format!("window: {e}")))?
        }
        (None, None) => Windows::new(
            &graph,
            &layout.layer_of,
            layout.layers,
            layout.layers,
            layout.layers,
        )
        .map_err(|e| err(format!("window: {e}")))?,
    };
    Ok(Problem {
        program: raw.program.clone(),
        windows,
        readout_latency: time("readout_latency", &raw.readout_latency, 0)?,
        round_period,
        barrier_latency,
        graph,
        layout,
        samples,
        outputs,
        central: raw.central.unwrap_or(0),
        check_reference: raw.check_reference.unwrap_or(true),
        lattice,
    })
}

impl Problem {
    /// The lattice network as a graph file's text: nodes joined when they share a decoding
    /// edge or when their stabilizers are nearest neighbours (at the smallest distance
    /// between any two stabilizers).
    pub fn lattice_text(&self) -> String {
        let mut pairs: BTreeSet<(u16, u16)> = self.layout.lattice(&self.graph);
        let p = &self.layout.positions;
        let d2 = |a: usize, b: usize| (p[a].0 - p[b].0).powi(2) + (p[a].1 - p[b].1).powi(2);
        let n = p.len();
        let nearest = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .map(|(a, b)| d2(a, b))
            .fold(f64::INFINITY, f64::min);
        for a in 0..n {
            for b in a + 1..n {
                if d2(a, b) <= nearest * (1.0 + 1e-9) {
                    pairs.insert((a as u16, b as u16));
                }
            }
        }
        pairs.iter().map(|(a, b)| format!("{a} {b}\n")).collect()
    }
}
