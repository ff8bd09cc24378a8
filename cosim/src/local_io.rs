//! A node's local input and output: messages the simulator places straight into inboxes
//! at scheduled times (readouts of a quantum computer's ancillas), and messages firmware
//! sends to its node's output port (results). Neither crosses the network: no link, NIC
//! port or network statistic is charged (docs/decoders.md, "Readout, output and the
//! firmware interface"), and the barrier wire that joins the decoding's nodes
//! ([`barrier`]; docs/decoders.md, "The global OR wire (barrier)").

pub mod barrier;

use aether_isa::Addressing;
use aether_network::{Message, Payload};
use serde::Serialize;

use crate::time::Time;

/// The inbox id of a node's output port, the largest inbox an address word of the run's
/// `addressing` holds (0xFFFF narrow, 0xFF wide): with the port on, a `send` to
/// `(own node, output_port)` is collected as an [`Output`] instead of entering the network.
pub fn output_port(addressing: Addressing) -> u16 {
    addressing.inbox_mask() as u16
}

/// The inbox id of a node's barrier port, one below the output port (0xFFFE narrow, 0xFE
/// wide): when the run has a barrier wire, a `send` to `(own node, barrier_port)` is a
/// contribution to it instead of entering the network.
pub fn barrier_port(addressing: Addressing) -> u16 {
    output_port(addressing) - 1
}

/// A message firmware sent to its node's output port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// When the `send` issued (fs).
    pub time: Time,
    /// The sending node.
    pub node: u32,
    /// The message type.
    pub msg_type: u32,
    /// The payload.
    pub payload: Payload,
}

/// A schedule of local inputs, in time order: each is a message for the inbox
/// `msg.dst` that the simulator places there at its time.
pub trait InputSource {
    /// The time of the next input, if any is left.
    fn next_time(&self) -> Option<Time>;

    /// Appends every input due at [`InputSource::next_time`] to `out`, in the order they
    /// are placed, and moves past them.
    fn pop(&mut self, out: &mut Vec<Message>);
}

/// What became of the local inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputStats {
    /// Placed in their inbox.
    pub placed: u64,
    /// Lost: the inbox was closed, never opened or full.
    pub lost: u64,
}
