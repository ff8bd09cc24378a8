//! A node's NIC: its inboxes and the occupancy of its transmit queue.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::error::NicError;
use crate::message::Message;
use crate::packet::TxQueue;
use crate::time::Time;
use crate::times::Times;

/// One node's traffic counters, kept in its NIC so that a send or a delivery touches one
/// record of the node instead of one per counter array. Laid out in this order (`repr(C)`):
/// the counters a delivery or a send updates fill the first 64 bytes.
#[derive(Debug, Clone, Default)]
#[repr(C)]
pub struct NicCounters {
    /// Sum of the delivery latencies (fs), for the mean.
    pub latency_sum: u128,
    /// Messages placed in its inboxes.
    pub received: u64,
    /// Bits of the messages placed in its inboxes.
    pub bits_received: u64,
    /// Longest time from a send (or a bounce) to placement in one of its inboxes (fs).
    pub latency_max: Time,
    /// Returned messages placed in its inboxes.
    pub returned: u64,
    /// Messages sent (accepted sends).
    pub sent: u64,
    /// Bits of the messages sent.
    pub bits_sent: u64,
    /// Messages it returned to their senders.
    pub bounced: u64,
    /// Sends refused because its transmit queue was full.
    pub refused: u64,
    /// Packets for it that failed its MAC check (with `[network.auth]`).
    pub auth_failed: u64,
}

/// One node's network interface. Laid out in this order (`repr(C)`, on a cache line of its
/// own): what a delivery to the node or a packet sent to it touches in the first 64 bytes,
/// its transmit queue in the next 64, then its counters.
#[derive(Debug)]
#[repr(C, align(64))]
pub struct Nic {
    /// Packets in flight to this node.
    pub inbound: u32,
    node: u32,
    /// Times of the deliveries to this node already scheduled.
    arriving: BinaryHeap<Reverse<Time>>,
    /// Inboxes by id: `Some` open, `None` closed; ids past the end were never opened.
    inboxes: Vec<Option<VecDeque<Message>>>,
    /// Its transmit queue.
    tx: Transmit,
    /// Its traffic counters.
    pub counters: NicCounters,
    /// The buffers of inboxes closed empty, for the next ones opened (never more than were
    /// open at once): a node that opens an inbox per request (an RPC's replies) then
    /// allocates none after its first requests.
    spare: Vec<VecDeque<Message>>,
}

/// The times of a NIC's transmit queue, on a cache line of their own.
#[derive(Debug, Default)]
#[repr(C, align(64))]
struct Transmit {
    /// End times of first hops already scheduled.
    leaving: Times,
    /// Ready times of queued packets whose first hop is not yet scheduled.
    waiting: BinaryHeap<Reverse<Time>>,
}

impl Nic {
    /// A NIC for `node` with inbox 0 open.
    pub fn new(node: u32) -> Self {
        Self {
            node,
            inbound: 0,
            counters: NicCounters::default(),
            // Room for inbox 0 and the next three opened (an RPC's reply inboxes) without
            // moving the list.
            inboxes: {
                let mut inboxes = Vec::with_capacity(4);
                inboxes.push(Some(VecDeque::new()));
                inboxes
            },
            tx: Transmit::default(),
            arriving: BinaryHeap::new(),
            spare: Vec::new(),
        }
    }

    /// Opens the next inbox id.
    pub fn open(&mut self) -> Result<u16, NicError> {
        let id =
            u16::try_from(self.inboxes.len()).map_err(|_| NicError::InboxesExhausted(self.node))?;
        self.inboxes
            .push(Some(self.spare.pop().unwrap_or_default()));
        Ok(id)
    }

    /// Closes an inbox and hands back the messages it still held, oldest first.
    pub fn close(&mut self, inbox: u16) -> Result<VecDeque<Message>, NicError> {
        self.inbox(inbox)?;
        let left = self.inboxes[usize::from(inbox)].take().unwrap_or_default();
        if !left.is_empty() {
            return Ok(left);
        }
        if left.capacity() > 0 {
            self.spare.push(left);
        }
        Ok(VecDeque::new())
    }

    /// True when `inbox` is open.
    pub fn is_open(&self, inbox: u16) -> bool {
        matches!(self.inboxes.get(usize::from(inbox)), Some(Some(_)))
    }

    /// Number of inboxes open now (inbox 0 included while it is open).
    pub fn open_inboxes(&self) -> usize {
        self.inboxes.iter().filter(|i| i.is_some()).count()
    }

    /// An open inbox, or why it is not one.
    pub fn inbox(&self, inbox: u16) -> Result<&VecDeque<Message>, NicError> {
        match self.inboxes.get(usize::from(inbox)) {
            Some(Some(queue)) => Ok(queue),
            Some(None) => Err(NicError::Closed {
                node: self.node,
                inbox,
            }),
            None => Err(NicError::NotOpened {
                node: self.node,
                inbox,
            }),
        }
    }

    /// An open inbox, mutably, or why it is not one.
    pub fn inbox_mut(&mut self, inbox: u16) -> Result<&mut VecDeque<Message>, NicError> {
        self.inbox(inbox)?;
        self.inboxes[usize::from(inbox)]
            .as_mut()
            .ok_or(NicError::Closed {
                node: self.node,
                inbox,
            })
    }

    /// Packets in the transmit queue at `now` (forgetting those that left by then).
    #[inline(always)]
    pub fn tx_occupancy(&mut self, now: Time) -> usize {
        self.tx_forget(now);
        self.tx.waiting.len() + self.tx.leaving.len()
    }

    /// Forgets the packets of the transmit queue that left it by `now`.
    #[inline(always)]
    pub fn tx_forget(&mut self, now: Time) {
        self.tx.leaving.drop_until(now);
    }

    /// Packets in the transmit queue at `now`, as [`Nic::tx_occupancy`] counts them.
    #[inline(always)]
    pub fn tx_queued(&self, now: Time) -> usize {
        self.tx.waiting.len() + self.tx.leaving.after(now)
    }

    /// A packet entered the transmit queue; its first hop is due at `ready`.
    pub fn tx_enter(&mut self, ready: Time) {
        self.tx.waiting.push(Reverse(ready));
    }

    /// A packet of the transmit queue got its first hop, which ends at `end`: the earliest
    /// waiting one, or one whose first hop started as it was sent (`queued` says which).
    #[inline(always)]
    pub fn tx_scheduled(&mut self, queued: TxQueue, end: Time) {
        if queued == TxQueue::Waiting {
            self.tx.waiting.pop();
        }
        self.tx.leaving.push(end);
    }

    /// A delivery to this node is scheduled at `at`.
    pub fn arrival_scheduled(&mut self, at: Time) {
        self.arriving.push(Reverse(at));
    }

    /// The earliest scheduled delivery took place (deliveries happen in time order).
    pub fn arrived(&mut self) {
        self.arriving.pop();
    }

    /// The time of the earliest delivery scheduled to this node, if any.
    pub fn next_arrival(&self) -> Option<Time> {
        self.arriving.peek().map(|t| t.0)
    }

    /// The earliest time the transmit queue's occupancy is known to change.
    pub fn tx_free_at(&self) -> Option<Time> {
        let waiting = self.tx.waiting.peek().map(|t| t.0);
        let leaving = self.tx.leaving.first();
        match (waiting, leaving) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_ids_count_up_and_are_never_reused() {
        let mut nic = Nic::new(0);
        assert!(nic.is_open(0));
        assert_eq!(nic.open(), Ok(1));
        assert_eq!(nic.open(), Ok(2));
        nic.close(1).expect("open");
        assert!(!nic.is_open(1));
        assert_eq!(nic.open(), Ok(3));
        assert_eq!(nic.open_inboxes(), 3, "0, 2 and 3");
        assert_eq!(
            nic.inbox(1).err(),
            Some(NicError::Closed { node: 0, inbox: 1 })
        );
        assert_eq!(
            nic.inbox(9).err(),
            Some(NicError::NotOpened { node: 0, inbox: 9 })
        );
    }

    #[test]
    fn inboxes_closed_empty_lend_their_buffers_to_the_next_ones_opened() {
        let mut nic = Nic::new(0);
        let message = |inbox| Message {
            src: 1,
            dst: crate::address::Address { node: 0, inbox },
            reply_to: None,
            msg_type: 1,
            payload: crate::message::Payload::from_slice(&[7]),
        };
        let (a, b) = (nic.open().expect("room"), nic.open().expect("room"));
        for inbox in [a, b] {
            nic.inbox_mut(inbox)
                .expect("open")
                .push_back(message(inbox));
        }
        let capacity = nic.inbox(a).expect("open").capacity();
        nic.inbox_mut(a).expect("open").pop_front();
        assert!(nic.close(a).expect("open").is_empty());
        let left = nic.close(b).expect("open");
        assert_eq!(
            left.len(),
            1,
            "a message left is handed back with its buffer"
        );
        let c = nic.open().expect("room");
        assert_eq!(nic.inbox(c).expect("open").capacity(), capacity);
        assert_eq!(
            nic.open().map(|d| nic.inbox(d).map(VecDeque::capacity)),
            Ok(Ok(0))
        );
    }

    #[test]
    fn transmit_occupancy_follows_first_hops() {
        let mut nic = Nic::new(0);
        nic.tx_enter(10);
        nic.tx_enter(12);
        assert_eq!(nic.tx_free_at(), Some(10));
        nic.tx_scheduled(TxQueue::Waiting, 30);
        assert_eq!(nic.tx_free_at(), Some(12));
        assert_eq!(nic.tx_occupancy(29), 2);
        assert_eq!(nic.tx_occupancy(30), 1);
        nic.tx_scheduled(TxQueue::Starting, 40);
        assert_eq!(
            nic.tx_free_at(),
            Some(12),
            "a packet that never waited leaves none"
        );
        assert_eq!(nic.tx_occupancy(30), 2);
    }
}
