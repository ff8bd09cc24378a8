//! Links: one direction of a wire between two routers, its parameters and its state.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Deserialize;

use crate::config::Switching;
use crate::error::ConfigError;
use crate::time::{Time, serialization_time};
use crate::topology::Links;

/// A time window `[start, end)` (fs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First instant of the window.
    #[serde(deserialize_with = "crate::units::duration")]
    pub start: Time,
    /// First instant after the window.
    #[serde(deserialize_with = "crate::units::duration")]
    pub end: Time,
}

/// The resolved parameters of a link class.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkParams {
    /// Bits per second (non-zero).
    pub bandwidth: u64,
    /// Propagation latency (fs).
    pub latency: Time,
    /// Router time charged before each hop on a link of this class (fs).
    pub router: Time,
    /// Probability that a packet is lost on one hop.
    pub drop: f64,
    /// Probability that one bit is flipped; a packet with a flipped bit fails its CRC.
    pub ber: f64,
    /// Most extra latency added to one hop (fs).
    pub jitter: Time,
    /// Windows, sorted by start, during which no transmission starts.
    pub down: Vec<Window>,
}

impl Default for LinkParams {
    /// 10 Gbit/s, 10 ns latency, no router time, no faults.
    fn default() -> Self {
        Self {
            bandwidth: 10_000_000_000,
            latency: 10_000_000,
            router: 0,
            drop: 0.0,
            ber: 0.0,
            jitter: 0,
            down: Vec::new(),
        }
    }
}

impl LinkParams {
    /// Checks the parameters; `name` is the class name for errors.
    pub fn validate(&self, name: &str) -> Result<(), ConfigError> {
        if self.bandwidth == 0 {
            return Err(ConfigError::LinkClass {
                class: name.to_string(),
                reason: "bandwidth must be positive".into(),
            });
        }
        for (key, p) in [("drop", self.drop), ("ber", self.ber)] {
            if !(0.0..=1.0).contains(&p) {
                return Err(ConfigError::LinkClass {
                    class: name.to_string(),
                    reason: format!("{key} = {p} is not a probability"),
                });
            }
        }
        if let Some(w) = self.down.iter().find(|w| w.start >= w.end) {
            return Err(ConfigError::LinkClass {
                class: name.to_string(),
                reason: format!("down window {}..{} is empty", w.start, w.end),
            });
        }
        Ok(())
    }

    /// The first instant at or after `t` outside every down window.
    pub fn up_at(&self, mut t: Time) -> Time {
        for w in &self.down {
            if (w.start..w.end).contains(&t) {
                t = w.end;
            }
        }
        t
    }
}

/// One direction of a wire, as the topology lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSpec {
    /// Router the link leaves.
    pub from: u32,
    /// Router the link enters.
    pub to: u32,
    /// Index of the link's class.
    pub class: u16,
}

/// A link's running state and the counters every hop adds to: one cache line (64-byte
/// aligned), so that a hop misses the cache once, where a 96-byte state with the rare
/// counters ([`LinkTally`]) took two lines.
#[derive(Debug, Clone, Default)]
#[repr(align(64))]
pub struct LinkState {
    /// When the link finishes its last reserved transmission.
    pub free_at: Time,
    /// When the head of the last packet sent on it reached the far end.
    pub last_head: Time,
    /// When the tail of the last packet sent on it reached the far end.
    pub last_tail: Time,
    /// Packets carried.
    pub packets: u64,
    /// Bits carried.
    pub bits: u64,
    /// Time spent transmitting.
    pub busy: Time,
    /// The longest a packet waited for the link.
    pub queue_delay_max: Time,
    /// The sum of the time packets waited for the link, modulo 2^64
    /// ([`LinkState::queue_delay_sum`]).
    queue_delay_low: u64,
}

/// A link's counters that a hop seldom adds to, kept apart from its [`LinkState`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkTally {
    /// How many times [`LinkState`]'s sum of the waits wrapped.
    queue_delay_wraps: u64,
    /// Packets lost on it.
    pub lost: u64,
    /// Packets corrupted on it.
    pub corrupted: u64,
}

/// Most implied (all-to-all) links whose state is kept in a vector indexed by id; a larger
/// all-to-all keeps state only for the links used so far.
const DENSE_IMPLIED_LINKS: u64 = 1 << 16;

/// Hashes a `u32` id (a link id, a message type): a multiply by an odd constant keeps the
/// low bits of nearby ids apart and spreads every bit into the high ones. The id's bits
/// from the tenth up, multiplied and folded into its low half first, reach the low bits
/// too: all-to-all link ids `from * (nodes - 1) + to'` one row apart (a line's or a
/// grid's neighbours) share their low bits when `nodes - 1` is a multiple of a power of
/// two, and without the fold they would crowd a few buckets of the table.
#[derive(Default)]
pub struct IdHasher(u64);

/// [`IdHasher`]'s odd multiplier (2^64 over the golden ratio).
const ID_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let folded = self.0 ^ ((self.0 >> 10).wrapping_mul(ID_MULTIPLIER) >> 32);
        folded.wrapping_mul(ID_MULTIPLIER)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }
}

/// The running state of every link of a network.
#[derive(Debug, Clone)]
pub enum LinkStates {
    /// One entry per link id.
    Dense(Vec<LinkState>, Vec<LinkTally>),
    /// Entries for the links used so far, in order of first use, and where each id's is.
    Used {
        /// Index into `states` by link id.
        slots: HashMap<u32, u32, BuildHasherDefault<IdHasher>>,
        /// The states.
        states: Vec<LinkState>,
        /// Their tallies.
        tallies: Vec<LinkTally>,
        /// Their link ids.
        ids: Vec<u32>,
    },
}

impl LinkStates {
    /// Idle state for the links of a topology: a vector for listed links (whose specs are
    /// held anyway) and small all-to-all networks, the used links only for a larger
    /// all-to-all, whose `nodes × (nodes − 1)` links are mostly never used.
    pub fn new(links: &Links) -> Self {
        match links {
            Links::Complete { .. } if links.len() > DENSE_IMPLIED_LINKS => LinkStates::Used {
                slots: HashMap::default(),
                states: Vec::new(),
                tallies: Vec::new(),
                ids: Vec::new(),
            },
            Links::Complete { .. } | Links::List(_) => {
                let links = links.len() as usize;
                LinkStates::Dense(
                    vec![LinkState::default(); links],
                    vec![LinkTally::default(); links],
                )
            }
        }
    }

    /// The state and tally of link `id`.
    #[inline(always)]
    pub fn get_mut(&mut self, id: u32) -> (&mut LinkState, &mut LinkTally) {
        match self {
            LinkStates::Dense(states, tallies) => {
                (&mut states[id as usize], &mut tallies[id as usize])
            }
            LinkStates::Used { .. } => self.used_mut(id),
        }
    }

    /// [`LinkStates::get_mut`] of a `Used` set: the link's entry, made on its first use.
    #[inline(never)]
    fn used_mut(&mut self, id: u32) -> (&mut LinkState, &mut LinkTally) {
        match self {
            LinkStates::Dense(states, tallies) => {
                (&mut states[id as usize], &mut tallies[id as usize])
            }
            LinkStates::Used {
                slots,
                states,
                tallies,
                ids,
            } => {
                let slot = *slots.entry(id).or_insert_with(|| {
                    states.push(LinkState::default());
                    tallies.push(LinkTally::default());
                    ids.push(id);
                    states.len() as u32 - 1
                }) as usize;
                (&mut states[slot], &mut tallies[slot])
            }
        }
    }

    /// The links that carried at least one packet, by id.
    pub fn used(&self) -> Vec<(u32, &LinkState, &LinkTally)> {
        let mut used: Vec<(u32, &LinkState, &LinkTally)> = match self {
            LinkStates::Dense(states, tallies) => (0..)
                .zip(states)
                .zip(tallies)
                .map(|((id, state), tally)| (id, state, tally))
                .collect(),
            LinkStates::Used {
                states,
                tallies,
                ids,
                ..
            } => ids
                .iter()
                .zip(states)
                .zip(tallies)
                .map(|((&id, state), tally)| (id, state, tally))
                .collect(),
        };
        used.retain(|(_, state, _)| state.packets > 0);
        used.sort_unstable_by_key(|&(id, _, _)| id);
        used
    }
}

/// A packet about to cross a link.
#[derive(Debug, Clone, Copy)]
pub struct Crossing {
    /// When the packet is ready for the link.
    pub ready: Time,
    /// Packet size in bits.
    pub bits: u64,
    /// Time to clock the packet out at the link's bandwidth
    /// ([`serialization_time`] of `bits`).
    pub serialization: Time,
    /// Header size in bits (cut-through forwards once these have arrived).
    pub header_bits: u64,
    /// When the packet's last bit reaches the router the link leaves.
    pub tail_in: Time,
    /// Extra latency drawn for this hop.
    pub jitter: Time,
}

/// When a packet crossed a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmission {
    /// First bit leaves.
    pub start: Time,
    /// Last bit leaves.
    pub end: Time,
    /// The router at the far end may forward it (last bit, or header for cut-through).
    pub head: Time,
    /// Last bit reaches the far end.
    pub tail: Time,
}

impl LinkState {
    /// Sum of the time packets waited for the link (`tally`: the link's).
    pub fn queue_delay_sum(&self, tally: &LinkTally) -> u128 {
        (u128::from(tally.queue_delay_wraps) << 64) | u128::from(self.queue_delay_low)
    }

    /// Sends a packet over the link as soon as it is free and up (FIFO), updating
    /// the link's counters; the formulas are those of `docs/network.md`.
    #[inline(always)]
    pub fn transmit(
        &mut self,
        tally: &mut LinkTally,
        params: &LinkParams,
        switching: Switching,
        packet: Crossing,
    ) -> Transmission {
        let serialization = packet.serialization;
        let start = params.up_at(packet.ready.max(self.free_at));
        let mut end = start.saturating_add(serialization);
        if switching == Switching::CutThrough {
            end = end.max(packet.tail_in);
        }
        // The wire is FIFO: neither the head nor the tail of a packet reaches the
        // far end before those of the packet sent ahead of it, whatever the jitter.
        let delay = params.latency.saturating_add(packet.jitter);
        let tail = end.saturating_add(delay).max(self.last_tail);
        let head = match switching {
            Switching::StoreAndForward => tail,
            Switching::CutThrough => start
                .saturating_add(serialization_time(packet.header_bits, params.bandwidth))
                .saturating_add(delay)
                .max(self.last_head),
        };
        self.free_at = end;
        self.last_head = head;
        self.last_tail = tail;
        self.packets += 1;
        self.bits += packet.bits;
        self.busy += end - start;
        let wait = start - packet.ready;
        let (low, wrapped) = self.queue_delay_low.overflowing_add(wait);
        self.queue_delay_low = low;
        if wrapped {
            tally.queue_delay_wraps += 1;
        }
        self.queue_delay_max = self.queue_delay_max.max(wait);
        Transmission {
            start,
            end,
            head,
            tail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_down(down: Vec<Window>) -> LinkParams {
        LinkParams {
            down,
            ..LinkParams::default()
        }
    }

    #[test]
    fn up_at_skips_windows_including_overlapping_ones() {
        let p = with_down(vec![
            Window { start: 10, end: 20 },
            Window { start: 15, end: 30 },
            Window { start: 40, end: 50 },
        ]);
        assert_eq!(p.up_at(5), 5);
        assert_eq!(p.up_at(10), 30);
        assert_eq!(p.up_at(20), 30);
        assert_eq!(p.up_at(30), 30);
        assert_eq!(p.up_at(45), 50);
    }

    /// A packet of `bits` for a 1 Gbit/s link.
    fn crossing(ready: Time, bits: u64, tail_in: Time) -> Crossing {
        Crossing {
            ready,
            bits,
            serialization: serialization_time(bits, 1_000_000_000),
            header_bits: 100,
            tail_in,
            jitter: 0,
        }
    }

    /// A 1 Gbit/s link (1 bit = 1e6 fs) with 5 fs latency, idle.
    fn gigabit_link() -> (LinkParams, LinkState) {
        let params = LinkParams {
            bandwidth: 1_000_000_000,
            latency: 5,
            ..LinkParams::default()
        };
        (params, LinkState::default())
    }

    #[test]
    fn back_to_back_transmissions_queue() {
        let (params, mut link) = gigabit_link();
        let saf = Switching::StoreAndForward;
        let first = link.transmit(
            &mut LinkTally::default(),
            &params,
            saf,
            crossing(10, 1000, 0),
        );
        assert_eq!(first.start, 10);
        assert_eq!(first.end, 10 + 1_000_000_000);
        assert_eq!(first.head, first.end + 5);
        let second = link.transmit(
            &mut LinkTally::default(),
            &params,
            saf,
            crossing(20, 500, 0),
        );
        assert_eq!(second.start, first.end);
        assert_eq!(second.tail, first.end + 500_000_000 + 5);
        assert_eq!(link.queue_delay_max, first.end - 20);
        assert_eq!(link.busy, 1_500_000_000);
    }

    #[test]
    fn cut_through_forwards_after_the_header_but_waits_for_the_tail() {
        let (params, mut link) = gigabit_link();
        let late_tail = 5_000_000_000;
        let t = link.transmit(
            &mut LinkTally::default(),
            &params,
            Switching::CutThrough,
            crossing(0, 1000, late_tail),
        );
        assert_eq!(t.head, 100_000_000 + 5);
        assert_eq!(t.end, late_tail);
        assert_eq!(t.tail, late_tail + 5);
    }

    /// `IdHasher`'s promise: a multiply by an odd constant keeps the low bits of nearby
    /// ids apart and spreads every bit into the high ones. An odd multiplier permutes
    /// the residues modulo 2^10, so ids 0 to 1023 hash to 1,024 different low 10 bits;
    /// their top 7 bits take all 128 values. An id given as its big-endian bytes
    /// hashes as the id.
    #[test]
    fn id_hashes_keep_nearby_ids_apart_in_the_low_and_the_high_bits() {
        let hash = |id: u32| {
            let mut hasher = IdHasher::default();
            hasher.write_u32(id);
            let mut bytes = IdHasher::default();
            bytes.write(&id.to_be_bytes());
            assert_eq!(bytes.finish(), hasher.finish(), "id {id:#x}");
            hasher.finish()
        };
        hash(0x1234_5678);
        hash(u32::MAX);
        let low: std::collections::HashSet<u64> = (0..1024).map(|id| hash(id) % 1024).collect();
        assert_eq!(low.len(), 1024);
        let high: std::collections::HashSet<u64> = (0..1024).map(|id| hash(id) >> 57).collect();
        assert_eq!(high.len(), 128);
    }

    /// The links of a line of 2,048 nodes on an all-to-all network (ids `2048 i - 1` and
    /// `2048 i`, all sharing their low 11 bits but one) spread over the low 13 bits (the
    /// buckets of a table for 4,094 ids) about as random hashes would (about 3,220 of
    /// 8,192 values), not over the few a bare multiply leaves them (8).
    #[test]
    fn id_hashes_spread_ids_one_all_to_all_row_apart() {
        let nodes: u32 = 2048;
        let ids = (0..nodes).flat_map(|i| {
            [i.checked_sub(1), Some(i + 1).filter(|&j| j < nodes)]
                .into_iter()
                .flatten()
                .map(move |j| i * (nodes - 1) + j - u32::from(j > i))
        });
        let low: std::collections::HashSet<u64> = ids
            .map(|id| {
                let mut hasher = IdHasher::default();
                hasher.write_u32(id);
                hasher.finish() % 8192
            })
            .collect();
        assert!(low.len() > 3000, "{} of 8192", low.len());
    }

    #[test]
    fn a_hop_touches_one_cache_line_and_the_sum_of_waits_carries_past_64_bits() {
        assert_eq!((size_of::<LinkState>(), align_of::<LinkState>()), (64, 64));
        let (params, mut link) = gigabit_link();
        let mut tally = LinkTally::default();
        link.queue_delay_low = u64::MAX - 5;
        link.free_at = 100;
        link.transmit(
            &mut tally,
            &params,
            Switching::StoreAndForward,
            crossing(90, 1, 0),
        );
        assert_eq!(link.queue_delay_sum(&tally), u128::from(u64::MAX) + 5);
    }

    #[test]
    fn sparse_and_dense_states_agree() {
        for nodes in [4, 300] {
            let links = Links::Complete {
                nodes,
                class: 0,
                classes: std::collections::BTreeMap::new(),
            };
            let mut states = LinkStates::new(&links);
            let used_only = matches!(states, LinkStates::Used { .. });
            assert_eq!(used_only, nodes == 300, "both kinds are exercised");
            for id in [7, 3, 7] {
                states.get_mut(id).0.packets += 1;
            }
            let used: Vec<_> = states
                .used()
                .iter()
                .map(|(id, s, _)| (*id, s.packets))
                .collect();
            assert_eq!(used, vec![(3, 1), (7, 2)]);
        }
    }

    #[test]
    fn bad_fault_parameters_are_rejected() {
        let p = LinkParams {
            drop: 1.5,
            ..LinkParams::default()
        };
        assert!(p.validate("x").is_err());
        assert!(
            with_down(vec![Window { start: 5, end: 5 }])
                .validate("x")
                .is_err()
        );
    }
}
