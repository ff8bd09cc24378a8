//! Errors: bad configuration, NIC misuse and refused sends.

use thiserror::Error;

use crate::time::Time;

/// A network configuration that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The header layout is unusable.
    #[error("network header: {0}")]
    Header(String),
    /// A link class has an unusable parameter.
    #[error("link class `{class}`: {reason}")]
    LinkClass {
        /// The class name (`link` for the default class).
        class: String,
        /// What is wrong.
        reason: String,
    },
    /// A link names a class that is not defined.
    #[error("unknown link class `{0}`")]
    UnknownClass(String),
    /// The topology cannot hold the nodes or is malformed.
    #[error("network topology: {0}")]
    Topology(String),
    /// The graph file could not be read or parsed.
    #[error("graph file {file}: {reason}")]
    Graph {
        /// The file (or `<inline>`).
        file: String,
        /// What is wrong, with the line number where there is one.
        reason: String,
    },
    /// A node cannot reach another one.
    #[error("network topology: node {from} cannot reach node {to}")]
    Unreachable {
        /// The source node.
        from: u32,
        /// The destination node.
        to: u32,
    },
    /// A `[[network.links]]` entry names a link the topology does not have.
    #[error("network links: there is no link from {from} to {to}")]
    NoSuchLink {
        /// Router at the near end.
        from: u32,
        /// Router at the far end.
        to: u32,
    },
    /// Too many or too few nodes.
    #[error("network: {0}")]
    Nodes(String),
    /// A probability outside [0, 1] or a bad window.
    #[error("network faults: {0}")]
    Fault(String),
    /// A bad value in `[network.auth]`.
    #[error("network auth: {0}")]
    Auth(String),
}

/// Misuse of a NIC by the node (the co-simulator turns it into a NIC fault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NicError {
    /// No such node on the network.
    #[error("node {0} is not on the network")]
    UnknownNode(u32),
    /// The inbox was never opened on this node.
    #[error("inbox {inbox} was never opened on node {node}")]
    NotOpened {
        /// The node.
        node: u32,
        /// The inbox id.
        inbox: u16,
    },
    /// The inbox has been closed.
    #[error("inbox {inbox} on node {node} is closed")]
    Closed {
        /// The node.
        node: u32,
        /// The inbox id.
        inbox: u16,
    },
    /// The inbox holds `inbox_capacity` messages.
    #[error("inbox {inbox} on node {node} is full")]
    Full {
        /// The node.
        node: u32,
        /// The inbox id.
        inbox: u16,
    },
    /// All 65,535 inbox ids of the node have been used.
    #[error("node {0} has used all inbox ids")]
    InboxesExhausted(u32),
    /// The call is for a time before the network's clock.
    #[error("NIC call at {now} fs is before the network clock {clock} fs")]
    TimeWentBack {
        /// The time of the call.
        now: Time,
        /// The network's clock (the last `advance` bound).
        clock: Time,
    },
}

/// A send the NIC refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SendError {
    /// The node's transmit queue is full: stall and retry (see `Network::tx_free_at`).
    #[error("transmit queue full")]
    Full,
    /// The payload is longer than the header's length field can describe.
    #[error("payload of {len} words exceeds the maximum of {max}")]
    TooLong {
        /// The payload length in words.
        len: usize,
        /// The largest payload allowed.
        max: u64,
    },
    /// The destination node does not exist.
    #[error("destination node {0} is not on the network")]
    UnknownDestination(u32),
    /// The sending NIC was misused.
    #[error(transparent)]
    Nic(#[from] NicError),
}
