//! Scenario files (TOML): programs, node placement, network, components, seed and stop
//! conditions, turned into a ready [`Simulation`]. The format is documented in `docs/scenario.md`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aether_isa::{Addressing, Image, TimingProfile};
use aether_network::{Address, Network, NetworkConfig, NetworkPlan};
use serde::Deserialize;

use crate::component::{Component, Sink, Stimulus, StimulusSpec};
use crate::local_io::barrier::Tap;
use crate::node::{Node, NodeParams, Program};
use crate::qec::layout::graph_words;
use crate::qec::workload::Workload;
use crate::sim::{Simulation, Station, Stepping, StopConditions};
use crate::time::{Time, parse_duration, parse_frequency, period_fs};

mod decoding;
mod node_data;
mod number;

use number::{Quantity, Whole};

pub use node_data::DataBlock;
use node_data::DataLabels;

/// Largest data memory of a node, in words (the reach of a 24-bit address operand).
pub const MAX_MEMORY: u32 = 1 << 24;
/// Deepest data or return stack, in words.
pub const MAX_STACK: u32 = 1 << 16;
/// Most processes per node.
pub const MAX_PROCESSES: u32 = 1 << 16;

/// Most stations (nodes and components) a run holds (docs/scenario.md, Limits).
pub const MAX_STATIONS: u32 = 1 << 24;

/// A scenario that cannot be loaded: the message names the file and the key.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ScenarioError {
    /// The scenario file (or the file it refers to).
    pub file: String,
    /// What is wrong, naming the key.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    programs: BTreeMap<String, RawProgram>,
    #[serde(default)]
    defaults: RawParams,
    #[serde(default)]
    nodes: Vec<RawParams>,
    #[serde(default)]
    grids: Vec<RawParams>,
    #[serde(default)]
    components: Vec<RawComponent>,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default)]
    stop: RawStop,
    #[serde(default)]
    node_data: Vec<PathBuf>,
    decoding: Option<decoding::RawDecoding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    #[serde(default)]
    sources: Vec<PathBuf>,
    image: Option<PathBuf>,
    #[serde(default)]
    lib: Vec<PathBuf>,
}

/// Node parameters and placement keys, as written in `[defaults]`, `[[nodes]]` and
/// `[[grids]]` (one flat table each, so that serde errors name the key).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    program: Option<String>,
    entry: Option<String>,
    clock: Option<Quantity>,
    memory: Option<Whole>,
    data_stack: Option<Whole>,
    return_stack: Option<Whole>,
    processes: Option<Whole>,
    budget: Option<Whole>,
    budget_mode: Option<String>,
    profile: Option<PathBuf>,
    id: Option<u32>,
    ids: Option<Vec<u32>>,
    count: Option<u32>,
    width: Option<u32>,
    height: Option<u32>,
    first_id: Option<u32>,
    data: Option<BTreeMap<String, Vec<i64>>>,
}

/// A placement key that only some tables take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PlacementKey {
    Id,
    Ids,
    Count,
    Width,
    Height,
    FirstId,
    Data,
}

impl PlacementKey {
    fn name(self) -> &'static str {
        match self {
            PlacementKey::Id => "id",
            PlacementKey::Ids => "ids",
            PlacementKey::Count => "count",
            PlacementKey::Width => "width",
            PlacementKey::Height => "height",
            PlacementKey::FirstId => "first_id",
            PlacementKey::Data => "data",
        }
    }
}

impl RawParams {
    /// Fails naming the first of `keys` that is set: it does not belong in table `key`.
    fn forbid(&self, ctx: &Ctx<'_>, key: &str, keys: &[PlacementKey]) -> Result<(), ScenarioError> {
        for &name in keys {
            let set = match name {
                PlacementKey::Id => self.id.is_some(),
                PlacementKey::Ids => self.ids.is_some(),
                PlacementKey::Count => self.count.is_some(),
                PlacementKey::Width => self.width.is_some(),
                PlacementKey::Height => self.height.is_some(),
                PlacementKey::FirstId => self.first_id.is_some(),
                PlacementKey::Data => self.data.is_some(),
            };
            if set {
                return Err(ctx.err(format!("{key}.{}: not allowed here", name.name())));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAddress {
    node: u32,
    #[serde(default)]
    inbox: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
enum RawComponent {
    Stimulus {
        id: u32,
        dst: RawAddress,
        reply_to: Option<RawAddress>,
        #[serde(rename = "type")]
        msg_type: u32,
        #[serde(default)]
        payload: Vec<u32>,
        #[serde(default)]
        sequence: bool,
        #[serde(default)]
        start: Option<Quantity>,
        period: Option<Quantity>,
        #[serde(default = "one")]
        count: u64,
    },
    Sink {
        id: u32,
    },
}

fn one() -> u64 {
    1
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStop {
    until: Option<Quantity>,
    #[serde(default)]
    halt: Vec<u32>,
    on_fault: Option<OnFault>,
}

/// What a fault stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum OnFault {
    /// Only the faulting node.
    StopNode,
    /// The whole run.
    StopRun,
}

/// A behavioural component as the scenario describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentSpec {
    /// A [`Stimulus`].
    Stimulus(StimulusSpec),
    /// A [`Sink`].
    Sink,
}

/// What one node runs and how it is built, after defaults are applied.
#[derive(Clone, Debug)]
pub struct NodeSpec {
    /// Node id.
    pub id: u32,
    /// Program name (a key of `[programs]`).
    pub program: String,
    /// Entry point name.
    pub entry: String,
    /// Clock in Hz.
    pub clock_hz: u64,
    /// Node parameters.
    pub params: NodeParams,
    /// Per-node data, written into memory before the run.
    pub data: Vec<DataBlock>,
}

/// Per-node data read from the scenario, before it is placed in memory.
struct PendingData {
    node: u32,
    label: String,
    words: Vec<u32>,
    /// Where it was given, for errors.
    origin: DataOrigin,
}

/// Where per-node data was given, written out only for an error.
enum DataOrigin {
    /// A node entry's `data` table: its key (`nodes[0]`).
    Key(String),
    /// A line of a per-node data file, by the file's path as shown.
    Line(std::rc::Rc<str>, usize),
}

impl std::fmt::Display for DataOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataOrigin::Key(key) => write!(f, "{key}.data"),
            DataOrigin::Line(file, line) => write!(f, "node_data: {file}:{line}"),
        }
    }
}

/// A loaded scenario, ready to build simulations from.
pub struct Scenario {
    /// The scenario file.
    pub path: PathBuf,
    /// Run seed.
    pub seed: u64,
    /// Programs by name.
    pub programs: BTreeMap<String, Arc<Image>>,
    /// Emulated nodes, by id.
    pub nodes: Vec<NodeSpec>,
    /// Behavioural components by id.
    pub components: Vec<(u32, ComponentSpec)>,
    /// How address words split into node and inbox: the addressing of every program's
    /// image (docs/isa.md, "Addresses and inboxes"). Stations `0..max_nodes()` of it are
    /// on the network.
    pub addressing: Addressing,
    /// Network configuration.
    pub network: NetworkConfig,
    /// The network laid out from `network` when the scenario was read; each run's
    /// network is built from it.
    pub plan: NetworkPlan,
    /// Time limit.
    pub until: Option<Time>,
    /// Stop when one of these nodes halts.
    pub stop_on_halt: Vec<u32>,
    /// Stop at the first fault.
    pub stop_on_fault: bool,
    /// The decoding workload of a `[decoding]` section.
    pub decoding: Option<Arc<Workload>>,
}

/// Assembles and links `sources` (searching the library folders `libs`) into an image;
/// the `aether` binary passes `aether-asm`, and errors are rendered diagnostics.
pub type Assembler<'a> = &'a dyn Fn(&[PathBuf], &[PathBuf]) -> Result<Image, String>;

struct Ctx<'a> {
    file: String,
    dir: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            file: self.file.clone(),
            message: message.into(),
        }
    }

    fn path(&self, p: &Path) -> PathBuf {
        self.dir.join(p)
    }
}

/// `key` is formatted only into an error: it names every node's key, and most are fine.
fn frequency(ctx: &Ctx<'_>, key: fmt::Arguments<'_>, q: &Quantity) -> Result<u64, ScenarioError> {
    let hz = match q {
        Quantity::Number(n) => *n,
        Quantity::Text(t) => parse_frequency(t).map_err(|e| ctx.err(format!("{key}: {e}")))?,
    };
    period_fs(hz).map_err(|e| ctx.err(format!("{key}: {e}")))?;
    Ok(hz)
}

fn duration(ctx: &Ctx<'_>, key: &str, q: &Quantity) -> Result<Time, ScenarioError> {
    match q {
        Quantity::Number(n) => Ok(*n),
        Quantity::Text(t) => parse_duration(t).map_err(|e| ctx.err(format!("{key}: {e}"))),
    }
}

/// Node parameters merged from the defaults and one placement entry.
fn merge(base: &RawParams, over: &RawParams) -> RawParams {
    RawParams {
        program: over.program.clone().or_else(|| base.program.clone()),
        entry: over.entry.clone().or_else(|| base.entry.clone()),
        clock: over.clock.clone().or_else(|| base.clock.clone()),
        memory: over.memory.or(base.memory),
        data_stack: over.data_stack.or(base.data_stack),
        return_stack: over.return_stack.or(base.return_stack),
        processes: over.processes.or(base.processes),
        budget: over.budget.or(base.budget),
        budget_mode: over
            .budget_mode
            .clone()
            .or_else(|| base.budget_mode.clone()),
        profile: over.profile.clone().or_else(|| base.profile.clone()),
        ..RawParams::default()
    }
}

/// A count in `1..=max`, or `default` when unset (`key` is formatted only into an error).
fn bounded(
    ctx: &Ctx<'_>,
    key: fmt::Arguments<'_>,
    value: Option<Whole>,
    default: u32,
    max: u32,
) -> Result<u32, ScenarioError> {
    match value {
        Some(Whole(v)) => u32::try_from(v)
            .ok()
            .filter(|v| (1..=max).contains(v))
            .ok_or_else(|| ctx.err(format!("{key} is {v}; it must be 1..={max}"))),
        None => Ok(default),
    }
}

fn node_spec(
    ctx: &Ctx<'_>,
    key: &str,
    id: u32,
    raw: &RawParams,
    profiles: &mut BTreeMap<PathBuf, Arc<TimingProfile>>,
) -> Result<NodeSpec, ScenarioError> {
    if id >= MAX_STATIONS {
        return Err(ctx.err(format!("{key}: node id {id} exceeds {}", MAX_STATIONS - 1)));
    }
    let program = raw
        .program
        .clone()
        .ok_or_else(|| ctx.err(format!("{key}.program: missing (no program for node {id})")))?;
    let clock_hz = match &raw.clock {
        Some(q) => frequency(ctx, format_args!("{key}.clock"), q)?,
        None => 1_000_000_000,
    };
    let defaults = NodeParams::default();
    let profile = match &raw.profile {
        None => defaults.profile.clone(),
        Some(p) => {
            let full = ctx.path(p);
            match profiles.get(&full) {
                Some(profile) => profile.clone(),
                None => {
                    let loaded = TimingProfile::load(&full)
                        .map_err(|e| ctx.err(format!("{key}.profile: {e}")))?;
                    let loaded = Arc::new(loaded);
                    profiles.insert(full, loaded.clone());
                    loaded
                }
            }
        }
    };
    let budget_faults = match raw.budget_mode.as_deref() {
        None | Some("count") => false,
        Some("fault") => true,
        Some(other) => {
            return Err(ctx.err(format!(
                "{key}.budget_mode: `{other}` is not `count` or `fault`"
            )));
        }
    };
    let count = |name: &str, value: Option<Whole>, default: u32, max: u32| {
        bounded(ctx, format_args!("{key}.{name}"), value, default, max)
    };
    Ok(NodeSpec {
        id,
        program,
        entry: raw.entry.clone().unwrap_or_else(|| "main".into()),
        clock_hz,
        params: NodeParams {
            period: period_fs(clock_hz).map_err(|e| ctx.err(format!("{key}.clock: {e}")))?,
            memory: count("memory", raw.memory, defaults.memory, MAX_MEMORY)?,
            data_stack: count("data_stack", raw.data_stack, defaults.data_stack, MAX_STACK)?,
            return_stack: count(
                "return_stack",
                raw.return_stack,
                defaults.return_stack,
                MAX_STACK,
            )?,
            processes: count(
                "processes",
                raw.processes,
                defaults.processes,
                MAX_PROCESSES,
            )?,
            budget: raw
                .budget
                .map(|Whole(v)| {
                    u64::try_from(v).ok().filter(|&v| v >= 1).ok_or_else(|| {
                        ctx.err(format!(
                            "{key}.budget is {v}; it must be 1..={} cycles (leave it out for no budget)",
                            u64::MAX
                        ))
                    })
                })
                .transpose()?,
            budget_faults,
            profile,
        },
        data: Vec::new(),
    })
}

/// The address `a` of `key`, which must fit an address word of `addressing`.
fn address(
    ctx: &Ctx<'_>,
    key: &str,
    a: &RawAddress,
    addressing: Addressing,
) -> Result<Address, ScenarioError> {
    if addressing.word(a.node, u32::from(a.inbox)).is_none() {
        return Err(ctx.err(format!(
            "{key}: node {} inbox {} does not fit a {addressing} address word (nodes 0 to {}, \
             inboxes 0 to {})",
            a.node,
            a.inbox,
            addressing.max_nodes() - 1,
            addressing.inbox_mask()
        )));
    }
    Ok(Address::new(a.node, a.inbox))
}

/// The addressing every program's image has (narrow when there is no program); images of
/// different addressings cannot share a run, whose address words mean one thing.
fn run_addressing(
    ctx: &Ctx<'_>,
    programs: &BTreeMap<String, Arc<Image>>,
) -> Result<Addressing, ScenarioError> {
    let mut first: Option<(&str, Addressing)> = None;
    for (name, image) in programs {
        match first {
            None => first = Some((name, image.addressing)),
            Some((other, a)) if a != image.addressing => {
                return Err(ctx.err(format!(
                    "programs: `{other}` has {a} addressing and `{name}` {}; the images of \
                     a run must have one addressing (docs/scenario.md, Limits)",
                    image.addressing
                )));
            }
            Some(_) => {}
        }
    }
    Ok(first.map_or_else(Addressing::default, |(_, a)| a))
}

fn component_spec(
    ctx: &Ctx<'_>,
    key: &str,
    raw: RawComponent,
    addressing: Addressing,
) -> Result<(u32, ComponentSpec), ScenarioError> {
    let id = match &raw {
        RawComponent::Stimulus { id, .. } | RawComponent::Sink { id } => *id,
    };
    if u64::from(id) >= addressing.max_nodes() {
        return Err(ctx.err(format!(
            "{key}.id: {id} has no network address (a {addressing} address word names nodes \
             0 to {})",
            addressing.max_nodes() - 1
        )));
    }
    let spec = match raw {
        RawComponent::Sink { .. } => ComponentSpec::Sink,
        RawComponent::Stimulus {
            dst,
            reply_to,
            msg_type,
            payload,
            sequence,
            start,
            period,
            count,
            ..
        } => {
            if period.is_none() && count > 1 {
                return Err(ctx.err(format!("{key}.period: needed when count > 1")));
            }
            let time = |name: &str, q: Option<Quantity>| {
                q.map(|q| duration(ctx, &format!("{key}.{name}"), &q))
                    .transpose()
                    .map(Option::unwrap_or_default)
            };
            ComponentSpec::Stimulus(StimulusSpec {
                dst: address(ctx, &format!("{key}.dst"), &dst, addressing)?,
                reply_to: reply_to
                    .as_ref()
                    .map(|a| address(ctx, &format!("{key}.reply_to"), a, addressing))
                    .transpose()?,
                msg_type,
                payload,
                sequence,
                start: time("start", start)?,
                period: time("period", period)?,
                count,
            })
        }
    };
    Ok((id, spec))
}

impl Scenario {
    /// Reads and checks a scenario file; `assemble` turns `sources` (with `lib` paths) into an image.
    pub fn load(path: &Path, assemble: Assembler<'_>) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: file.clone(),
            message: format!("cannot read: {e}"),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Scenario::parse(&text, &file, dir, assemble)
    }

    /// Parses scenario text; `file` names it in errors and `dir` anchors its relative paths.
    pub fn parse(
        text: &str,
        file: &str,
        dir: &Path,
        assemble: Assembler<'_>,
    ) -> Result<Scenario, ScenarioError> {
        let ctx = Ctx {
            file: file.to_string(),
            dir,
        };
        let raw: RawScenario =
            toml::from_str(text).map_err(|e| ctx.err(e.to_string().trim_end().to_string()))?;

        let mut programs = BTreeMap::new();
        for (name, prog) in &raw.programs {
            let key = format!("programs.{name}");
            let image = match (&prog.image, prog.sources.is_empty()) {
                (Some(img), true) => {
                    let full = ctx.path(img);
                    Image::load(&full)
                        .map_err(|e| ctx.err(format!("{key}.image: {}: {e}", full.display())))?
                }
                (None, false) => {
                    let sources: Vec<PathBuf> = prog.sources.iter().map(|s| ctx.path(s)).collect();
                    if let Some((s, why)) = sources
                        .iter()
                        .find_map(|s| aether_asm::unusable_source(s).map(|why| (s, why)))
                    {
                        return Err(ctx.err(format!("{key}.sources: {}: {why}", s.display())));
                    }
                    let libs: Vec<PathBuf> = prog.lib.iter().map(|l| ctx.path(l)).collect();
                    assemble(&sources, &libs)
                        .map_err(|e| ctx.err(format!("{key}: assembly failed:\n{e}")))?
                }
                _ => {
                    return Err(ctx.err(format!(
                        "{key}: give either `sources` or `image`, not both or neither"
                    )));
                }
            };
            programs.insert(name.clone(), Arc::new(image));
        }

        let mut profiles = BTreeMap::new();
        let mut nodes: Vec<NodeSpec> = Vec::new();
        let mut next_id = 0u32;
        let problem = raw
            .decoding
            .as_ref()
            .map(|d| decoding::problem(&ctx, d, raw.seed))
            .transpose()?;
        let mut pending: Vec<PendingData> = Vec::new();
        {
            use PlacementKey::*;
            raw.defaults.forbid(
                &ctx,
                "defaults",
                &[Id, Ids, Count, Width, Height, FirstId, Data],
            )?;
        }
        // The defaults' values are checked once under their own name, even where every
        // node overrides them, so that a bad `defaults.clock` is never silently unused.
        let named = RawParams {
            program: Some(String::new()),
            ..RawParams::default()
        };
        node_spec(
            &ctx,
            "defaults",
            0,
            &merge(&raw.defaults, &named),
            &mut profiles,
        )?;
        if let Some(problem) = &problem {
            let params = merge(
                &raw.defaults,
                &RawParams {
                    program: Some(problem.program.clone()),
                    ..RawParams::default()
                },
            );
            for id in 0..problem.layout.nodes() as u32 {
                nodes.push(node_spec(&ctx, "decoding", id, &params, &mut profiles)?);
            }
            next_id = problem.layout.nodes() as u32;
        }
        for (i, entry) in raw.nodes.iter().enumerate() {
            let key = format!("nodes[{i}]");
            use PlacementKey::{FirstId, Height, Width};
            entry.forbid(&ctx, &key, &[Width, Height, FirstId])?;
            let ids: Vec<u32> = match (&entry.id, &entry.ids, entry.count) {
                (Some(id), None, None) => vec![*id],
                (None, Some(ids), None) => ids.clone(),
                (None, None, Some(count)) => (next_id..next_id + count).collect(),
                (None, None, None) => vec![next_id],
                _ => return Err(ctx.err(format!("{key}: give one of `id`, `ids` or `count`"))),
            };
            let params = merge(&raw.defaults, entry);
            for id in ids {
                let spec = node_spec(&ctx, &key, id, &params, &mut profiles)?;
                for (label, values) in entry.data.iter().flatten() {
                    let words = values
                        .iter()
                        .map(|&v| node_data::word(v))
                        .collect::<Result<Vec<u32>, String>>()
                        .map_err(|e| ctx.err(format!("{key}.data.{label}: {e}")))?;
                    pending.push(PendingData {
                        node: spec.id,
                        label: label.clone(),
                        words,
                        origin: DataOrigin::Key(key.clone()),
                    });
                }
                nodes.push(spec);
                next_id = id + 1;
            }
        }
        for (i, grid) in raw.grids.iter().enumerate() {
            let key = format!("grids[{i}]");
            {
                use PlacementKey::*;
                grid.forbid(&ctx, &key, &[Id, Ids, Count, Data])?;
            }
            let (Some(width), Some(height)) = (grid.width, grid.height) else {
                return Err(ctx.err(format!("{key}: needs `width` and `height`")));
            };
            if width == 0 || height == 0 {
                return Err(ctx.err(format!(
                    "{key}: width and height must be at least 1 (got {width}x{height})"
                )));
            }
            let first = grid.first_id.unwrap_or(next_id);
            let count = u64::from(width) * u64::from(height);
            if u64::from(first) + count > u64::from(MAX_STATIONS) {
                return Err(ctx.err(format!(
                    "{key}: {count} nodes from id {first} exceed {MAX_STATIONS} nodes"
                )));
            }
            let params = merge(&raw.defaults, grid);
            for id in first..first + count as u32 {
                nodes.push(node_spec(&ctx, &key, id, &params, &mut profiles)?);
            }
            next_id = first + count as u32;
        }

        let addressing = run_addressing(&ctx, &programs)?;
        let mut components = Vec::new();
        for (i, c) in raw.components.into_iter().enumerate() {
            let key = format!("components[{i}]");
            components.push(component_spec(&ctx, &key, c, addressing)?);
        }

        let mut taken = BTreeMap::new();
        for n in &nodes {
            if taken.insert(n.id, "node").is_some() {
                return Err(ctx.err(format!("node id {} is placed twice", n.id)));
            }
            if !programs.contains_key(&n.program) {
                return Err(ctx.err(format!(
                    "node {}: program `{}` is not defined in [programs]",
                    n.id, n.program
                )));
            }
            let image = &programs[&n.program];
            if image.entry(&n.entry).is_none() {
                return Err(ctx.err(format!(
                    "node {}: program `{}` has no entry point `{}`",
                    n.id, n.program, n.entry
                )));
            }
        }
        for (id, _) in &components {
            if taken.insert(*id, "component").is_some() {
                return Err(ctx.err(format!("components: id {id} is already taken")));
            }
        }
        let total = taken.len();
        if total == 0 {
            return Err(ctx.err("no [[nodes]], [[grids]] or [[components]]: nothing to simulate"));
        }
        if let Some((&last, _)) = taken.last_key_value()
            && last as usize + 1 != total
        {
            let missing = (0..=last).find(|i| !taken.contains_key(i)).unwrap_or(last);
            return Err(ctx.err(format!(
                "node ids must cover 0..{total} without gaps; id {missing} is missing"
            )));
        }
        nodes.sort_by_key(|n| n.id);
        for file in &raw.node_data {
            let full = ctx.path(file);
            let text = std::fs::read_to_string(&full)
                .map_err(|e| ctx.err(format!("node_data: {}: {e}", full.display())))?;
            let lines = node_data::parse_file(&text)
                .map_err(|e| ctx.err(format!("node_data: {}: {e}", full.display())))?;
            let shown: std::rc::Rc<str> = full.display().to_string().into();
            pending.extend(lines.into_iter().map(|l| PendingData {
                node: l.node,
                label: l.label,
                words: l.words,
                origin: DataOrigin::Line(shown.clone(), l.line),
            }));
        }

        let until = raw
            .stop
            .until
            .as_ref()
            .map(|q| duration(&ctx, "stop.until", q))
            .transpose()?;
        let stop_on_fault = raw.stop.on_fault == Some(OnFault::StopRun);
        for h in &raw.stop.halt {
            if !nodes.iter().any(|n| n.id == *h) {
                return Err(ctx.err(format!("stop.halt: {h} is not an emulated node")));
            }
        }
        let mut network = raw.network;
        network.resolve_paths(ctx.dir);
        if let Some(problem) = problem.as_ref().filter(|p| p.lattice) {
            if total != problem.layout.nodes() {
                return Err(ctx.err(format!(
                    "decoding.topology: the lattice joins the {} stabilizer nodes only; with \
                     other stations ({total} in all) use topology = \"scenario\" and a [network]",
                    problem.layout.nodes()
                )));
            }
            network.topology = aether_network::TopologyConfig::GraphText {
                name: "the decoding lattice".into(),
                text: problem.lattice_text(),
            };
        }
        let stations = usize::try_from(addressing.max_nodes()).unwrap_or(usize::MAX);
        let plan = NetworkPlan::new(&network, total.min(stations))
            .map_err(|e| ctx.err(format!("network: {e}")))?;
        for (i, (_, c)) in components.iter().enumerate() {
            if let ComponentSpec::Stimulus(spec) = c
                && spec.dst.node as usize >= total
            {
                return Err(ctx.err(format!(
                    "components[{i}].dst.node: node {} does not exist",
                    spec.dst.node
                )));
            }
        }
        let mut scenario = Scenario {
            path: PathBuf::from(file),
            seed: raw.seed,
            programs,
            nodes,
            components,
            addressing,
            network,
            plan,
            until,
            stop_on_halt: raw.stop.halt,
            stop_on_fault,
            decoding: None,
        };
        if let Some(problem) = problem {
            scenario.place_decoding(problem)?;
        }
        // One table of data labels per program, by the image's address.
        let mut labels: HashMap<*const Image, DataLabels> = HashMap::new();
        for data in pending {
            if scenario.has_data(data.node, &data.label) {
                return Err(ctx.err(format!(
                    "{}: node {}: data at `{}` is given twice",
                    data.origin, data.node, data.label
                )));
            }
            let place = |image: &Image, memory, label: &str, words| {
                labels
                    .entry(std::ptr::from_ref(image))
                    .or_insert_with(|| DataLabels::new(image))
                    .place(image, memory, label, words)
            };
            scenario
                .set_data_by(data.node, &data.label, data.words, place)
                .map_err(|e| ctx.err(format!("{}: {}", data.origin, e.message)))?;
        }
        Ok(scenario)
    }

    /// Writes `qec_node` on every node and `qec_graph` on the central node, and keeps the
    /// workload (docs/decoders.md, "Per-node data").
    fn place_decoding(&mut self, problem: decoding::Problem) -> Result<(), ScenarioError> {
        let err = |m: String| ScenarioError {
            file: self.path.display().to_string(),
            message: format!("decoding.{m}"),
        };
        let n = problem.layout.nodes() as u16;
        let outputs = problem.outputs.clone().unwrap_or_else(|| (0..n).collect());
        let emulated = |id: u16| self.spec_index(u32::from(id)).is_some();
        if let Some(bad) = outputs.iter().find(|&&id| !emulated(id)) {
            return Err(err(format!("outputs: {bad} is not an emulated node")));
        }
        if !emulated(problem.central) {
            return Err(err(format!(
                "central: {} is not an emulated node",
                problem.central
            )));
        }
        let (graph, layout, central) = (&problem.graph, &problem.layout, problem.central);
        let ids: Vec<u16> = self
            .nodes
            .iter()
            .map_while(|s| u16::try_from(s.id).ok())
            .collect();
        if let Some(beyond) = self.nodes.get(ids.len()) {
            return Err(err(format!(
                "topology: node {} is past the 65536 stations a decoding run may hold",
                beyond.id
            )));
        }
        let windowed = problem.windows.is_windowed();
        let mut window_data = Vec::new();
        for &id in &ids {
            let wide = u32::from(id);
            let decodes = id < n || self.has_label(wide, "qec_node");
            if windowed && decodes && !self.has_label(wide, "qec_window") {
                let program = &self.nodes[self.spec_index(wide).expect("a node")].program;
                return Err(err(format!(
                    "window: program `{program}` of node {id} has no data label `qec_window`: \
                     its decoder decodes whole shots, not windows (the streaming decoder is \
                     programs/decoders/distributed/stream.s)"
                )));
            }
            if id < n && self.has_label(wide, "qec_window") {
                window_data.push((
                    wide,
                    layout.window_words(graph, id, problem.windows.sizes()),
                ));
            }
        }
        for (id, words) in window_data {
            self.set_data(id, "qec_window", words)?;
        }
        for id in ids {
            let words = if id < n {
                layout.node_words(graph, id, central)
            } else if self.has_label(u32::from(id), "qec_node") {
                layout.empty_node_words(graph, id, central)
            } else {
                continue;
            };
            self.set_data(u32::from(id), "qec_node", words)?;
        }
        if self.has_label(u32::from(central), "qec_graph") {
            self.set_data(u32::from(central), "qec_graph", graph_words(graph))?;
        }
        self.decoding = Some(Arc::new(Workload::new(
            problem.graph,
            problem.layout,
            problem.samples,
            problem.round_period,
            problem.readout_latency,
            problem.barrier_latency,
            outputs,
            problem.central,
            problem.check_reference,
            problem.windows,
        )));
        Ok(())
    }

    /// The index in `nodes` (sorted by id) of emulated node `id`.
    fn spec_index(&self, id: u32) -> Option<usize> {
        self.nodes.binary_search_by_key(&id, |n| n.id).ok()
    }

    /// Whether node `id`'s program has a symbol `label`.
    fn has_label(&self, id: u32, label: &str) -> bool {
        self.spec_index(id).is_some_and(|i| {
            self.programs[&self.nodes[i].program]
                .symbol(label)
                .is_some()
        })
    }

    fn has_data(&self, node: u32, label: &str) -> bool {
        self.spec_index(node)
            .is_some_and(|i| self.nodes[i].data.iter().any(|b| b.label == label))
    }

    /// Gives emulated node `node` the `words` at data label `label` of its program, written
    /// into its memory before the run (replacing what was given for that label before). The
    /// words must fit before the next data label or the end of memory.
    pub fn set_data(
        &mut self,
        node: u32,
        label: &str,
        words: Vec<u32>,
    ) -> Result<(), ScenarioError> {
        self.set_data_by(node, label, words, node_data::place)
    }

    /// [`Scenario::set_data`], the words placed in the program's memory by `place`.
    fn set_data_by(
        &mut self,
        node: u32,
        label: &str,
        words: Vec<u32>,
        place: impl FnOnce(&Image, u32, &str, Vec<u32>) -> Result<DataBlock, String>,
    ) -> Result<(), ScenarioError> {
        let err = |message: String| ScenarioError {
            file: self.path.display().to_string(),
            message,
        };
        let Some(i) = self.spec_index(node) else {
            return Err(err(format!(
                "node {node}: data at `{label}`: node {node} is not an emulated node"
            )));
        };
        let spec = &self.nodes[i];
        let image = &self.programs[&spec.program];
        let block = place(image, spec.params.memory, label, words).map_err(|e| {
            err(format!(
                "node {node}: data at `{label}` (program `{}`): {e}",
                spec.program
            ))
        })?;
        let spec = &mut self.nodes[i];
        spec.data.retain(|b| b.label != label);
        spec.data.push(block);
        Ok(())
    }

    /// The program and clock of node `id` (empty for a component).
    pub fn label(&self, id: u32) -> crate::report::NodeLabel {
        self.nodes
            .binary_search_by_key(&id, |n| n.id)
            .ok()
            .map(|i| crate::report::NodeLabel {
                program: self.nodes[i].program.clone(),
                clock_hz: self.nodes[i].clock_hz,
            })
            .unwrap_or_default()
    }

    /// Number of stations (nodes and components).
    pub fn stations(&self) -> usize {
        self.nodes.len() + self.components.len()
    }

    /// Builds a fresh simulation with `seed`; `until` overrides the scenario's time limit.
    pub fn build(
        &self,
        seed: u64,
        until: Option<Time>,
        stepping: Stepping,
    ) -> Result<Simulation, ScenarioError> {
        let err = |message: String| ScenarioError {
            file: self.path.display().to_string(),
            message,
        };
        let total = self.stations();
        let mut stations: Vec<Option<Station>> = (0..total).map(|_| None).collect();
        let mut decoded: BTreeMap<(String, *const TimingProfile), Arc<Program>> = BTreeMap::new();
        for spec in &self.nodes {
            let image = self.programs[&spec.program].clone();
            let key = (spec.program.clone(), Arc::as_ptr(&spec.params.profile));
            let program = decoded
                .entry(key)
                .or_insert_with(|| Arc::new(Program::new(image.clone(), &spec.params.profile)))
                .clone();
            let entry = image.entry(&spec.entry).unwrap_or_default();
            let mut node = Node::new(
                spec.id,
                spec.params.clone(),
                program,
                entry,
                total as u32,
                seed,
            )
            .map_err(err)?;
            for block in &spec.data {
                node.mem
                    .slice_mut(block.addr, block.words.len() as u32)
                    .map_err(|e| err(format!("node {}: {e}", spec.id)))?
                    .copy_from_slice(&block.words);
            }
            stations[spec.id as usize] = Some(Station::Node(Box::new(node)));
        }
        for (id, c) in &self.components {
            let component: Box<dyn Component> = match c {
                ComponentSpec::Stimulus(spec) => Box::new(Stimulus::new(spec.clone())),
                ComponentSpec::Sink => Box::new(Sink::default()),
            };
            stations[*id as usize] = Some(Station::Component(component));
        }
        let mut stations: Vec<Station> = stations.into_iter().flatten().collect();
        if let Some(workload) = &self.decoding {
            let participants = workload.layout.nodes() as u32;
            for station in &mut stations {
                if let Station::Node(node) = station {
                    node.outputs = Some(Vec::new());
                    node.barrier = if node.id < participants {
                        Tap::On(Vec::new())
                    } else {
                        Tap::Outsider
                    };
                }
            }
        }
        let mut net = Network::from_plan(&self.plan, seed);
        for spec in &self.nodes {
            net.set_nic_period(spec.id, spec.params.period);
        }
        let mut sim = Simulation::new(
            stations,
            net,
            stepping,
            StopConditions {
                until: until.or(self.until),
                on_halt: self.stop_on_halt.clone(),
                on_fault: self.stop_on_fault,
                predicate: None,
            },
        );
        if let Some(workload) = &self.decoding {
            sim.set_inputs(Box::new(workload.readouts()));
            sim.set_barrier(workload.barrier());
        }
        Ok(sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn halt_image(_: &[PathBuf], _: &[PathBuf]) -> Result<Image, String> {
        let mut code = Vec::new();
        aether_isa::Instruction::bare(aether_isa::Opcode::Halt).encode_into(&mut code);
        Ok(Image {
            code,
            entries: vec![aether_isa::Entry {
                name: "main".into(),
                addr: 0,
            }],
            ..Image::default()
        })
    }

    /// A halting image with data labels `a` (4 words of room) and `b` (at 4).
    fn data_image(_: &[PathBuf], _: &[PathBuf]) -> Result<Image, String> {
        let mut image = halt_image(&[], &[])?;
        image.data = vec![7; 6];
        for (name, value) in [("a", 0), ("b", 4)] {
            image.symbols.push(aether_isa::Symbol {
                name: name.into(),
                kind: aether_isa::SymbolKind::Data,
                value,
            });
        }
        Ok(image)
    }

    /// The scenario `text` with a program `p` and the node data file `file`, in a directory
    /// of its own (tests run side by side), removed when the returned guard drops.
    fn parse_data(text: &str, file: &str) -> (tempfile::TempDir, Result<Scenario, ScenarioError>) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("p.s"), "halt\n").expect("source");
        std::fs::write(dir.path().join("n.data"), file).expect("data file");
        let text = format!("node_data = [\"n.data\"]\n[programs.p]\nsources = [\"p.s\"]\n{text}");
        let scenario = Scenario::parse(&text, "t.toml", dir.path(), &data_image);
        (dir, scenario)
    }

    fn mem(sim: &Simulation, node: usize) -> Vec<u32> {
        match &sim.world.stations[node] {
            Station::Node(n) => n.mem.iter().take(8).collect(),
            Station::Component(_) => Vec::new(),
        }
    }

    #[test]
    fn per_node_data_lands_at_its_label_over_the_image_data() {
        let (_dir, s) = parse_data(
            "[[nodes]]\ncount = 2\nprogram = \"p\"\nmemory = 16\ndata = { b = [-1, 2] }\n",
            "# node 1 only\n1 a: 1 2 3 0x10\n",
        );
        let mut s = s.expect("loads");
        s.set_data(0, "a", vec![9]).expect("fits");
        let sim = s.build(1, None, Stepping::RunAhead).expect("builds");
        assert_eq!(mem(&sim, 0), vec![9, 7, 7, 7, u32::MAX, 2, 0, 0]);
        assert_eq!(mem(&sim, 1), vec![1, 2, 3, 16, u32::MAX, 2, 0, 0]);
    }

    #[test]
    fn per_node_data_errors_name_the_node_and_the_label() {
        let node = "[[nodes]]\nprogram = \"p\"\nmemory = 8\n";
        for (text, file, needle) in [
            (
                "",
                "0 a: 1 2 3 4 5\n",
                "n.data:1: node 0: data at `a` (program `p`): 5 words at `a` do not fit before the next data label `b`: room for 4",
            ),
            (
                "",
                "0 b: 1 2 3 4 5\n",
                "node 0: data at `b` (program `p`): 5 words at `b` do not fit before the end of memory (8 words)",
            ),
            (
                "",
                "\n0 c: 1\n",
                "n.data:2: node 0: data at `c` (program `p`): the program has no data label `c`",
            ),
            (
                "",
                "3 a: 1\n",
                "node 3: data at `a`: node 3 is not an emulated node",
            ),
            (
                "data = { a = [1] }\n",
                "0 a: 1\n",
                "n.data:1: node 0: data at `a` is given twice",
            ),
            (
                "data = { a = [4294967296] }\n",
                "",
                "nodes[0].data.a: 4294967296 does not fit",
            ),
            ("", "0 a 1\n", "n.data: line 1: expected"),
        ] {
            let err = parse_data(&format!("{node}{text}"), file)
                .1
                .err()
                .unwrap_or_else(|| panic!("accepted: {text} / {file}"));
            let message = err.to_string();
            assert!(message.contains(needle), "`{needle}` not in: {message}");
        }
        let err = parse("[programs.p]\nsources = [\"SRC\"]\n[defaults]\ndata = { a = [1] }\n")
            .err()
            .expect("data in defaults");
        assert!(
            err.to_string().contains("defaults.data: not allowed here"),
            "{err}"
        );
    }

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let dir = std::env::temp_dir();
        let file = dir.join("aether-scenario-test.s");
        std::fs::write(&file, "halt\n").expect("temp file");
        let text = text.replace("SRC", &file.display().to_string());
        Scenario::parse(&text, "t.toml", &dir, &halt_image)
    }

    #[test]
    fn placements_defaults_and_components_resolve() {
        let s = parse(
            r#"
seed = 9
[programs.p]
sources = ["SRC"]
[defaults]
program = "p"
clock = "500 MHz"
[[nodes]]
count = 2
memory = 128
[[grids]]
width = 3
height = 2
clock = 2000000000
budget = 50
budget_mode = "fault"
[[components]]
kind = "stimulus"
id = 8
dst = { node = 0 }
type = 4
payload = [1, 2]
start = "1 ns"
period = "2.5 ns"
count = 3
[[components]]
kind = "sink"
id = 9
[stop]
until = "3 us"
halt = [2]
"#,
        )
        .expect("valid scenario");
        assert_eq!(s.seed, 9);
        assert_eq!(
            s.nodes.iter().map(|n| n.id).collect::<Vec<_>>(),
            (0..8).collect::<Vec<_>>()
        );
        assert_eq!(s.nodes[0].params.period, 2_000_000);
        assert_eq!(s.nodes[0].params.memory, 128);
        assert_eq!(s.nodes[2].params.period, 500_000);
        assert_eq!(s.nodes[2].params.memory, NodeParams::default().memory);
        assert!(s.nodes[7].params.budget_faults);
        assert_eq!(s.until, Some(3_000_000_000));
        assert_eq!(s.stop_on_halt, vec![2]);
        assert_eq!(
            s.components[0],
            (
                8,
                ComponentSpec::Stimulus(StimulusSpec {
                    dst: Address::new(0, 0),
                    reply_to: None,
                    msg_type: 4,
                    payload: vec![1, 2],
                    sequence: false,
                    start: 1_000_000,
                    period: 2_500_000,
                    count: 3,
                })
            )
        );
        assert_eq!(s.components[1], (9, ComponentSpec::Sink));
        let mut sim = s.build(1, None, Stepping::RunAhead).expect("builds");
        assert_eq!(sim.world.stations.len(), 10);
        assert_eq!(sim.run().reason, crate::engine::StopReason::Model);
    }

    /// A halting image with wide addressing (`.addressing wide`).
    fn wide_halt_image(s: &[PathBuf], l: &[PathBuf]) -> Result<Image, String> {
        Ok(Image {
            addressing: aether_isa::Addressing::Wide,
            ..halt_image(s, l)?
        })
    }

    /// The scenario of `nodes` nodes (ids 0 up) and `components` (TOML), parsed with images
    /// of `wide` or narrow addressing.
    fn with_components(
        nodes: u64,
        components: &str,
        wide: bool,
    ) -> Result<Scenario, ScenarioError> {
        let text = format!(
            "[programs.p]\nsources = [\"x.s\"]\n[[nodes]]\nprogram = \"p\"\ncount = {nodes}\n\
             {components}"
        );
        let dir = std::env::temp_dir();
        let assemble = if wide { wide_halt_image } else { halt_image };
        std::fs::write(dir.join("x.s"), "halt\n").expect("temp file");
        Scenario::parse(&text, "t.toml", &dir, &assemble)
    }

    #[test]
    fn component_ids_and_addresses_fit_the_run_s_address_word() {
        let sink = |id: u32| format!("[[components]]\nkind = \"sink\"\nid = {id}\n");
        let stimulus = |field: &str, node: u64, inbox: u64| {
            format!(
                "[[components]]\nkind = \"stimulus\"\nid = 1\ndst = {{ node = 0 }}\ntype = 1\n\
                 {field} = {{ node = {node}, inbox = {inbox} }}\n"
            )
        };
        // Narrow words: node 16 bits (0 to 65,535), inbox 16 bits; wide: node 24 bits
        // (0 to 16,777,215), inbox 8 bits (docs/isa.md, "Addresses and inboxes").
        let refused = [
            (
                sink(65_536),
                false,
                "components[0].id: 65536 has no network address (a narrow address word names nodes 0 to 65535)",
            ),
            (
                sink(16_777_216),
                true,
                "components[0].id: 16777216 has no network address (a wide address word names nodes 0 to 16777215)",
            ),
            (
                stimulus("reply_to", 65_536, 0),
                false,
                "components[0].reply_to: node 65536 inbox 0 does not fit a narrow address word (nodes 0 to 65535, inboxes 0 to 65535)",
            ),
            (
                stimulus("reply_to", 0, 256),
                true,
                "components[0].reply_to: node 0 inbox 256 does not fit a wide address word (nodes 0 to 16777215, inboxes 0 to 255)",
            ),
            (
                stimulus("reply_to", 16_777_216, 0),
                true,
                "components[0].reply_to: node 16777216 inbox 0 does not fit a wide address word",
            ),
        ];
        for (text, wide, needle) in refused {
            let message = with_components(1, &text, wide)
                .err()
                .unwrap_or_else(|| panic!("accepted: {text}"))
                .to_string();
            assert!(message.contains(needle), "`{needle}` not in: {message}");
        }
        // Ids cover 0..N without gaps: the nodes fill the ids below the component's. More
        // than 65,536 stations need a topology other than all-to-all.
        for (id, wide) in [(65_535_u32, false), (65_536, true)] {
            let text = format!(
                "{}[network.topology]\nkind = \"tree\"\narity = 4\n",
                sink(id)
            );
            let s =
                with_components(id.into(), &text, wide).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(s.components, vec![(id, ComponentSpec::Sink)]);
        }
        let s = with_components(1, &stimulus("reply_to", 70_000, 255), true).expect("fits wide");
        let ComponentSpec::Stimulus(spec) = &s.components[0].1 else {
            panic!("not a stimulus: {:?}", s.components[0]);
        };
        assert_eq!(spec.reply_to, Some(Address::new(70_000, 255)));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_is_an_error_or_a_scenario_never_a_panic(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn mangled_scenarios_never_panic(cut in 0usize..400, junk in "[a-z0-9=\\[\\]\" .\n-]{0,12}") {
            let valid = "[programs.p]\nsources = [\"SRC\"]\n[defaults]\nprogram = \"p\"\nclock = \"1 GHz\"\n\
                         [[grids]]\nwidth = 2\nheight = 2\n[[components]]\nkind = \"sink\"\nid = 4\n\
                         [stop]\nuntil = \"1 us\"\n";
            let at = valid.char_indices().map(|(i, _)| i).nth(cut % valid.len()).unwrap_or(0);
            let text = format!("{}{}{}", &valid[..at], junk, &valid[at..]);
            if let Ok(s) = parse(&text) {
                let _ = s.build(1, Some(1_000_000), Stepping::RunAhead).map(|mut sim| sim.run());
            }
        }
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\nmemory = 0\n",
                "nodes[0].memory",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[defaults]\nclock = \"fast\"\n[[nodes]]\nprogram = \"p\"\nclock = \"1 GHz\"\n",
                "defaults.clock",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\nimage = \"x.img\"\n",
                "programs.p",
            ),
            ("[programs.p]\nimage = \"nope.img\"\n", "programs.p.image"),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\nbudget_mode = \"maybe\"\n",
                "budget_mode",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\nentry = \"start\"\n",
                "entry point `start`",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\n[[components]]\nkind = \"stimulus\"\nid = 1\ndst = { node = 5 }\ntype = 1\n",
                "components[0].dst.node",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\n[stop]\nuntil = \"soon\"\n",
                "stop.until",
            ),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nprogram = \"p\"\n[network.link]\nbandwidth = 0\n",
                "network",
            ),
            ("[programs.p]\nsources = [\"SRC\"]\n", "nothing to simulate"),
            (
                "[programs.p]\nsources = [\"SRC\"]\n[[nodes]]\nid = 0\nprogram = \"p\"\n[[nodes]]\nid = 0\nprogram = \"p\"\n",
                "placed twice",
            ),
        ];
        for (text, needle) in cases {
            let err = parse(text)
                .err()
                .unwrap_or_else(|| panic!("accepted: {text}"));
            let message = err.to_string();
            assert!(message.starts_with("t.toml: "), "{message}");
            assert!(message.contains(needle), "`{needle}` not in: {message}");
        }
    }
}
