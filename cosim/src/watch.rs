//! Memory watches (`aether run --watch NODE:LABEL`): every change of the watched words,
//! with the time, process, PC and source line of the instruction that made it
//! (docs/debugging.md, "Watching memory").
//!
//! The watch looks at the words after every event of a single-stepped run, where a node
//! executes at most one instruction per event: a change found after an event was made by
//! the instruction that node was about to execute after the event before.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;

use crate::inspect::MemorySpec;
use crate::node::Node;
use crate::sim::{Simulation, Station, World};
use crate::time::Time;

/// A watch: node and the words to watch there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchSpec {
    /// The node.
    pub node: u32,
    /// A data label of its image or a range of addresses.
    pub what: MemorySpec,
}

impl WatchSpec {
    /// Parses `NODE:LABEL` or `NODE:START..END`.
    pub fn parse(text: &str) -> Result<WatchSpec, String> {
        let (node, what) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not NODE:LABEL or NODE:START..END"))?;
        let node = node
            .trim()
            .parse()
            .map_err(|_| format!("`{node}` in `{text}` is not a node id"))?;
        Ok(WatchSpec {
            node,
            what: MemorySpec::parse(what.trim())?,
        })
    }
}

/// One change of a watched word.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WatchRecord {
    /// The node.
    pub node: u32,
    /// The label or range watched, as given.
    pub what: String,
    /// The word's address.
    pub addr: u32,
    /// Issue time of the instruction that wrote it (fs).
    pub time_fs: Time,
    /// The process that executed it.
    pub pid: u32,
    /// Its code address.
    pub pc: u32,
    /// Its source location, if the image maps it.
    pub source: Option<String>,
    /// The word before.
    pub old: u32,
    /// The word after.
    pub new: u32,
}

/// The next instruction of a node: process, PC and issue time.
#[derive(Clone, Copy)]
struct Next {
    pid: u32,
    pc: u32,
    time: Time,
}

impl Next {
    fn of(node: &Node) -> Next {
        Next {
            pid: node.current as u32,
            pc: node.procs[node.current].pc,
            time: node.time(),
        }
    }
}

struct Watched {
    station: usize,
    what: String,
    start: u32,
    words: Vec<u32>,
    next: Next,
}

/// The watches of a run and what they saw.
#[derive(Default)]
struct Log {
    watched: Vec<Watched>,
    records: Vec<WatchRecord>,
}

impl Log {
    /// Compares the watched words of `world` with those seen after the event before.
    fn check(&mut self, world: &World) {
        for w in &mut self.watched {
            let Some(Station::Node(node)) = world.stations.get(w.station) else {
                continue;
            };
            for (i, old) in w.words.iter_mut().enumerate() {
                let addr = w.start + i as u32;
                let new = node.mem.load(addr).unwrap_or(0);
                if new != *old {
                    self.records.push(WatchRecord {
                        node: node.id,
                        what: w.what.clone(),
                        addr,
                        time_fs: w.next.time,
                        pid: w.next.pid,
                        pc: w.next.pc,
                        source: node.program.source(w.next.pc),
                        old: *old,
                        new,
                    });
                    *old = new;
                }
            }
            w.next = Next::of(node);
        }
    }
}

/// The watches installed on a run; [`Watches::records`] after it.
pub struct Watches(Rc<RefCell<Log>>);

impl Watches {
    /// Watches `specs` on `sim`, which becomes single-stepped (unless `specs` is empty). Fails when a node is not an
    /// emulated node, a label is not a data label of its image, or a range is outside its
    /// memory.
    pub fn install(sim: &mut Simulation, specs: &[WatchSpec]) -> Result<Watches, String> {
        let mut log = Log::default();
        for spec in specs {
            let Some(Station::Node(node)) = sim.world.stations.get(spec.node as usize) else {
                return Err(format!("{} is not an emulated node", spec.node));
            };
            let name = spec.what.name();
            let (start, end) = spec.what.resolve(&node.program.image).ok_or_else(|| {
                format!("node {}'s program has no data label `{name}`", spec.node)
            })?;
            if end > node.mem.size() {
                return Err(format!(
                    "{name} is outside node {}'s memory of {} words",
                    spec.node,
                    node.mem.size()
                ));
            }
            log.watched.push(Watched {
                station: spec.node as usize,
                what: name,
                start,
                words: (start..end)
                    .map(|a| node.mem.load(a).unwrap_or(0))
                    .collect(),
                next: Next::of(node),
            });
        }
        let log = Rc::new(RefCell::new(log));
        if specs.is_empty() {
            return Ok(Watches(log));
        }
        let seen = Rc::clone(&log);
        sim.stop_when(Box::new(move |world| {
            seen.borrow_mut().check(world);
            false
        }));
        Ok(Watches(log))
    }

    /// The changes seen so far, in the order they happened.
    pub fn records(&self) -> Vec<WatchRecord> {
        let mut records = self.0.borrow().records.clone();
        records.sort_by_key(|r| (r.time_fs, r.node));
        records
    }
}
