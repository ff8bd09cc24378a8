//! The network part of the report: message counts by type name (from the programs'
//! message-type tables) and the compact traffic tables of the human summary.

use std::collections::BTreeMap;
use std::fmt::Write;

use aether_network::{LinkStats, NetworkStats};
use serde::Serialize;

use crate::sim::{Simulation, Station};
use crate::time::FS_PER_NS;

/// Links and nodes listed in the human summary's traffic tables.
pub const SUMMARY_ROWS: usize = 8;

/// aether's message report: the counts of one message type, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageCount {
    /// The type id (bit 31 clear: returned messages count under their original type).
    #[serde(rename = "type")]
    pub msg_type: u32,
    /// Its name in the programs' `.msg` tables (names that differ between programs are
    /// joined with `/`), or `null` when no program declares it.
    pub name: Option<String>,
    /// Messages of this type sent (by firmware and components).
    pub sent: u64,
    /// Bits of those messages, as the links charge them once.
    pub bits: u64,
    /// Messages of this type placed in an inbox (returned ones not counted).
    pub delivered: u64,
    /// Messages of this type returned to sender.
    pub returned: u64,
}

/// Type names declared by the programs of the emulated nodes, by id.
pub fn type_names(sim: &Simulation) -> BTreeMap<u32, String> {
    let mut names: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for station in &sim.world.stations {
        if let Station::Node(node) = station {
            for t in &node.program.image.msg_types {
                let known = names.entry(t.id).or_default();
                if !known.contains(&t.name.as_str()) {
                    known.push(&t.name);
                }
            }
        }
    }
    names
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_unstable();
            (id, list.join("/"))
        })
        .collect()
}

/// The message report: one row per type that was sent, by id.
pub fn message_counts(stats: &NetworkStats, names: &BTreeMap<u32, String>) -> Vec<MessageCount> {
    stats
        .types
        .iter()
        .map(|(&id, t)| MessageCount {
            msg_type: id,
            name: names.get(&id).cloned(),
            sent: t.sent,
            bits: t.bits,
            delivered: t.delivered,
            returned: t.returned,
        })
        .collect()
}

fn ns(fs: f64) -> f64 {
    fs / FS_PER_NS as f64
}

/// The summary's network section: totals, messages by name, the busiest links and nodes.
pub fn summary(out: &mut String, net: &NetworkStats, messages: &[MessageCount]) {
    let sent: u64 = net.nodes.iter().map(|n| n.sent).sum();
    let received: u64 = net.nodes.iter().map(|n| n.received).sum();
    let bounced: u64 = net.nodes.iter().map(|n| n.bounced).sum();
    let d = &net.drops;
    let auth = d
        .auth_failed
        .map(|n| format!(", {n} failed authentication"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "network: {sent} messages sent, {received} delivered, {bounced} returned to sender, \
         {} undeliverable, {} lost, {} corrupted{auth}, {} in flight",
        d.undeliverable, d.lost, d.corrupted, net.in_flight
    );
    if !messages.is_empty() {
        let _ = writeln!(
            out,
            "  {:>10} {:<20} {:>10} {:>10} {:>9} {:>12}",
            "type", "message", "sent", "delivered", "returned", "bytes"
        );
        for m in messages {
            let _ = writeln!(
                out,
                "  {:>10} {:<20} {:>10} {:>10} {:>9} {:>12}",
                m.msg_type,
                m.name.as_deref().unwrap_or("-"),
                m.sent,
                m.delivered,
                m.returned,
                m.bits.div_ceil(8)
            );
        }
    }
    link_table(out, &net.links);
    node_table(out, net);
}

fn link_table(out: &mut String, links: &[LinkStats]) {
    if links.is_empty() {
        return;
    }
    let mut busiest: Vec<&LinkStats> = links.iter().collect();
    busiest.sort_by(|a, b| {
        b.utilization
            .total_cmp(&a.utilization)
            .then(a.id.cmp(&b.id))
    });
    busiest.truncate(SUMMARY_ROWS);
    let _ = writeln!(
        out,
        "  links by utilization ({} of {} used):",
        busiest.len(),
        links.len()
    );
    let _ = writeln!(
        out,
        "  {:>14} {:<10} {:>9} {:>12} {:>12} {:>6} {:>14} {:>12}",
        "link", "class", "packets", "bytes", "busy ns", "util", "max queue ns", "mean queue ns"
    );
    for l in busiest {
        let _ = writeln!(
            out,
            "  {:>14} {:<10} {:>9} {:>12} {:>12.1} {:>5.1}% {:>14.1} {:>12.1}",
            format!("{} -> {}", l.from, l.to),
            l.class,
            l.packets,
            l.bytes,
            ns(l.busy as f64),
            l.utilization * 100.0,
            ns(l.queue_delay_max as f64),
            ns(l.queue_delay_mean)
        );
    }
}

fn node_table(out: &mut String, net: &NetworkStats) {
    let mut busiest: Vec<(usize, &aether_network::NodeStats)> = net
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.sent + n.received + n.bounced + n.refused + failed(n) > 0)
        .collect();
    if busiest.is_empty() {
        return;
    }
    let active = busiest.len();
    busiest.sort_by_key(|(id, n)| (std::cmp::Reverse(n.bits_sent + n.bits_received), *id));
    busiest.truncate(SUMMARY_ROWS);
    let _ = writeln!(
        out,
        "  nodes by traffic ({} of {} that used the network):",
        busiest.len(),
        active
    );
    let auth_column = |text: Option<String>| text.map(|t| format!(" {t:>11}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  {:>6} {:>9} {:>9} {:>12} {:>12} {:>8} {:>8} {:>8}{}",
        "node",
        "sent",
        "received",
        "bytes sent",
        "bytes recv",
        "bounced",
        "returned",
        "refused",
        auth_column(net.drops.auth_failed.map(|_| "auth failed".into()))
    );
    for (id, n) in busiest {
        let _ = writeln!(
            out,
            "  {:>6} {:>9} {:>9} {:>12} {:>12} {:>8} {:>8} {:>8}{}",
            id,
            n.sent,
            n.received,
            n.bytes_sent,
            n.bytes_received,
            n.bounced,
            n.returned,
            n.refused,
            auth_column(n.auth_failed.map(|f| f.to_string()))
        );
    }
}

/// Packets for a node that failed its NIC's MAC check (0 without authentication).
fn failed(node: &aether_network::NodeStats) -> u64 {
    node.auth_failed.unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aether_network::{Address, Message, Network, NetworkConfig};

    fn sent_network() -> NetworkStats {
        let mut net = Network::new(&NetworkConfig::default(), 3, 1).expect("network");
        for (dst, msg_type) in [(1, 5), (2, 5), (1, 9)] {
            let msg = Message {
                src: 0,
                dst: Address::new(dst, 0),
                reply_to: None,
                msg_type,
                payload: vec![1, 2].into(),
            };
            net.send(0, msg).expect("sent");
        }
        let mut delivered = Vec::new();
        while let Some(t) = net.next_event_time() {
            net.advance(t, &mut delivered);
        }
        net.stats()
    }

    #[test]
    fn message_counts_carry_names_and_unnamed_types_stay_null() {
        let stats = sent_network();
        let names = BTreeMap::from([(5, "PING".to_string())]);
        let counts = message_counts(&stats, &names);
        let bits = 160 + 64;
        assert_eq!(
            counts,
            vec![
                MessageCount {
                    msg_type: 5,
                    name: Some("PING".into()),
                    sent: 2,
                    bits: 2 * bits,
                    delivered: 2,
                    returned: 0,
                },
                MessageCount {
                    msg_type: 9,
                    name: None,
                    sent: 1,
                    bits,
                    delivered: 1,
                    returned: 0,
                },
            ]
        );
    }

    #[test]
    fn the_summary_lists_messages_by_name_links_and_nodes() {
        let stats = sent_network();
        let names = BTreeMap::from([(5, "PING".to_string())]);
        let mut out = String::new();
        summary(&mut out, &stats, &message_counts(&stats, &names));
        assert!(out.starts_with("network: 3 messages sent, 3 delivered, 0 returned"));
        assert!(out.contains("PING"), "{out}");
        assert!(out.contains("links by utilization (2 of 2 used)"), "{out}");
        assert!(out.contains("0 -> 1"), "{out}");
        assert!(out.contains("nodes by traffic (3 of 3"), "{out}");
    }
}
