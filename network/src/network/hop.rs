//! The hop path: a packet crosses links and ports until its delivery is scheduled, each step
//! run at once when nothing can come before it, else scheduled as an event.

use super::{Hop, Network};
use crate::config::Switching;
use crate::event::Event;
use crate::link::{Crossing, LinkSpec};
use crate::packet::{Packet, TxQueue};
use crate::port::Direction;
use crate::routing::NO_ROUTE;
use crate::time::{Time, serialization_time};

/// Where a packet goes from the router its header has reached.
#[derive(Debug, Clone, Copy)]
pub(super) enum Next {
    /// Onto `link`, ready for it at `ready`.
    Hop { ready: Time, link: u32 },
    /// Into the input port of its destination's NIC at `ready`.
    Port { ready: Time },
    /// Into its inbox at `at`.
    Deliver { at: Time },
    /// Nowhere: there is no route.
    NoRoute,
}

impl Network {
    /// Whether an event due at `time` is the next one: it is due at the clock and no other
    /// event is due by then. Such a hop or port crossing runs at once instead of being
    /// scheduled, as no NIC call can come before it (calls before the clock are refused).
    #[inline]
    pub(super) fn runs_now(&self, time: Time) -> bool {
        time == self.clock && self.events.peek_time().is_none_or(|t| t > time)
    }

    /// Starts `packet` on `link` at `time`, or schedules it then ([`Network::runs_now`]).
    fn schedule_hop(&mut self, time: Time, packet: Packet, link: u32) {
        if self.runs_now(time) {
            self.start_hop(time, packet, link);
        } else {
            self.events.push(time, Event::Ready { packet, link });
        }
    }

    /// Passes `packet` through a port of `node` at `time`, or schedules it then
    /// ([`Network::runs_now`]).
    pub(super) fn schedule_port(
        &mut self,
        time: Time,
        packet: Packet,
        node: u32,
        direction: Direction,
    ) {
        if self.runs_now(time) {
            self.cross_port(time, packet, node, direction);
        } else {
            let event = Event::Port {
                packet,
                node,
                direction,
            };
            self.events.push(time, event);
        }
    }

    /// Schedules the delivery of `packet` to node `dst` at `time`.
    #[inline(always)]
    pub(super) fn schedule_delivery(&mut self, time: Time, packet: Packet, dst: u32) {
        self.nics[dst as usize].arrival_scheduled(time);
        self.events.push(time, Event::Deliver { packet });
    }

    /// Where a packet for node `dst` whose header is at router `at` at `head` (last bit at
    /// `tail`) goes next: onto its next link, into the destination NIC's input port, or
    /// into the inbox.
    #[inline(always)]
    pub(super) fn next(&self, at: u32, dst: u32, head: Time, tail: Time) -> Next {
        if at == dst {
            return match self.ports {
                Some(_) => Next::Port { ready: head },
                None => Next::Deliver {
                    at: self.placement(tail, dst),
                },
            };
        }
        match self.next_link(at, dst, head) {
            Some((ready, link, _)) => Next::Hop { ready, link },
            None => Next::NoRoute,
        }
    }

    /// Sends `packet` where [`Network::next`] said; drops and counts it without a route.
    pub(super) fn follow(&mut self, packet: Packet, next: Next) {
        let dst = packet.msg.dst.node;
        match next {
            Next::Hop { ready, link } => self.schedule_hop(ready, packet, link),
            Next::Port { ready } => self.schedule_port(ready, packet, dst, Direction::In),
            Next::Deliver { at } => self.schedule_delivery(at, packet, dst),
            Next::NoRoute => {
                self.discard(packet);
                self.drops.undeliverable += 1;
            }
        }
    }

    /// Moves a packet whose header is at router `at` at `head` (last bit at `tail`) on
    /// towards its destination ([`Network::next`]).
    fn forward(&mut self, packet: Packet, at: u32, head: Time, tail: Time) {
        let next = self.next(at, packet.msg.dst.node, head, tail);
        self.follow(packet, next);
    }

    /// The link a packet at router `at` takes towards node `dst`, when it is ready for it
    /// (its header arrived at `head`, then the router's time) and the link's spec; `None`
    /// without a route.
    #[inline(always)]
    pub(super) fn next_link(&self, at: u32, dst: u32, head: Time) -> Option<(Time, u32, LinkSpec)> {
        let link = self.topology.routes.next(at, dst);
        if link == NO_ROUTE {
            return None;
        }
        let spec = self.topology.links.spec(link);
        let router = self.class_memos[usize::from(spec.class)].router;
        Some((head.saturating_add(router), link, spec))
    }

    /// The packet is ready at `time` for a NIC port.
    pub(super) fn cross_port(
        &mut self,
        time: Time,
        mut packet: Packet,
        node: u32,
        direction: Direction,
    ) {
        let Some(ports) = self.ports.as_mut() else {
            return;
        };
        let crossing = Crossing {
            ready: time,
            bits: packet.bits,
            serialization: serialization_time(packet.bits, ports.bandwidth()),
            header_bits: self.header_bits,
            tail_in: packet.tail_at,
            jitter: 0,
        };
        let sent = ports.transmit(node, direction, self.switching, crossing);
        packet.tail_at = sent.tail;
        match direction {
            Direction::Out => {
                if packet.tx != TxQueue::Out {
                    self.nics[node as usize].tx_scheduled(packet.tx, sent.end);
                    packet.tx = TxQueue::Out;
                }
                self.forward(packet, node, sent.head, sent.tail);
            }
            Direction::In => {
                let at = self.placement(sent.tail, node);
                self.schedule_delivery(at, packet, node);
            }
        }
    }

    /// When a packet whose last bit reached the NIC of `node` at `tail` is placed in its
    /// inbox (or, failing its MAC check, discarded): after the NIC latency and the check.
    #[inline]
    fn placement(&self, tail: Time, node: u32) -> Time {
        let at = tail.saturating_add(self.nic_latency);
        match &self.auth {
            Some(auth) => at.saturating_add(auth.verify(node)),
            None => at,
        }
    }

    /// The packet is ready at `time` for `link`: it crosses it ([`Network::cross`]) and goes
    /// on, hop after hop while each next hop runs at once ([`Network::runs_now`]), until
    /// it is scheduled at a router, a port or its destination's inbox.
    pub(super) fn start_hop(&mut self, mut time: Time, mut packet: Packet, mut link: u32) {
        loop {
            let spec = self.topology.links.spec(link);
            let Some((at, head)) = self.cross(time, &mut packet, link, spec) else {
                self.discard(packet);
                return;
            };
            match self.next(at, packet.msg.dst.node, head, packet.tail_at) {
                Next::Hop { ready, link: next } if self.runs_now(ready) => {
                    (time, link) = (ready, next);
                }
                next => return self.follow(packet, next),
            }
        }
    }

    /// `packet`, ready at `time` for `link`, waits for the link (and for the end of any
    /// down window), crosses it and meets its faults: the router it reached and when its
    /// header did (its tail's time in `packet`), or `None` when it is lost there (counted).
    #[inline(always)]
    pub(super) fn cross(
        &mut self,
        time: Time,
        packet: &mut Packet,
        link: u32,
        spec: LinkSpec,
    ) -> Option<(u32, Time)> {
        let params = self.classes.params(spec.class);
        let (state, tally) = self.links.get_mut(link);
        let memo = &mut self.class_memos[usize::from(spec.class)];
        let fate = memo.faulty.then(|| self.faults.hop(params, packet.bits));
        if memo.bits != packet.bits {
            memo.bits = packet.bits;
            memo.serialization = serialization_time(packet.bits, params.bandwidth);
        }
        let crossing = Crossing {
            ready: time,
            bits: packet.bits,
            serialization: memo.serialization,
            header_bits: self.header_bits,
            tail_in: packet.tail_at,
            jitter: fate.map_or(0, |f| f.jitter),
        };
        let sent = state.transmit(tally, params, self.switching, crossing);
        if let Some(hops) = self.hops.as_mut() {
            hops.push(Hop {
                link,
                ready: time,
                start: sent.start,
                end: sent.end,
            });
        }
        if packet.tx != TxQueue::Out {
            self.nics[packet.msg.src as usize].tx_scheduled(packet.tx, sent.end);
            packet.tx = TxQueue::Out;
        }
        if let Some(fate) = fate {
            if fate.lost {
                tally.lost += 1;
                self.drops.lost += 1;
                return None;
            }
            if fate.corrupted {
                tally.corrupted += 1;
                if self.switching == Switching::StoreAndForward && self.auth.is_none() {
                    // The next router checks the CRC before forwarding; with a MAC, the
                    // receiving NIC's check rejects the packet instead.
                    self.drops.corrupted += 1;
                    return None;
                }
                packet.corrupt = true;
            }
        }
        packet.tail_at = sent.tail;
        Some((spec.to, sent.head))
    }
}
