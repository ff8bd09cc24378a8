//! The network: NICs, links and the events that move packets between them.

use std::sync::Arc;

use crate::auth::Auth;
use crate::class::LinkClasses;
use crate::config::{NetworkConfig, Switching};
use crate::error::{ConfigError, NicError, SendError};
use crate::event::{Event, EventQueue};
use crate::fault::Faults;
use crate::header;
use crate::link::{LinkParams, LinkStates};
use crate::message::{INLINE_WORDS, Message, Payload, RETURNED};
use crate::nic::Nic;
use crate::packet::{Packet, TxQueue};
use crate::port::{Direction, Ports};
use crate::routing::NO_ROUTE;
use crate::stats::{DropStats, LinkStats, NetworkStats, NodeStats, PortStats, mean, utilization};
use crate::time::Time;
use crate::topology::Topology;
use hop::Next;
pub use oldest::Oldest;
use plan::ArrivalBound;
pub use plan::{MAX_NODES, NetworkPlan};
use types::{Totals, TypeCounts};

/// A message placed in an inbox: the co-simulator wakes the inbox's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// When it was placed (fs).
    pub time: Time,
    /// The receiving node.
    pub node: u32,
    /// The inbox it was placed in.
    pub inbox: u16,
}

/// One packet's crossing of one link, as recorded when hops are recorded
/// ([`Network::record_hops`]): it waited for the link from `ready` to `start` and kept it
/// busy from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The link (an id of [`LinkStats::id`]).
    pub link: u32,
    /// When the packet was ready for the link (fs).
    pub ready: Time,
    /// When its first bit left (fs).
    pub start: Time,
    /// When the link became free again (fs).
    pub end: Time,
}

/// The courier network: told the time, it answers with deliveries and statistics.
#[derive(Debug)]
pub struct Network {
    switching: Switching,
    /// Header size in bits, summed once from the layout.
    header_bits: u64,
    /// The largest payload (words) the header's length field describes.
    max_payload: u64,
    nic_latency: Time,
    tx_capacity: usize,
    inbox_capacity: usize,
    topology: Arc<Topology>,
    classes: Arc<LinkClasses>,
    links: LinkStates,
    ports: Option<Ports>,
    nics: Vec<Nic>,
    /// Every packet in flight, held by the event that moves it next.
    events: EventQueue<Event>,
    faults: Faults,
    clock: Time,
    /// Counters by message type (sorted by type in [`Network::stats`]).
    types: TypeCounts,
    drops: DropStats,
    /// Heap payloads of messages received or dropped, reused by [`Network::payload_buffer`].
    spare: Vec<Payload>,
    /// How many packets can reach a node in a given time.
    arrivals: Arc<ArrivalBound>,
    /// Every hop so far, when hops are recorded (waveforms).
    hops: Option<Vec<Hop>>,
    /// By link class, what a hop on it needs besides the link's state ([`ClassMemo`]).
    class_memos: Vec<ClassMemo>,
    /// The NICs' time to compute and check MACs, when packets are authenticated.
    auth: Option<Auth>,
}

/// What a hop on a link of one class needs besides the link's state.
#[derive(Debug)]
struct ClassMemo {
    /// The class has a fault to draw (loss, corruption or jitter): without one, a hop draws
    /// nothing ([`Faults::hop`]).
    faulty: bool,
    /// The last packet size serialized on the class, and its serialization time: most
    /// packets of a run have the same size, and this spares a division per hop.
    bits: u64,
    /// See `bits`.
    serialization: Time,
    /// The class's router time.
    router: Time,
}

impl ClassMemo {
    fn new(params: &LinkParams) -> Self {
        Self {
            faulty: Faults::any(params),
            bits: 0,
            serialization: 0,
            router: params.router,
        }
    }
}

/// Most spare heap payloads kept for reuse.
const MAX_SPARE: usize = 4096;

/// Keeps `payload`, emptied, in `spare` for [`Network::payload_buffer`] to reuse (while
/// there is room, and only a heap payload).
#[inline(always)]
fn keep_spare(spare: &mut Vec<Payload>, mut payload: Payload) {
    if payload.spilled() && spare.len() < MAX_SPARE {
        payload.clear();
        spare.push(payload);
    }
}

impl Network {
    /// Builds a network of `nodes` nodes (ids `0..nodes`) as `config` describes;
    /// `seed` drives fault injection.
    pub fn new(config: &NetworkConfig, nodes: usize, seed: u64) -> Result<Network, ConfigError> {
        Ok(Network::from_plan(&NetworkPlan::new(config, nodes)?, seed))
    }

    /// A network laid out by `plan` at time 0 with nothing in flight; `seed` drives fault
    /// injection.
    pub fn from_plan(plan: &NetworkPlan, seed: u64) -> Network {
        let nodes = plan.nodes;
        Network {
            switching: plan.switching,
            header_bits: plan.header.bits(),
            max_payload: plan.header.max_payload(),
            nic_latency: plan.nic_latency,
            tx_capacity: plan.tx_capacity,
            inbox_capacity: plan.inbox_capacity,
            links: LinkStates::new(&plan.topology.links),
            ports: plan.nic_bandwidth.map(|w| Ports::new(w, nodes)),
            topology: plan.topology.clone(),
            classes: plan.classes.clone(),
            nics: (0..nodes).map(|n| Nic::new(n as u32)).collect(),
            events: EventQueue::default(),
            faults: Faults::new(seed),
            clock: 0,
            types: TypeCounts::default(),
            drops: DropStats {
                auth_failed: plan.auth.map(|_| 0),
                ..DropStats::default()
            },
            spare: Vec::new(),
            arrivals: plan.arrivals.clone(),
            hops: None,
            class_memos: plan.classes.all().iter().map(ClassMemo::new).collect(),
            auth: plan.auth.as_ref().map(|config| Auth::new(config, nodes)),
        }
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.nics.len()
    }

    /// The network clock: the largest `until` given to [`Network::advance`].
    pub fn clock(&self) -> Time {
        self.clock
    }

    /// Sets the clock period (fs) of `node`'s NIC, in which `[network.auth]` counts the
    /// cycles to compute and to check a MAC (a NIC whose period is not set takes no time;
    /// a node not on the network is ignored).
    pub fn set_nic_period(&mut self, node: u32, period: Time) {
        if let Some(auth) = self.auth.as_mut() {
            auth.set_period(node as usize, period);
        }
    }

    /// Records every hop from now on ([`Network::hops`]).
    pub fn record_hops(&mut self) {
        self.hops.get_or_insert_default();
    }

    /// The hops recorded so far, in the order they were scheduled (empty unless recorded).
    pub fn hops(&self) -> &[Hop] {
        self.hops.as_deref().unwrap_or_default()
    }

    /// Size in bits of a packet carrying `payload_words` words.
    pub fn packet_bits(&self, payload_words: usize) -> u64 {
        header::with_payload(self.header_bits, payload_words)
    }

    fn check_time(&self, now: Time) -> Result<(), NicError> {
        if now < self.clock {
            return Err(NicError::TimeWentBack {
                now,
                clock: self.clock,
            });
        }
        Ok(())
    }

    fn nic(&self, node: u32) -> Result<&Nic, NicError> {
        self.nics
            .get(node as usize)
            .ok_or(NicError::UnknownNode(node))
    }

    fn nic_mut(&mut self, node: u32) -> Result<&mut Nic, NicError> {
        self.nics
            .get_mut(node as usize)
            .ok_or(NicError::UnknownNode(node))
    }

    /// Opens a new inbox on `node` and returns its id (1, 2, ... never reused).
    pub fn open(&mut self, node: u32) -> Result<u16, NicError> {
        self.nic_mut(node)?.open()
    }

    /// Closes an inbox at `now`; messages still in it go back to their reply-to
    /// addresses (oldest first), or are dropped and counted without one.
    pub fn close(&mut self, now: Time, node: u32, inbox: u16) -> Result<(), NicError> {
        self.check_time(now)?;
        let left = self.nic_mut(node)?.close(inbox)?;
        for msg in left {
            self.bounce(now, node, msg);
        }
        Ok(())
    }

    /// Hands `msg` to the NIC of node `msg.src` at `now`.
    ///
    /// Refused with [`SendError::Full`] while the node has `tx_queue` packets that
    /// have not finished their first hop; [`Network::tx_free_at`] says when to retry.
    /// A message to the sending node itself skips the links and the transmit queue.
    pub fn send(&mut self, now: Time, msg: Message) -> Result<(), SendError> {
        self.check_time(now)?;
        let src = msg.src;
        self.nic(src)?;
        if msg.dst.node as usize >= self.nics.len() {
            return Err(SendError::UnknownDestination(msg.dst.node));
        }
        let max = self.max_payload;
        if msg.payload.len() as u64 > max {
            return Err(SendError::TooLong {
                len: msg.payload.len(),
                max,
            });
        }
        let nic = &mut self.nics[src as usize];
        if msg.dst.node != src && nic.tx_occupancy(now) >= self.tx_capacity {
            nic.counters.refused += 1;
            return Err(SendError::Full);
        }
        self.accept(now, msg);
        Ok(())
    }

    /// [`Network::send`] of a message that [`Network::accepts_later`] said, at or before
    /// `now`, would be accepted then with the sends handed over since counted: it is, and
    /// none of `send`'s checks is made again.
    pub fn send_accepted(&mut self, now: Time, msg: Message) {
        debug_assert!(self.accepts_later(now, msg.src, msg.dst.node, msg.payload.len(), 0));
        self.nics[msg.src as usize].tx_forget(now);
        self.accept(now, msg);
    }

    /// Counts `msg`, accepted from its sender at `now`, and puts its packet on the network.
    #[inline(always)]
    fn accept(&mut self, now: Time, msg: Message) {
        let bits = header::with_payload(self.header_bits, msg.payload.len());
        let counters = &mut self.nics[msg.src as usize].counters;
        counters.sent += 1;
        counters.bits_sent += bits;
        self.types.sent(msg.msg_type, bits);
        if msg.dst.node != msg.src && self.auth.is_none() && self.ports.is_none() {
            self.launch(now, now, msg, true);
        } else {
            self.inject(now, msg, true);
        }
    }

    /// Places `msg` straight into an inbox of `msg.dst.node` at `now`: a local input (such
    /// as a readout) that crosses no NIC port or link and counts in no statistic. Refused
    /// when the inbox is not open or holds `inbox_capacity` messages.
    pub fn place(&mut self, now: Time, msg: Message) -> Result<(), NicError> {
        self.check_time(now)?;
        let (node, inbox) = (msg.dst.node, msg.dst.inbox);
        let capacity = self.inbox_capacity;
        let queue = self.nic_mut(node)?.inbox_mut(inbox)?;
        if queue.len() >= capacity {
            return Err(NicError::Full { node, inbox });
        }
        queue.push_back(msg);
        Ok(())
    }

    /// The earliest time the transmit queue of `node` is known to shrink (or to learn
    /// when it will): a stalled sender retries then. `None` when the queue is empty.
    pub fn tx_free_at(&self, node: u32) -> Option<Time> {
        self.nics.get(node as usize)?.tx_free_at()
    }

    /// Packets of `node` in its transmit queue at `now` (not yet through their first hop),
    /// as a `send` finds them; 0 for a node that does not exist.
    pub fn tx_queued(&self, node: u32, now: Time) -> usize {
        self.nic(node).map_or(0, |nic| nic.tx_queued(now))
    }

    /// Whether a `send` from `src` to another node `dst` of `len` payload words is sure to
    /// be accepted at any time from `now` on, after `pending` more of `src`'s messages
    /// are handed over first: both nodes exist, the payload fits, and the transmit queue,
    /// which only `src`'s own sends fill, still has room for it then.
    pub fn accepts_later(&self, now: Time, src: u32, dst: u32, len: usize, pending: usize) -> bool {
        src != dst
            && (src as usize) < self.nics.len()
            && (dst as usize) < self.nics.len()
            && now >= self.clock
            && len as u64 <= self.max_payload
            && self.tx_queued(src, now) + pending < self.tx_capacity
    }

    /// The messages waiting in an inbox, oldest first.
    pub fn messages(
        &self,
        node: u32,
        inbox: u16,
    ) -> Result<&std::collections::VecDeque<Message>, NicError> {
        self.nic(node)?.inbox(inbox)
    }

    /// Number of messages waiting in an inbox.
    pub fn poll(&self, node: u32, inbox: u16) -> Result<usize, NicError> {
        Ok(self.nic(node)?.inbox(inbox)?.len())
    }

    /// The oldest message in an inbox, left in place.
    pub fn peek(&self, node: u32, inbox: u16) -> Result<Option<&Message>, NicError> {
        Ok(self.nic(node)?.inbox(inbox)?.front())
    }

    /// Whether taking the oldest message of `inbox` on `node` at `now`, instead of at the
    /// time `at` (not before `now`), changes nothing: the inbox holds a message (the one a
    /// take at `at` gets, as deliveries queue behind it) and every delivery until `at` finds
    /// room whether that message is still there or not. The deliveries are at most the
    /// packets in flight to the node plus those that can still cross its incoming links
    /// ([`NetworkPlan`]'s arrival bound), each counted twice (one may come back to the node
    /// from another of its inboxes, full or closed).
    pub fn recv_settled(&self, node: u32, inbox: u16, now: Time, at: Time) -> bool {
        let Ok(nic) = self.nic(node) else {
            return false;
        };
        let Ok(queue) = nic.inbox(inbox) else {
            return false;
        };
        let Some(ahead) = at.checked_sub(now) else {
            return false;
        };
        let arrivals =
            u64::from(nic.inbound).saturating_add(self.arrivals.within(node as usize, ahead));
        !queue.is_empty()
            && (queue.len() as u64).saturating_add(arrivals.saturating_mul(2))
                <= self.inbox_capacity as u64
    }

    /// Takes the oldest message from an inbox.
    pub fn recv(&mut self, node: u32, inbox: u16) -> Result<Option<Message>, NicError> {
        Ok(self.nic_mut(node)?.inbox_mut(inbox)?.pop_front())
    }

    /// An empty payload to fill with `len` words and send: inline when they fit, else a heap
    /// payload given back by [`Network::recycle`] or left by a dropped message, so that
    /// steady traffic allocates nothing.
    #[inline]
    pub fn payload_buffer(&mut self, len: usize) -> Payload {
        if len <= INLINE_WORDS {
            return Payload::new();
        }
        self.spare.pop().unwrap_or_default()
    }

    /// Gives back the payload of a received message for [`Network::payload_buffer`] to reuse
    /// (only a heap payload is kept).
    #[inline]
    pub fn recycle(&mut self, payload: Payload) {
        keep_spare(&mut self.spare, payload);
    }

    /// Drops `packet` in flight, keeping its heap payload for reuse.
    fn discard(&mut self, packet: Packet) {
        self.nics[packet.msg.dst.node as usize].inbound -= 1;
        self.recycle(packet.msg.payload);
    }

    /// True when `inbox` on `node` exists and is open.
    pub fn is_open(&self, node: u32, inbox: u16) -> bool {
        self.nic(node).is_ok_and(|nic| nic.is_open(inbox))
    }

    /// Number of inboxes open on `node` now (0 for a node that does not exist).
    pub fn open_inboxes(&self, node: u32) -> usize {
        self.nic(node).map_or(0, Nic::open_inboxes)
    }

    /// The routers a message from node `src` to node `dst` passes, both ends
    /// included (just `[src]` when they are the same node); empty for a node that
    /// does not exist.
    pub fn route(&self, src: u32, dst: u32) -> Vec<u32> {
        let (mut at, dst) = (src, dst);
        let nodes = self.nics.len() as u32;
        if at >= nodes || dst >= nodes {
            return Vec::new();
        }
        let mut routers = vec![at];
        while at != dst && routers.len() <= self.topology.routers as usize {
            let link = self.topology.routes.next(at, dst);
            if link == NO_ROUTE {
                break;
            }
            at = self.topology.links.spec(link).to;
            routers.push(at);
        }
        routers
    }

    /// The time of the earliest internal event (a hop starting, a delivery).
    pub fn next_event_time(&self) -> Option<Time> {
        self.events.peek_time()
    }

    /// Runs every internal event due at or before `until` and moves the clock to
    /// `until`. Each message placed in an inbox is appended to `delivered`, in
    /// event order (time, then the order the events were scheduled).
    pub fn advance(&mut self, until: Time, delivered: &mut Vec<Delivery>) {
        while let Some((time, event)) = self.events.pop_until(until) {
            match event {
                Event::Ready { packet, link } => self.start_hop(time, packet, link),
                Event::Port {
                    packet,
                    node,
                    direction,
                } => self.cross_port(time, packet, node, direction),
                Event::Deliver { packet } => self.deliver(time, packet, delivered),
            }
        }
        self.clock = self.clock.max(until);
    }

    /// Puts a packet for `msg` on the network at node `msg.src` at `now`.
    fn inject(&mut self, now: Time, msg: Message, via_tx: bool) {
        let (src, dst) = (msg.src, msg.dst.node);
        // A packet for another node leaves its NIC once its MAC is computed.
        let signed = match &self.auth {
            Some(auth) if src != dst => now.saturating_add(auth.sign(src)),
            _ => now,
        };
        if src == dst {
            let packet = self.packet(msg, now, signed, TxQueue::Out);
            self.schedule_delivery(now.saturating_add(self.nic_latency), packet, dst);
            return;
        }
        if self.ports.is_some() {
            let tx = if via_tx {
                self.nics[src as usize].tx_enter(signed);
                TxQueue::Waiting
            } else {
                TxQueue::Out
            };
            let packet = self.packet(msg, now, signed, tx);
            self.schedule_port(signed, packet, src, Direction::Out);
            return;
        }
        self.launch(now, signed, msg, via_tx);
    }

    /// [`Network::inject`] of a packet for another node without NIC ports, leaving its NIC
    /// at `signed`: routed onto its first link, which it crosses at once when nothing can
    /// come before (then, most often, its delivery is scheduled).
    #[inline(always)]
    fn launch(&mut self, now: Time, signed: Time, msg: Message, via_tx: bool) {
        let (src, dst) = (msg.src, msg.dst.node);
        let Some((ready, link, spec)) = self.next_link(src, dst, signed) else {
            self.drops.undeliverable += 1;
            self.recycle(msg.payload);
            return;
        };
        let at_once = self.runs_now(ready);
        let tx = match (via_tx, at_once) {
            (false, _) => TxQueue::Out,
            (true, true) => TxQueue::Starting,
            (true, false) => {
                self.nics[src as usize].tx_enter(ready);
                TxQueue::Waiting
            }
        };
        let mut packet = self.uncounted_packet(msg, now, signed, tx);
        if !at_once {
            self.nics[dst as usize].inbound += 1;
            self.events.push(ready, Event::Ready { packet, link });
            return;
        }
        // The first hop of `start_hop`, with the common next step, a delivery, inline. The
        // packet is counted in flight to `dst` once it has crossed, with its delivery.
        match self.cross(ready, &mut packet, link, spec) {
            None => self.recycle(packet.msg.payload),
            Some((at, head)) => {
                let next = self.next(at, dst, head, packet.tail_at);
                let nic = &mut self.nics[dst as usize];
                nic.inbound += 1;
                match next {
                    Next::Deliver { at } => {
                        nic.arrival_scheduled(at);
                        self.events.push(at, Event::Deliver { packet });
                    }
                    next => self.follow(packet, next),
                }
            }
        }
    }

    /// The packet of `msg`, sent at `now` and leaving its NIC at `tail`, counted in flight
    /// to its destination.
    fn packet(&mut self, msg: Message, now: Time, tail: Time, tx: TxQueue) -> Packet {
        self.nics[msg.dst.node as usize].inbound += 1;
        self.uncounted_packet(msg, now, tail, tx)
    }

    /// [`Network::packet`] without counting it in flight.
    #[inline(always)]
    fn uncounted_packet(&self, msg: Message, now: Time, tail: Time, tx: TxQueue) -> Packet {
        Packet {
            bits: self.packet_bits(msg.payload.len()),
            msg,
            tx,
            sent_at: now,
            tail_at: tail,
            corrupt: false,
        }
    }

    /// A time before which no message can be placed in an inbox of `node`, given that
    /// nothing is sent before `now` (the network's next internal event and every later
    /// `send` being at or after `now`): the earliest delivery already scheduled to the
    /// node, and `now` plus the shortest time from a packet being ready for its last link
    /// (or the input port) to its delivery. A local input ([`Network::place`]) is not
    /// counted: the caller knows when those come.
    pub fn quiet_until(&self, node: u32, now: Time) -> Time {
        let reach = now.saturating_add(self.arrivals.reach);
        self.nics
            .get(node as usize)
            .and_then(Nic::next_arrival)
            .map_or(reach, |t| t.min(reach))
    }

    /// The packet has fully arrived at its destination NIC at `time`.
    fn deliver(&mut self, time: Time, packet: Packet, delivered: &mut Vec<Delivery>) {
        let nic = &mut self.nics[packet.msg.dst.node as usize];
        nic.inbound -= 1;
        nic.arrived();
        if packet.corrupt {
            match self.drops.auth_failed.as_mut() {
                Some(failed) => {
                    *failed += 1;
                    nic.counters.auth_failed += 1;
                }
                None => self.drops.corrupted += 1,
            }
            self.recycle(packet.msg.payload);
            return;
        }
        let msg = packet.msg;
        let (node, inbox) = (msg.dst.node, msg.dst.inbox);
        let capacity = self.inbox_capacity;
        let (returned, msg_type) = (msg.is_returned(), msg.msg_type);
        match self.nics[node as usize].inbox_mut(inbox) {
            Ok(queue) if queue.len() < capacity => {
                queue.push_back(msg);
                let counters = &mut self.nics[node as usize].counters;
                counters.received += 1;
                counters.bits_received += packet.bits;
                let latency = time - packet.sent_at;
                counters.latency_max = counters.latency_max.max(latency);
                counters.latency_sum += u128::from(latency);
                if returned {
                    counters.returned += 1;
                } else {
                    self.types.delivered(msg_type);
                }
                delivered.push(Delivery { time, node, inbox });
            }
            _ => self.bounce(time, node, msg),
        }
    }

    /// `node` cannot place `msg` at `time`: it goes back to its reply-to address.
    fn bounce(&mut self, time: Time, node: u32, msg: Message) {
        let msg_type = msg.msg_type;
        match msg.reply_to {
            Some(to) if (to.node as usize) < self.nics.len() => {
                self.nics[node as usize].counters.bounced += 1;
                self.types.returned(msg_type & !RETURNED);
                let back = msg.returned(node).expect("a reply-to address");
                self.inject(time, back, false);
            }
            _ => {
                self.drops.undeliverable += 1;
                self.recycle(msg.payload);
            }
        }
    }

    /// The nodes' counters summed, for the first message type's counters.
    fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for nic in &self.nics {
            let n = &nic.counters;
            totals.sent += n.sent;
            totals.bits += n.bits_sent;
            totals.delivered += n.received - n.returned;
        }
        totals
    }

    fn port_stats(&self, node: u32, direction: Direction) -> Option<PortStats> {
        let ports = self.ports.as_ref()?;
        Some(ports.stats(node, direction, self.clock))
    }

    /// A snapshot of the statistics.
    pub fn stats(&self) -> NetworkStats {
        let links = self
            .links
            .used()
            .into_iter()
            .map(|(id, state, tally)| (id, state, tally, self.topology.links.spec(id)))
            .map(|(id, state, tally, spec)| LinkStats {
                id,
                from: spec.from,
                to: spec.to,
                class: self.classes.name(spec.class).to_string(),
                packets: state.packets,
                bits: state.bits,
                bytes: state.bits.div_ceil(8),
                busy: state.busy,
                utilization: utilization(state.busy, self.clock),
                queue_delay_max: state.queue_delay_max,
                queue_delay_mean: mean(state.queue_delay_sum(tally), state.packets),
                lost: tally.lost,
                corrupted: tally.corrupted,
            })
            .collect();
        NetworkStats {
            time: self.clock,
            routers: self.topology.routers,
            links,
            nodes: self
                .nics
                .iter()
                .enumerate()
                .map(|(node, nic)| {
                    let n = &nic.counters;
                    NodeStats {
                        sent: n.sent,
                        received: n.received,
                        bits_sent: n.bits_sent,
                        bits_received: n.bits_received,
                        bytes_sent: n.bits_sent.div_ceil(8),
                        bytes_received: n.bits_received.div_ceil(8),
                        bounced: n.bounced,
                        returned: n.returned,
                        refused: n.refused,
                        latency_max: n.latency_max,
                        latency_mean: mean(n.latency_sum, n.received),
                        nic_out: self.port_stats(node as u32, Direction::Out),
                        nic_in: self.port_stats(node as u32, Direction::In),
                        auth_failed: self.auth.as_ref().map(|_| n.auth_failed),
                    }
                })
                .collect(),
            types: self.types.snapshot(&self.totals()),
            drops: self.drops.clone(),
            in_flight: self.events.len() as u64,
        }
    }
}

#[cfg(test)]
mod auth_tests;
mod hop;
mod oldest;
mod plan;
#[cfg(test)]
mod tests;
mod types;
