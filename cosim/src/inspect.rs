//! Inspection: every emulated node's full state at a simulated time (`aether run --dump-at`,
//! `--dump-on-stop`; schema and rule in docs/debugging.md).

use std::fmt::Write;

use aether_isa::{Image, SymbolKind};
use aether_network::{Address, Network, RETURNED};
use serde::Serialize;

use crate::node::{Node, ProcState};
use crate::sim::{Station, World};
use crate::time::{FS_PER_NS, Time};

/// Memory to show in every dump: a data label's words or a range of addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemorySpec {
    /// A data label of the node's image: its words up to the next data label or the end
    /// of the image's data.
    Label(String),
    /// Words `start..end` (end excluded).
    Range(u32, u32),
}

impl MemorySpec {
    /// Parses `LABEL` or `START..END` (decimal or `0x` hex addresses, end excluded).
    pub fn parse(text: &str) -> Result<MemorySpec, String> {
        let number = |s: &str| {
            let s = s.trim();
            match s.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => s.parse(),
            }
            .map_err(|_| format!("`{s}` in `{text}` is not an address"))
        };
        match text.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if a >= b {
                    return Err(format!("the range `{text}` is empty"));
                }
                Ok(MemorySpec::Range(a, b))
            }
            None if text.is_empty() => Err("give a data label or START..END".into()),
            None => Ok(MemorySpec::Label(text.to_string())),
        }
    }

    /// The words `start..end` this names in `image`, if it has them.
    pub(crate) fn resolve(&self, image: &Image) -> Option<(u32, u32)> {
        match self {
            MemorySpec::Range(a, b) => Some((*a, *b)),
            MemorySpec::Label(name) => {
                let data = |s: &&aether_isa::Symbol| s.kind == SymbolKind::Data;
                let start = image
                    .symbols
                    .iter()
                    .filter(data)
                    .find(|s| &s.name == name)?;
                let end = image
                    .symbols
                    .iter()
                    .filter(data)
                    .map(|s| s.value)
                    .filter(|&v| v > start.value)
                    .min()
                    .unwrap_or(image.data.len() as u32)
                    .max(start.value + 1);
                Some((start.value, end))
            }
        }
    }

    pub(crate) fn name(&self) -> String {
        match self {
            MemorySpec::Label(name) => name.clone(),
            MemorySpec::Range(a, b) => format!("{a}..{b}"),
        }
    }
}

/// Checks `specs` against the run's nodes: every label is a data label of some node's
/// image, and every range lies inside the memory of every node.
pub fn check_memory(world: &World, specs: &[MemorySpec]) -> Result<(), String> {
    let nodes = || {
        world.stations.iter().filter_map(|s| match s {
            Station::Node(n) => Some(n),
            Station::Component(_) => None,
        })
    };
    for spec in specs {
        match spec {
            MemorySpec::Label(name) => {
                if !nodes().any(|n| spec.resolve(&n.program.image).is_some()) {
                    return Err(format!("no node's program has a data label `{name}`"));
                }
            }
            MemorySpec::Range(_, end) => {
                if let Some(n) = nodes().find(|n| *end > n.mem.size()) {
                    return Err(format!(
                        "{} is outside node {}'s memory of {} words",
                        spec.name(),
                        n.id,
                        n.mem.size()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The state of every emulated node at one time.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Dump {
    /// The time (fs): every event before it has happened, none at or after it.
    pub time_fs: Time,
    /// `at` for a `--dump-at` time, `stop` for the end of the run.
    pub when: &'static str,
    /// The nodes, by id.
    pub nodes: Vec<NodeDump>,
}

/// One node's state.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct NodeDump {
    /// Node id.
    pub id: u32,
    /// `running`, `stalled`, `idle`, `halted` or `faulted`.
    pub state: &'static str,
    /// The clock edge at which its next instruction issues (or, stopped, its last edge).
    pub cycle: u64,
    /// The process on the CPU (or last on it).
    pub current: u32,
    /// Every process ever spawned, by pid.
    pub processes: Vec<ProcDump>,
    /// Open inboxes, by id.
    pub inboxes: Vec<InboxDump>,
    /// Packets in the transmit queue (not yet through their first hop).
    pub tx_queue: usize,
    /// The memory asked for with `--dump-memory`.
    pub memory: Vec<MemoryDump>,
}

/// One process.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProcDump {
    /// Process id.
    pub pid: u32,
    /// `ready`, `waiting`, `sleeping` or `done`.
    pub state: &'static str,
    /// The clock edge of its wait's deadline or its sleep's end, if any.
    pub until_cycle: Option<u64>,
    /// Program counter: the next instruction it executes.
    pub pc: u32,
    /// The PC's source location (`file:line:col`), if the image maps it.
    pub source: Option<String>,
    /// Data stack, bottom first, as unsigned words.
    pub data_stack: Vec<u32>,
    /// Return stack, bottom first, each with the source location it returns to.
    pub return_stack: Vec<ReturnDump>,
}

/// A return address.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ReturnDump {
    /// The word on the return stack.
    pub addr: u32,
    /// Its source location, if it is a mapped code address.
    pub source: Option<String>,
}

/// An open inbox and its messages.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct InboxDump {
    /// Inbox id.
    pub id: u16,
    /// The process that owns it.
    pub owner: u32,
    /// Its messages, oldest first.
    pub messages: Vec<MessageDump>,
}

/// A message waiting in an inbox.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct MessageDump {
    /// Type id (bit 31 set for a returned message).
    #[serde(rename = "type")]
    pub msg_type: u32,
    /// The type's `.msg` name in the node's image, if declared.
    pub name: Option<String>,
    /// Sending node.
    pub src: u32,
    /// Reply-to address, if any.
    pub reply_to: Option<AddressDump>,
    /// Payload words.
    pub payload: Vec<u32>,
}

/// A network address.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct AddressDump {
    /// Node.
    pub node: u32,
    /// Inbox.
    pub inbox: u16,
}

/// Memory words of a node.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct MemoryDump {
    /// The label or range asked for.
    pub what: String,
    /// First address.
    pub start: u32,
    /// The words from `start` on.
    pub words: Vec<u32>,
}

fn proc_state(state: ProcState) -> (&'static str, Option<u64>) {
    match state {
        ProcState::Ready => ("ready", None),
        ProcState::Waiting(deadline) => ("waiting", deadline),
        ProcState::Sleeping(until) => ("sleeping", Some(until)),
        ProcState::Done => ("done", None),
    }
}

impl Dump {
    /// The state of every node of `world` now, labelled `time_fs` and `when`.
    pub fn take(world: &World, time_fs: Time, when: &'static str, memory: &[MemorySpec]) -> Dump {
        let nodes = world
            .stations
            .iter()
            .filter_map(|s| match s {
                Station::Node(n) => Some(node_dump(n, &world.net, time_fs, memory)),
                Station::Component(_) => None,
            })
            .collect();
        Dump {
            time_fs,
            when,
            nodes,
        }
    }

    /// The dump as readable text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "dump ({}) at {} fs = {:.3} ns:",
            self.when,
            self.time_fs,
            self.time_fs as f64 / FS_PER_NS as f64
        );
        for n in &self.nodes {
            let _ = writeln!(
                out,
                "  node {} {} at cycle {}, process {} on the CPU, {} in the transmit queue",
                n.id, n.state, n.cycle, n.current, n.tx_queue
            );
            for p in &n.processes {
                let until = p
                    .until_cycle
                    .map_or(String::new(), |c| format!(" until {c}"));
                let _ = writeln!(
                    out,
                    "    proc {} {}{} pc {} ({})",
                    p.pid,
                    p.state,
                    until,
                    p.pc,
                    p.source.as_deref().unwrap_or("no source")
                );
                let ds: Vec<String> = p
                    .data_stack
                    .iter()
                    .map(|&w| (w as i32).to_string())
                    .collect();
                let _ = writeln!(out, "      data   [{}]", ds.join(" "));
                let rs: Vec<String> = p
                    .return_stack
                    .iter()
                    .map(|r| match &r.source {
                        Some(s) => format!("{} ({s})", r.addr),
                        None => r.addr.to_string(),
                    })
                    .collect();
                let _ = writeln!(out, "      return [{}]", rs.join(" "));
            }
            for i in &n.inboxes {
                let _ = writeln!(
                    out,
                    "    inbox {} (proc {}): {} messages",
                    i.id,
                    i.owner,
                    i.messages.len()
                );
                for m in &i.messages {
                    let reply = m
                        .reply_to
                        .as_ref()
                        .map_or("none".to_string(), |a| format!("{}:{}", a.node, a.inbox));
                    let payload: Vec<String> = m.payload.iter().map(|w| w.to_string()).collect();
                    let _ = writeln!(
                        out,
                        "      {} ({}) from {} reply-to {}: [{}]",
                        m.name.as_deref().unwrap_or("?"),
                        m.msg_type,
                        m.src,
                        reply,
                        payload.join(" ")
                    );
                }
            }
            for m in &n.memory {
                let words: Vec<String> = m.words.iter().map(|&w| (w as i32).to_string()).collect();
                let _ = writeln!(
                    out,
                    "    memory {} @{}: {}",
                    m.what,
                    m.start,
                    words.join(" ")
                );
            }
        }
        out
    }
}

fn node_dump(node: &Node, net: &Network, time_fs: Time, memory: &[MemorySpec]) -> NodeDump {
    let program = &node.program;
    let processes = node
        .procs
        .iter()
        .enumerate()
        .map(|(pid, p)| {
            let (state, until_cycle) = proc_state(p.state);
            ProcDump {
                pid: pid as u32,
                state,
                until_cycle,
                pc: p.pc,
                source: program.source(p.pc),
                data_stack: p.ds.to_vec(),
                return_stack: p
                    .rs
                    .iter()
                    .map(|&addr| ReturnDump {
                        addr,
                        source: program.source(addr),
                    })
                    .collect(),
            }
        })
        .collect();
    let net_id = (node.id < net.nodes() as u32).then_some(node.id);
    let mut inboxes: Vec<InboxDump> = (0..node.procs.len())
        .flat_map(|pid| node.inboxes_of(pid).map(move |inbox| (pid, inbox)))
        .map(|(pid, id)| InboxDump {
            id,
            owner: pid as u32,
            messages: net_id
                .and_then(|n| net.messages(n, id).ok())
                .into_iter()
                .flatten()
                .map(|m| MessageDump {
                    msg_type: m.msg_type,
                    name: program
                        .image
                        .msg_type_name(m.msg_type & !RETURNED)
                        .map(str::to_string),
                    src: m.src,
                    reply_to: m.reply_to.map(|a: Address| AddressDump {
                        node: a.node,
                        inbox: a.inbox,
                    }),
                    payload: m.payload.to_vec(),
                })
                .collect(),
        })
        .collect();
    inboxes.sort_by_key(|i| i.id);
    let memory = memory
        .iter()
        .filter_map(|spec| {
            let (start, end) = spec.resolve(&program.image)?;
            Some(MemoryDump {
                what: spec.name(),
                start,
                words: (start..end.min(node.mem.size()))
                    .map(|a| node.mem.load(a).unwrap_or(0))
                    .collect(),
            })
        })
        .collect();
    NodeDump {
        id: node.id,
        state: crate::report::state_name(node.state),
        cycle: node.cycle,
        current: node.current as u32,
        processes,
        inboxes,
        tx_queue: net_id.map_or(0, |n| net.tx_queued(n, time_fs)),
        memory,
    }
}
