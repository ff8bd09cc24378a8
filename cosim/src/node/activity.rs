//! What a node did over time, recorded for waveforms (`aether run --vcd`).
//!
//! Activations come from the node's timeline ([`Node::timeline`]); this record adds what
//! the timeline does not hold: stalls, the processes' states, the process on the CPU and
//! the messages waiting in the node's inboxes. Every entry is stamped with the clock edge
//! or time at which it holds in the simulated machine, whichever stepping mode recorded it.

use aether_network::Network;

use super::{Node, ProcState};
use crate::time::Time;

/// The changes of one node, recorded while `Node::activity` is on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    /// Stalls on a full transmit queue as `(start, end)` clock edges.
    pub stalls: Vec<(u64, u64)>,
    /// Process state changes as `(clock edge, pid, new state)`.
    pub procs: Vec<(u64, u32, ProcState)>,
    /// The process on the CPU from a clock edge on, as `(clock edge, pid)`.
    pub current: Vec<(u64, u32)>,
    /// Changes of the number of messages waiting in the node's inboxes, as `(time, change)`.
    pub inbox: Vec<(Time, i64)>,
}

impl Node {
    /// Records that process `pid` is in `state` from clock edge `at` on.
    pub(super) fn note_proc(&mut self, at: u64, pid: usize) {
        if let Some(a) = self.activity.as_mut() {
            a.procs.push((at, pid as u32, self.procs[pid].state));
        }
    }

    /// Records a stall from clock edge `start` to `end`.
    pub fn note_stall(&mut self, start: u64, end: u64) {
        if let Some(a) = self.activity.as_mut() {
            a.stalls.push((start, end));
        }
    }

    /// Records that the messages waiting in the node's inboxes changed by `change` at `time`.
    pub fn note_inbox(&mut self, time: Time, change: i64) {
        if let Some(a) = self.activity.as_mut()
            && change != 0
        {
            a.inbox.push((time, change));
        }
    }

    /// Messages waiting in the inboxes the node's processes own.
    pub fn waiting_messages(&self, net: &Network) -> i64 {
        let node = self.id;
        self.owners
            .iter()
            .enumerate()
            .filter(|&(_, &owner)| owner != u32::MAX)
            .map(|(inbox, _)| net.poll(node, inbox as u16).unwrap_or(0) as i64)
            .sum()
    }
}
