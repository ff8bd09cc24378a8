//! The barrier wire (docs/decoders.md, "The global OR wire (barrier)"): a global OR
//! signal across the participant nodes `0 .. n`, modelled as a wire with a latency.
//!
//! A participant's `j`-th contribution belongs to epoch `j`. When every participant has
//! contributed to epoch `j`, the wire releases it `latency` after the latest contribution:
//! each participant gets a message `[j, OR of the epoch's values]` in the inbox its
//! contribution named, placed as a local input. Contributions are handed to the wire at
//! the engine time they issue, so the latest one is the present and, with a positive
//! latency, a release always lies in the future of every event already handled.

use std::collections::VecDeque;

use aether_network::{Address, Message, Payload};

use super::{InputSource, InputStats};
use crate::time::Time;

/// One contribution a node made to the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// When the `send` issued (fs).
    pub time: Time,
    /// The value ORed into the epoch (the payload's first word; 0 when empty).
    pub value: u32,
    /// The node's inbox that receives the epoch's release.
    pub inbox: u16,
}

/// A node's place on the barrier wire.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Tap {
    /// The run has no wire: a `send` to the barrier port enters the network as any other.
    #[default]
    Off,
    /// The run has a wire and the node is not on it: contributing is a fault.
    Outsider,
    /// On the wire: the contributions the simulator has not yet taken.
    On(Vec<Contribution>),
}

/// A completed epoch waiting for its release time.
#[derive(Debug)]
struct Release {
    time: Time,
    epoch: u32,
    value: u32,
    /// Each participant's inbox for the release, by node id.
    inboxes: Vec<u16>,
}

/// The wire: contributions by participant, and the releases scheduled.
#[derive(Debug)]
pub struct Barrier {
    latency: Time,
    msg_type: u32,
    /// Each participant's contributions to epochs not yet complete, oldest first.
    pending: Vec<VecDeque<Contribution>>,
    /// Participants with no pending contribution.
    missing: usize,
    /// The next epoch to complete.
    epoch: u32,
    releases: VecDeque<Release>,
    /// Epochs released (placed), so far.
    pub released: u64,
    /// What became of the release messages.
    pub stats: InputStats,
}

impl Barrier {
    /// A wire over nodes `0 .. participants` whose releases are `msg_type` messages
    /// arriving `latency` (fs, positive) after an epoch's latest contribution.
    pub fn new(participants: u16, latency: Time, msg_type: u32) -> Barrier {
        Barrier {
            latency,
            msg_type,
            pending: vec![VecDeque::new(); usize::from(participants)],
            missing: usize::from(participants),
            epoch: 0,
            releases: VecDeque::new(),
            released: 0,
            stats: InputStats::default(),
        }
    }

    /// How long after an epoch's latest contribution its release arrives (fs).
    pub fn latency(&self) -> Time {
        self.latency
    }

    /// Takes node `node`'s next contribution; completes every epoch it is the last of.
    pub fn contribute(&mut self, node: u32, c: Contribution) {
        let queue = &mut self.pending[node as usize];
        if queue.is_empty() {
            self.missing -= 1;
        }
        queue.push_back(c);
        while self.missing == 0 {
            let (mut time, mut value) = (0, 0);
            let mut inboxes = Vec::with_capacity(self.pending.len());
            for queue in &mut self.pending {
                let c = queue.pop_front().expect("no participant is missing");
                time = time.max(c.time);
                value |= c.value;
                inboxes.push(c.inbox);
                self.missing += usize::from(queue.is_empty());
            }
            self.releases.push_back(Release {
                time: time.saturating_add(self.latency),
                epoch: self.epoch,
                value,
                inboxes,
            });
            self.epoch += 1;
        }
    }
}

impl InputSource for Barrier {
    fn next_time(&self) -> Option<Time> {
        self.releases.front().map(|r| r.time)
    }

    fn pop(&mut self, out: &mut Vec<Message>) {
        let Some(t) = self.next_time() else {
            return;
        };
        while let Some(r) = self.releases.pop_front_if(|r| r.time == t) {
            self.released += 1;
            for (node, &inbox) in r.inboxes.iter().enumerate() {
                let node = node as u32;
                out.push(Message {
                    src: node,
                    dst: Address::new(node, inbox),
                    reply_to: None,
                    msg_type: self.msg_type,
                    payload: Payload::from_slice(&[r.epoch, r.value]),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: Time, value: u32) -> Contribution {
        Contribution {
            time,
            value,
            inbox: 2,
        }
    }

    fn drain(wire: &mut Barrier) -> Vec<(Time, u32, Vec<u32>)> {
        let mut out = Vec::new();
        while let Some(t) = wire.next_time() {
            let mut msgs = Vec::new();
            wire.pop(&mut msgs);
            out.extend(
                msgs.into_iter()
                    .map(|m| (t, m.dst.node, m.payload.into_vec())),
            );
        }
        out
    }

    #[test]
    fn an_epoch_releases_the_or_after_its_latest_contribution() {
        let mut wire = Barrier::new(3, 20, 7);
        wire.contribute(0, at(100, 1));
        wire.contribute(2, at(300, 4));
        assert_eq!(wire.next_time(), None, "node 1 has not contributed");
        wire.contribute(1, at(200, 0));
        // Latest contribution 300, latency 20; 1 | 0 | 4 = 5.
        let want: Vec<_> = (0..3).map(|n| (320, n, vec![0, 5])).collect();
        assert_eq!(drain(&mut wire), want);
        assert_eq!(wire.released, 1);
    }

    #[test]
    fn an_early_contribution_waits_for_its_own_epoch() {
        let mut wire = Barrier::new(2, 10, 7);
        wire.contribute(0, at(5, 1));
        wire.contribute(0, at(6, 2));
        wire.contribute(1, at(50, 0));
        // Epoch 0 is {1 at 5, 0 at 50}; node 0's second value waits for epoch 1.
        assert_eq!(wire.next_time(), Some(60));
        wire.contribute(1, at(70, 8));
        let got = drain(&mut wire);
        assert_eq!(
            got,
            [
                (60, 0, vec![0, 1]),
                (60, 1, vec![0, 1]),
                (80, 0, vec![1, 2 | 8]),
                (80, 1, vec![1, 2 | 8]),
            ]
        );
    }

    #[test]
    fn releases_go_to_each_contributions_inbox() {
        let mut wire = Barrier::new(2, 1, 9);
        wire.contribute(
            0,
            Contribution {
                time: 0,
                value: 0,
                inbox: 3,
            },
        );
        wire.contribute(
            1,
            Contribution {
                time: 0,
                value: 0,
                inbox: 5,
            },
        );
        let mut msgs = Vec::new();
        wire.pop(&mut msgs);
        let dst: Vec<_> = msgs.iter().map(|m| (m.src, m.dst, m.msg_type)).collect();
        assert_eq!(
            dst,
            [(0, Address::new(0, 3), 9), (1, Address::new(1, 5), 9)]
        );
    }
}
