//! Runs small random program images under small random scenarios for a bounded
//! simulated time (at most 20 us): 1 to 6 nodes at mixed clocks, small memories, stacks,
//! process tables, budgets, inboxes and transmit queues, every topology but a graph
//! file, lossy, jittery and down links, a stimulus and a sink. A run must never panic,
//! and its report must not change between two runs nor between the run-ahead and the
//! single-step paths (docs/scenario.md: run-ahead changes only the engine's event count).
#![no_main]

use std::path::{Path, PathBuf};

use aether_cosim::report::Report;
use aether_cosim::scenario::Scenario;
use aether_cosim::sim::Stepping;
use aether_isa::encoding::operand_range;
use aether_isa::{Entry, INSTRUCTIONS, Image, Instruction, MsgType, OperandKind};
use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Operands worth trying more often than a uniform draw would: edges of the word, stack
/// and shift counts, an address word of node 1's inbox 0, message type 1.
const INTERESTING: [i64; 12] = [0, 1, 2, 3, -1, 4, 8, 31, 32, 65536, 0x7FFF_FFFF, -0x8000_0000];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((image, toml)) = case(&mut u) else {
        return;
    };
    // What the loader refuses never reaches a node (docs/image-format.md).
    let Ok(image) = Image::from_bytes(&image.to_bytes()) else {
        return;
    };
    let assemble = |_: &[PathBuf], _: &[PathBuf]| -> std::result::Result<Image, String> {
        Ok(image.clone())
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let scenario = match Scenario::parse(&toml, "fuzz.toml", &dir, &assemble) {
        Ok(s) => s,
        Err(e) => {
            // The generator writes only valid keys and values; a refusal is a bug in
            // either the generator or the reader.
            panic!("generated scenario refused: {e}\n{toml}")
        }
    };
    let fast = report(&scenario, Stepping::RunAhead);
    assert_eq!(fast, report(&scenario, Stepping::RunAhead), "two runs differ\n{toml}");
    let without_events = |r: &Option<String>| {
        r.as_ref().map(|text| {
            let mut v: serde_json::Value = serde_json::from_str(text).expect("report JSON");
            v.as_object_mut().expect("object").remove("events");
            v
        })
    };
    assert_eq!(
        without_events(&fast),
        without_events(&report(&scenario, Stepping::Single)),
        "run-ahead and single-step differ\n{toml}"
    );
});

/// The JSON report of one run, or None when the scenario cannot be built (an image
/// whose data does not fit the node's memory, for example).
fn report(scenario: &Scenario, stepping: Stepping) -> Option<String> {
    let mut sim = scenario.build(scenario.seed, None, stepping).ok()?;
    let outcome = sim.run();
    Some(Report::new("fuzz.toml", scenario.seed, &sim, &outcome, &|id| scenario.label(id)).to_json())
}

/// A random image and a scenario running it.
fn case(u: &mut Unstructured) -> Result<(Image, String)> {
    let image = image(u)?;
    let nodes: u32 = u.int_in_range(1..=6)?;
    let mut toml = format!(
        "seed = {}\n\n[programs.p]\nsources = [\"main.s\"]\n\n",
        u.int_in_range(0..=u32::MAX)?
    );
    for id in 0..nodes {
        toml += &format!(
            "[[nodes]]\nid = {id}\nprogram = \"p\"\nclock = \"{}\"\nmemory = {}\ndata_stack = {}\nreturn_stack = {}\nprocesses = {}\n",
            u.choose(&["1 GHz", "300 MHz", "7 MHz", "2.5 GHz", "1.5 GHz"])?,
            u.choose(&[16, 64, 256, 4096, 16384])?,
            u.int_in_range(1..=16)?,
            u.int_in_range(1..=16)?,
            u.int_in_range(1..=4)?,
        );
        if u.ratio(1, 4)? {
            toml += &format!(
                "budget = {}\nbudget_mode = \"{}\"\n",
                u.int_in_range(1..=500)?,
                u.choose(&["count", "fault"])?
            );
        }
        toml += "\n";
    }
    let mut stations = nodes;
    if u.ratio(1, 3)? {
        toml += &format!(
            "[[components]]\nkind = \"stimulus\"\nid = {stations}\ndst = {{ node = {}, inbox = {} }}\ntype = {}\npayload = [{}]\nsequence = {}\nstart = \"{} ns\"\nperiod = \"{} ns\"\ncount = {}\n\n",
            u.int_in_range(0..=nodes - 1)?,
            u.int_in_range(0..=2)?,
            u.int_in_range(0..=3)?,
            u.int_in_range(0..=99)?,
            u.arbitrary::<bool>()?,
            u.int_in_range(0..=2000)?,
            u.int_in_range(1..=2000)?,
            u.int_in_range(1..=5)?,
        );
        stations += 1;
    }
    if u.ratio(1, 3)? {
        toml += &format!("[[components]]\nkind = \"sink\"\nid = {stations}\n\n");
        stations += 1;
    }
    toml += &format!(
        "[network]\nswitching = \"{}\"\ntx_queue = {}\ninbox_capacity = {}\nnic_latency = \"{} ns\"\n\n",
        u.choose(&["store-and-forward", "cut-through"])?,
        u.int_in_range(1..=4)?,
        u.int_in_range(1..=8)?,
        u.int_in_range(0..=20)?,
    );
    toml += &match u.int_in_range(0..=3)? {
        0 => String::new(),
        1 | 2 => {
            let width = u.int_in_range(1..=stations)?;
            let height = stations.div_ceil(width);
            let kind = if u.arbitrary::<bool>()? { "mesh" } else { "torus" };
            format!("[network.topology]\nkind = \"{kind}\"\nwidth = {width}\nheight = {height}\n\n")
        }
        _ => format!(
            "[network.topology]\nkind = \"tree\"\narity = {}\nswitches = {}\n\n",
            u.int_in_range(2..=4)?,
            u.arbitrary::<bool>()?
        ),
    };
    toml += &format!(
        "[network.link]\nbandwidth = \"{}\"\nlatency = \"{} ns\"\n",
        u.choose(&["100 Mbit/s", "1 Gbit/s", "10 Gbit/s", "2.5 Gbit/s"])?,
        u.int_in_range(0..=100)?,
    );
    if u.ratio(1, 4)? {
        toml += &format!("drop = {}\n", u.choose(&["0.01", "0.2", "0.5", "1"])?);
    }
    if u.ratio(1, 4)? {
        toml += &format!("ber = {}\n", u.choose(&["1e-6", "1e-3", "0.01"])?);
    }
    if u.ratio(1, 4)? {
        toml += &format!("jitter = \"{} ns\"\n", u.int_in_range(1..=50)?);
    }
    if u.ratio(1, 4)? {
        let start = u.int_in_range(0..=5000)?;
        let end = start + u.int_in_range(1..=5000)?;
        toml += &format!("down = [{{ start = \"{start} ns\", end = \"{end} ns\" }}]\n");
    }
    toml += &format!("\n[stop]\nuntil = \"{} ns\"\n", u.int_in_range(1..=20_000)?);
    if u.ratio(1, 4)? {
        toml += "on_fault = \"stop-run\"\n";
    }
    if u.ratio(1, 4)? {
        toml += &format!("halt = [{}]\n", u.int_in_range(0..=nodes - 1)?);
    }
    Ok((image, toml))
}

/// A random image: up to 48 instructions, most of them valid encodings with operands
/// drawn near the interesting values, a few raw words; up to 16 data words; entry
/// `main` somewhere in the code; message types 1 and 2.
fn image(u: &mut Unstructured) -> Result<Image> {
    let count = u.int_in_range(1..=48)?;
    let mut code = Vec::new();
    for _ in 0..count {
        if u.ratio(1, 16)? {
            code.push(u.arbitrary()?);
            continue;
        }
        let info = u.choose(INSTRUCTIONS)?;
        let value = operand(u, info.operand, count as i64 + 4)?;
        if let Ok(instruction) = Instruction::new(info.opcode, value) {
            instruction.encode_into(&mut code);
        }
    }
    if code.is_empty() {
        code.push(0);
    }
    let data_len = u.int_in_range(0..=16)?;
    let data = (0..data_len)
        .map(|_| u.arbitrary())
        .collect::<Result<Vec<u32>>>()?;
    let entry = u.int_in_range(0..=code.len() as u32 - 1)?;
    Ok(Image {
        addressing: aether_isa::Addressing::Narrow,
        code,
        data,
        entries: vec![Entry {
            name: "main".into(),
            addr: entry,
        }],
        msg_types: vec![
            MsgType {
                id: 1,
                name: "ONE".into(),
            },
            MsgType {
                id: 2,
                name: "TWO".into(),
            },
        ],
        ..Image::default()
    })
}

/// An operand of `kind`: a code address near the code, a small data address, an
/// interesting value or any value in the kind's range.
fn operand(u: &mut Unstructured, kind: OperandKind, code_len: i64) -> Result<i64> {
    let (lo, hi) = operand_range(kind);
    Ok(match kind {
        OperandKind::None => 0,
        OperandKind::CodeAddr => u.int_in_range(0..=code_len)?,
        OperandKind::DataAddr => u.int_in_range(0..=40)?,
        OperandKind::Signed24 | OperandKind::Unsigned24 | OperandKind::Word32 => {
            if u.ratio(3, 4)? {
                *u.choose(&INTERESTING)?
            } else {
                u.int_in_range(lo..=hi)?
            }
        }
    }
    .clamp(lo, hi))
}
