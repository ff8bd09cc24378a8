//! Packets in flight: a message plus where it is and what it costs.

use crate::message::Message;
use crate::time::Time;

/// A message travelling through the network.
#[derive(Debug, Clone)]
pub struct Packet {
    /// The message it carries.
    pub msg: Message,
    /// When it was sent (or bounced).
    pub sent_at: Time,
    /// Size in bits (header plus payload).
    pub bits: u64,
    /// Where it stands in its sender's transmit queue.
    pub tx: TxQueue,
    /// When its last bit reaches the router it is heading for (cut-through needs it).
    pub tail_at: Time,
    /// Failed a CRC on the way (cut-through only notices at the destination NIC).
    pub corrupt: bool,
}

/// Where a packet stands in its sender's transmit queue, which holds it until its first hop
/// (or output port crossing) is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxQueue {
    /// Not in it: that hop is scheduled, or the packet never entered (a bounce, a message
    /// to its own node).
    Out,
    /// Waiting for that hop, its ready time among the NIC's waiting ones.
    Waiting,
    /// That hop starts as the packet is sent: it never waits.
    Starting,
}
