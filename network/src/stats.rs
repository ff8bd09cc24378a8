//! Statistics: per link, per node, per message type and for dropped packets.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::link::{LinkState, LinkTally};
use crate::time::Time;

/// A snapshot of the network's counters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkStats {
    /// The network clock when the snapshot was taken (fs).
    pub time: Time,
    /// Routers in the topology (nodes and switches).
    pub routers: u32,
    /// Links that carried at least one packet, by link id.
    pub links: Vec<LinkStats>,
    /// Every node, by node id.
    pub nodes: Vec<NodeStats>,
    /// Counts by message type (returned messages count under their original type).
    pub types: BTreeMap<u32, TypeStats>,
    /// Packets the network did not deliver.
    pub drops: DropStats,
    /// Packets still travelling.
    pub in_flight: u64,
}

impl NetworkStats {
    /// The same counters over a run that ended at `end` (when that is later than the
    /// network clock): `time` becomes `end` and every utilization is busy time over it.
    pub fn ending_at(mut self, end: Time) -> Self {
        if end > self.time {
            self.time = end;
            for link in &mut self.links {
                link.utilization = utilization(link.busy, end);
            }
            for port in self
                .nodes
                .iter_mut()
                .flat_map(|n| n.nic_out.iter_mut().chain(n.nic_in.iter_mut()))
            {
                port.utilization = utilization(port.busy, end);
            }
        }
        self
    }
}

/// Counters of one directed link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkStats {
    /// Link id.
    pub id: u32,
    /// Router it leaves.
    pub from: u32,
    /// Router it enters.
    pub to: u32,
    /// Name of its class (`link` for the default class).
    pub class: String,
    /// Packets carried.
    pub packets: u64,
    /// Bits carried.
    pub bits: u64,
    /// Bits carried, in bytes rounded up.
    pub bytes: u64,
    /// Time spent transmitting (fs).
    pub busy: Time,
    /// `busy` over the network clock (0 when the clock is 0).
    pub utilization: f64,
    /// Longest wait for the link (fs).
    pub queue_delay_max: Time,
    /// Mean wait for the link (fs).
    pub queue_delay_mean: f64,
    /// Packets lost on it (fault injection).
    pub lost: u64,
    /// Packets corrupted on it (fault injection).
    pub corrupted: u64,
}

/// Counters of one node's NIC.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NodeStats {
    /// Messages the node sent (accepted sends).
    pub sent: u64,
    /// Messages placed in its inboxes.
    pub received: u64,
    /// Bits of the messages it sent.
    pub bits_sent: u64,
    /// Bits of the messages it received.
    pub bits_received: u64,
    /// `bits_sent` in bytes, rounded up.
    pub bytes_sent: u64,
    /// `bits_received` in bytes, rounded up.
    pub bytes_received: u64,
    /// Messages it returned to their senders (closed, unknown or full inbox).
    pub bounced: u64,
    /// Returned messages placed in its inboxes.
    pub returned: u64,
    /// Sends refused because its transmit queue was full.
    pub refused: u64,
    /// Longest time from a send (or a bounce) to placement in one of its inboxes (fs).
    pub latency_max: Time,
    /// Mean of that time over the messages it received (fs; 0 without any).
    pub latency_mean: f64,
    /// Its NIC's output port (when `nic_bandwidth` is set).
    pub nic_out: Option<PortStats>,
    /// Its NIC's input port (when `nic_bandwidth` is set).
    pub nic_in: Option<PortStats>,
    /// Packets for it that failed its NIC's MAC check; only with `[network.auth]` (absent
    /// from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_failed: Option<u64>,
}

/// Counters of one NIC port.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PortStats {
    /// Packets through it.
    pub packets: u64,
    /// Time spent transmitting (fs).
    pub busy: Time,
    /// `busy` over the network clock (at most 1).
    pub utilization: f64,
    /// Longest wait for the port (fs).
    pub queue_delay_max: Time,
    /// Mean wait for the port (fs).
    pub queue_delay_mean: f64,
}

impl PortStats {
    /// The counters of a port's state and tally at network time `clock`.
    pub fn of(state: &LinkState, tally: &LinkTally, clock: Time) -> Self {
        Self {
            packets: state.packets,
            busy: state.busy,
            utilization: utilization(state.busy, clock),
            queue_delay_max: state.queue_delay_max,
            queue_delay_mean: mean(state.queue_delay_sum(tally), state.packets),
        }
    }
}

/// `busy / clock`, at most 1 (0 when the clock is 0).
pub fn utilization(busy: Time, clock: Time) -> f64 {
    if clock == 0 {
        0.0
    } else {
        (busy as f64 / clock as f64).min(1.0)
    }
}

/// `sum / count` (0 when the count is 0).
pub fn mean(sum: u128, count: u64) -> f64 {
    if count == 0 {
        0.0
    } else {
        sum as f64 / count as f64
    }
}

/// Counters of one message type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TypeStats {
    /// Messages of this type sent by firmware.
    pub sent: u64,
    /// Bits of those messages (header and payload, as the links charge them once).
    pub bits: u64,
    /// Messages of this type placed in an inbox (not counting returned ones).
    pub delivered: u64,
    /// Messages of this type returned to sender.
    pub returned: u64,
}

/// Why packets were not delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DropStats {
    /// Could not be delivered and had no reply-to (or were already returned).
    pub undeliverable: u64,
    /// Lost on a link (fault injection).
    pub lost: u64,
    /// Corrupted on a link, caught by the CRC and discarded (fault injection).
    pub corrupted: u64,
    /// Corrupted on a link and rejected by the receiving NIC's MAC check; only with
    /// `[network.auth]` (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_failed: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_end_rescales_utilization_and_an_earlier_one_changes_nothing() {
        let link = LinkStats {
            id: 0,
            from: 0,
            to: 1,
            class: "link".into(),
            packets: 1,
            bits: 8,
            bytes: 1,
            busy: 25,
            utilization: 0.5,
            queue_delay_max: 0,
            queue_delay_mean: 0.0,
            lost: 0,
            corrupted: 0,
        };
        let port = PortStats {
            packets: 1,
            busy: 10,
            utilization: 0.2,
            ..PortStats::default()
        };
        let stats = NetworkStats {
            time: 50,
            routers: 2,
            links: vec![link],
            nodes: vec![NodeStats {
                nic_out: Some(port),
                ..NodeStats::default()
            }],
            types: BTreeMap::new(),
            drops: DropStats::default(),
            in_flight: 0,
        };
        assert_eq!(stats.clone().ending_at(40), stats);
        let later = stats.ending_at(100);
        assert_eq!(later.time, 100);
        assert_eq!(later.links[0].utilization, 0.25);
        assert_eq!(
            later.nodes[0].nic_out.as_ref().map(|p| p.utilization),
            Some(0.1)
        );
    }
}
