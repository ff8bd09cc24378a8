//! `aether qec ...`: decoding problems and shots in stim's formats (docs/decoders.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aether_cosim::qec::dem::Dem;
use aether_cosim::qec::distributed::Distributed;
use aether_cosim::qec::graph::{DecodingGraph, Weighting};
use aether_cosim::qec::layout::Layout;
use aether_cosim::qec::sample::sample;
use aether_cosim::qec::score::Score;
use aether_cosim::qec::shots::{ShotFormat, read_shots, write_shots};
use aether_cosim::qec::surface::{Noise, SurfaceCode};
use aether_cosim::qec::unionfind::{Correction, decode};
use bitvec::vec::BitVec;
use clap::{Args, Subcommand, ValueEnum};

use crate::fail;

/// The `aether qec` subcommands.
#[derive(Subcommand)]
pub enum QecCommand {
    /// Sample detection events and observable flips of the built-in surface code or of any DEM.
    ///
    /// Exit status: 0 = written, 2 = bad input or unwritable output.
    #[command(
        after_help = "Example:\n  aether qec sample --distance 5 --rounds 1 --noise code-capacity \
                            --p 0.05 --shots 1000 --seed 1 --dem-out x.dem --dets-out d.01 --obs-out o.01"
    )]
    Sample(SampleArgs),
    /// Build the decoding graph of a DEM and print its size (checks that the DEM is decodable).
    ///
    /// Exit status: 0 = the graph was built, 2 = bad input (syntax, hyperedges, ...).
    Graph(GraphArgs),
    /// Decode detection events with the reference union-find (docs/decoders.md) and write the
    /// predicted observable flips.
    ///
    /// Exit status: 0 = every shot decoded, 2 = bad input or a syndrome that cannot be matched.
    #[command(
        after_help = "Example:\n  aether qec decode --dem x.dem --dets d.01 --out pred.01\n  \
                      aether qec score --obs o.01 --pred pred.01"
    )]
    Decode(DecodeArgs),
    /// Print the logical error rate of predicted observable flips, with a Wilson 95 % interval.
    ///
    /// Exit status: 0 = scored, 2 = bad input.
    Score(ScoreArgs),
}

/// The noise models of the built-in generator.
#[derive(Clone, Copy, ValueEnum)]
pub enum NoiseArg {
    /// One round of data flips, perfect measurement.
    CodeCapacity,
    /// Data flips every round, measurement flips, final data measurement flips.
    Phenomenological,
}

/// Arguments of `aether qec sample`.
#[derive(Args)]
pub struct SampleArgs {
    /// Distance of the rotated surface code memory-Z experiment (odd, >= 3).
    #[arg(long, required_unless_present = "dem", conflicts_with = "dem")]
    distance: Option<u32>,
    /// Syndrome rounds [default: 1 for code-capacity, the distance for phenomenological].
    #[arg(long, conflicts_with = "dem")]
    rounds: Option<u32>,
    /// The generator's noise model.
    #[arg(
        long,
        value_enum,
        default_value = "code-capacity",
        conflicts_with = "dem"
    )]
    noise: NoiseArg,
    /// Probability of every bit flip of the generator's noise model.
    #[arg(long, required_unless_present = "dem", conflicts_with = "dem")]
    p: Option<f64>,
    /// Sample this stim DEM instead of the built-in generator.
    #[arg(long, value_name = "FILE")]
    dem: Option<PathBuf>,
    /// Number of shots.
    #[arg(long)]
    shots: usize,
    /// Sampler seed, a whole number 0 ..= 2^64-1.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true, value_parser = super::parse_seed)]
    seed: u64,
    /// Write the sampled DEM here (stim's .dem text).
    #[arg(long, value_name = "FILE")]
    dem_out: Option<PathBuf>,
    /// Write the detection events here.
    #[arg(long, value_name = "FILE")]
    dets_out: PathBuf,
    /// Write the observable flips here.
    #[arg(long, value_name = "FILE")]
    obs_out: PathBuf,
    /// Shot file format (stim's `01` or `b8`).
    #[arg(long, default_value = "01", value_parser = parse_format)]
    format: ShotFormat,
}

/// Arguments of `aether qec graph`.
#[derive(Args)]
pub struct GraphArgs {
    /// The stim DEM.
    #[arg(long, value_name = "FILE")]
    dem: PathBuf,
    /// Edge weights: `unweighted` (all 2) or `log:R` (docs/decoders.md, "Edge weights").
    #[arg(long, default_value = "unweighted")]
    weights: Weighting,
}

/// Arguments of `aether qec decode`.
#[derive(Args)]
pub struct DecodeArgs {
    /// The stim DEM the detection events come from.
    #[arg(long, value_name = "FILE")]
    dem: PathBuf,
    /// The detection events, one shot per record.
    #[arg(long, value_name = "FILE")]
    dets: PathBuf,
    /// Write the predicted observable flips here.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Shot file format of both files (stim's `01` or `b8`).
    #[arg(long, default_value = "01", value_parser = parse_format)]
    format: ShotFormat,
    /// Edge weights: `unweighted` (all 2) or `log:R` (docs/decoders.md, "Edge weights").
    #[arg(long, default_value = "unweighted")]
    weights: Weighting,
    /// Also write each shot's correction edges here: one line per shot, edge ids ascending.
    #[arg(long, value_name = "FILE")]
    edges_out: Option<PathBuf>,
    /// Also run the distributed decoder's protocol on every shot (docs/decoders.md, "The
    /// distributed decoder"), check it gives the same correction, and print what it costs.
    #[arg(long)]
    distributed: bool,
}

/// Arguments of `aether qec score`.
#[derive(Args)]
pub struct ScoreArgs {
    /// The actual observable flips (from `aether qec sample --obs-out` or stim).
    #[arg(long, value_name = "FILE")]
    obs: PathBuf,
    /// The predicted observable flips (from a decoder).
    #[arg(long, value_name = "FILE")]
    pred: PathBuf,
    /// Number of observables per shot.
    #[arg(long, default_value_t = 1)]
    observables: usize,
    /// Shot file format of both files (stim's `01` or `b8`).
    #[arg(long, default_value = "01", value_parser = parse_format)]
    format: ShotFormat,
}

fn parse_format(text: &str) -> Result<ShotFormat, String> {
    text.parse()
}

/// Runs one `aether qec` subcommand.
pub fn main(command: QecCommand) -> ExitCode {
    let result = match command {
        QecCommand::Sample(args) => run_sample(&args),
        QecCommand::Graph(args) => run_graph(&args),
        QecCommand::Decode(args) => run_decode(&args),
        QecCommand::Score(args) => run_score(&args),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => fail(message),
    }
}

/// Reads a whole input file, naming it if it cannot be read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a stim DEM file.
pub fn read_dem(path: &Path) -> Result<Dem, String> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{}: not UTF-8 text ({e})", path.display()))?;
    Dem::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Reads a shot file of `bits` bits per shot.
pub fn read_shot_file(
    path: &Path,
    format: ShotFormat,
    bits: usize,
) -> Result<Vec<bitvec::vec::BitVec>, String> {
    read_shots(&read_file(path)?, format, bits, &path.display().to_string())
        .map_err(|e| e.to_string())
}

/// Writes an output file, naming it if it cannot be written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run_sample(args: &SampleArgs) -> Result<String, String> {
    let dem = match (&args.dem, args.distance, args.p) {
        (Some(path), _, _) => read_dem(path)?,
        (None, Some(distance), Some(p)) => {
            let noise = match args.noise {
                NoiseArg::CodeCapacity => Noise::CodeCapacity,
                NoiseArg::Phenomenological => Noise::Phenomenological,
            };
            let rounds = args.rounds.unwrap_or(noise.default_rounds(distance));
            let code = SurfaceCode {
                distance,
                rounds,
                noise,
                p,
            };
            code.dem().map_err(|e| e.to_string())?
        }
        (None, _, _) => return Err("give --dem FILE, or --distance and --p".into()),
    };
    let samples = sample(&dem, args.shots, args.seed);
    if let Some(path) = &args.dem_out {
        write_file(path, dem.to_text().as_bytes())?;
    }
    let detectors = dem.detectors.len();
    let observables = dem.num_observables as usize;
    write_file(
        &args.dets_out,
        &write_shots(&samples.detectors, args.format, detectors),
    )?;
    write_file(
        &args.obs_out,
        &write_shots(&samples.observables, args.format, observables),
    )?;
    let flipped = samples.observables.iter().filter(|o| o.any()).count();
    Ok(format!(
        "{}: {} shots (seed {}), {detectors} detectors, {observables} observables, \
         {} error mechanisms; {flipped} shots flip an observable\n",
        dem.file,
        args.shots,
        args.seed,
        dem.mechanisms.len()
    ))
}

fn run_graph(args: &GraphArgs) -> Result<String, String> {
    let dem = read_dem(&args.dem)?;
    let graph = DecodingGraph::from_dem(&dem, args.weights).map_err(|e| e.to_string())?;
    let inert = (0..graph.num_detectors)
        .filter(|&v| graph.is_inert(v))
        .count();
    let boundary = graph.edges.iter().filter(|e| e.b.is_none()).count();
    let pieces: usize = dem.mechanisms.iter().map(|m| m.pieces.len()).sum();
    let weights = graph.edges.iter().map(|e| e.weight);
    let (low, high) = (
        weights.clone().min().unwrap_or(0),
        weights.max().unwrap_or(0),
    );
    Ok(format!(
        "{}: {} detectors ({inert} inert), {} observables; {} edges ({boundary} boundary) \
         from {pieces} pieces; weights {low} .. {high}\n",
        dem.file,
        graph.num_detectors,
        dem.num_observables,
        graph.edges.len()
    ))
}

fn run_decode(args: &DecodeArgs) -> Result<String, String> {
    let dem = read_dem(&args.dem)?;
    let graph = DecodingGraph::from_dem(&dem, args.weights).map_err(|e| e.to_string())?;
    let shots = read_shot_file(&args.dets, args.format, dem.detectors.len())?;
    let observables = dem.num_observables as usize;
    let mut predictions = Vec::with_capacity(shots.len());
    let mut edges_text = String::new();
    let (mut rounds, mut most_rounds, mut edges) = (0u64, 0u32, 0u64);
    let mut protocol = match args.distributed {
        true => Some(ProtocolCost::new(&graph)?),
        false => None,
    };
    for (i, shot) in shots.iter().enumerate() {
        let fired: Vec<u32> = shot.iter_ones().map(|v| v as u32).collect();
        let correction = decode(&graph, &fired)
            .map_err(|e| format!("{}: shot {}: {e}", args.dets.display(), i + 1))?;
        if let Some(protocol) = &mut protocol {
            protocol
                .add(&fired, &correction)
                .map_err(|e| format!("{}: shot {}: {e}", args.dets.display(), i + 1))?;
        }
        let mut flips = BitVec::repeat(false, observables);
        for bit in 0..observables.min(64) {
            flips.set(bit, correction.observables >> bit & 1 == 1);
        }
        predictions.push(flips);
        rounds += u64::from(correction.growth_rounds);
        most_rounds = most_rounds.max(correction.growth_rounds);
        edges += correction.edges.len() as u64;
        if args.edges_out.is_some() {
            let ids: Vec<String> = correction.edges.iter().map(u32::to_string).collect();
            edges_text += &ids.join(" ");
            edges_text.push('\n');
        }
    }
    write_file(
        &args.out,
        &write_shots(&predictions, args.format, observables),
    )?;
    if let Some(path) = &args.edges_out {
        write_file(path, edges_text.as_bytes())?;
    }
    let n = shots.len().max(1) as f64;
    let mut summary = format!(
        "{}: {} shots decoded ({} detectors, {} edges); growth rounds mean {:.3}, \
         max {most_rounds}; correction edges mean {:.3}\n",
        args.dets.display(),
        shots.len(),
        graph.num_detectors,
        graph.edges.len(),
        rounds as f64 / n,
        edges as f64 / n
    );
    if let Some(protocol) = protocol {
        summary += &protocol.summary(n);
    }
    Ok(summary)
}

/// What the distributed decoder's protocol costs over the shots decoded.
struct ProtocolCost {
    model: Distributed,
    nodes: usize,
    supersteps: u64,
    most_supersteps: u32,
    messages: u64,
    words: u64,
}

impl ProtocolCost {
    fn new(graph: &DecodingGraph) -> Result<ProtocolCost, String> {
        let layout = Layout::new(graph).map_err(|e| e.to_string())?;
        Ok(ProtocolCost {
            model: Distributed::new(graph, &layout),
            nodes: layout.nodes(),
            supersteps: 0,
            most_supersteps: 0,
            messages: 0,
            words: 0,
        })
    }

    /// Runs the protocol on one shot; its correction must be the reference's.
    fn add(&mut self, fired: &[u32], reference: &Correction) -> Result<(), String> {
        let run = self.model.decode(fired).map_err(|e| e.to_string())?;
        if run.correction != *reference {
            return Err(format!(
                "the distributed protocol gives edges {:?}, the reference {:?}",
                run.correction.edges, reference.edges
            ));
        }
        self.supersteps += u64::from(run.supersteps);
        self.most_supersteps = self.most_supersteps.max(run.supersteps);
        self.messages += run.messages;
        self.words += run.words;
        Ok(())
    }

    fn summary(&self, shots: f64) -> String {
        format!(
            "distributed protocol on {} nodes: same corrections; supersteps mean {:.3}, max {}; \
             per shot {:.1} QEC_STEP messages, {:.1} payload words\n",
            self.nodes,
            self.supersteps as f64 / shots,
            self.most_supersteps,
            self.messages as f64 / shots,
            self.words as f64 / shots
        )
    }
}

fn run_score(args: &ScoreArgs) -> Result<String, String> {
    let actual = read_shot_file(&args.obs, args.format, args.observables)?;
    let predicted = read_shot_file(&args.pred, args.format, args.observables)?;
    if actual.len() != predicted.len() {
        return Err(format!(
            "{} has {} shots but {} has {}",
            args.obs.display(),
            actual.len(),
            args.pred.display(),
            predicted.len()
        ));
    }
    if actual.is_empty() {
        return Err(format!("{}: no shots to score", args.obs.display()));
    }
    let s = Score::compare(&actual, &predicted);
    Ok(format!(
        "shots {}\nlogical errors {}\nlogical error rate {:.6} (95 % Wilson interval {:.6} .. {:.6})\n",
        s.shots, s.errors, s.rate, s.low, s.high
    ))
}
