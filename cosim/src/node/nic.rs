//! NIC and process instructions: the node's boundary with the network and its scheduler.
//!
//! These instructions leave the fast loop. NIC instructions act on the network
//! at the clock edge where they issue (the simulator calls them only when the
//! node's local time equals the engine's time); their cost is the profile's
//! cost of the opcode plus `nic_word` cycles per payload word moved by `send`
//! or `recv` (the four header words of `recv` are part of the base cost).
//!
//! A `send` to the node's own output port (inbox [`output_port`]), when the port is on,
//! costs what any `send` costs and is collected as an [`Output`] instead of entering the
//! network. A `send` to its barrier port (inbox [`barrier_port`]), when the run has a
//! barrier wire, costs the same and is a contribution to the wire ([`Tap`]): the reply-to
//! must be an inbox of the node itself, and a node not on the wire faults.
//!
//! `exit` closes every inbox the exiting process owns, as `close` would: messages
//! still in them go back to their senders.

use std::collections::VecDeque;

use aether_isa::{Addressing, Opcode};
use aether_network::{Address, Message, Network, SendError};

use super::cpu::trace_line;
use super::fault::{FaultKind, Stack};
use super::memory::{Memory, copy_words};
use super::{Node, NodeState, ProcState};
use crate::local_io::barrier::{Contribution, Tap};
use crate::local_io::{Output, barrier_port, output_port};
use crate::time::Time;

/// What happened when the node performed a NIC or process instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NicOutcome {
    /// Done; the node is still running.
    Continue,
    /// `send` was refused by a full transmit queue: retry at the given time.
    Stall(Time),
    /// The process blocked (or exited); the node may have switched, gone idle or halted.
    Blocked,
    /// The node faulted.
    Faulted,
}

/// The word firmware uses for "no address".
const NONE: u32 = u32::MAX;

/// Node `id`'s id on the network: nodes an address word of the run's addressing cannot
/// name (from 65,536 up in a narrow run) have no network address (docs/isa.md, "Addresses
/// and inboxes"), so their NIC instructions fault.
fn net_id(id: u32, addressing: Addressing) -> Result<u32, FaultKind> {
    on_network(id, addressing).ok_or_else(|| {
        FaultKind::Nic(format!(
            "node {id} has no network address (a {addressing} address word names nodes 0 to {})",
            addressing.max_nodes() - 1
        ))
    })
}

/// Node `id`'s id on the network, if it has one (see [`net_id`]).
fn on_network(id: u32, addressing: Addressing) -> Option<u32> {
    (u64::from(id) < addressing.max_nodes()).then_some(id)
}

/// The address `word` names under `addressing`.
fn address(word: u32, addressing: Addressing) -> Address {
    let (node, inbox) = addressing.split(word);
    Address::new(node, inbox as u16)
}

/// The word of `address` under `addressing`; every address a run delivers fits its
/// addressing (the network holds only nodes it can name, and a node opens only inboxes
/// it can name), so `None` is a broken invariant.
fn word(address: Address, addressing: Addressing) -> Option<u32> {
    addressing.word(address.node, u32::from(address.inbox))
}

/// Checks that words `start..start + len` lie inside `mem`.
fn check_range(mem: &Memory, start: u32, len: u32) -> Result<(), FaultKind> {
    let size = mem.size();
    if u64::from(start) + u64::from(len) > u64::from(size) {
        return Err(FaultKind::MemoryRange(if start < size {
            size
        } else {
            start
        }));
    }
    Ok(())
}

/// Whether an inbox that process `pid` owns (`owners`: the owner of each inbox id) on
/// network node `node` holds a message.
fn has_mail(owners: &[u32], pid: usize, node: u32, net: &Network) -> bool {
    owners.iter().enumerate().any(|(inbox, &owner)| {
        owner == pid as u32 && net.poll(node, inbox as u16).is_ok_and(|n| n > 0)
    })
}

/// `recv`'s transfer: the oldest message of `inbox` on network node `node` taken and written
/// to `mem` at `buf` ([`write_message`]), at most `max` payload words; returns the payload
/// length, `None` for an empty inbox. The caller has checked that the words written lie
/// inside `mem`; an inbox that is not open leaves the loop ([`Leave::Outside`]), changing
/// nothing.
#[inline]
fn take_message(
    net: &mut Network,
    mem: &mut Memory,
    (node, inbox): (u32, u16),
    buf: u32,
    max: u32,
    addressing: Addressing,
) -> Result<Option<u32>, Leave> {
    let Ok(taken) = net.recv(node, inbox) else {
        return Err(Leave::Outside);
    };
    let Some(msg) = taken else {
        return Ok(None);
    };
    let len = msg.payload.len() as u32;
    write_message(mem, buf, &msg, len.min(max), addressing)?;
    net.recycle(msg.payload);
    Ok(Some(len))
}

/// Writes `msg` to `mem` at `buf` as `recv` does: type, source, reply-to and payload length,
/// then its first `copied` payload words (the caller has checked that they lie inside `mem`).
#[inline(always)]
fn write_message(
    mem: &mut Memory,
    buf: u32,
    msg: &Message,
    copied: u32,
    addressing: Addressing,
) -> Result<(), FaultKind> {
    let reply_to = match msg.reply_to {
        None => NONE,
        Some(to) => word(to, addressing).ok_or_else(|| {
            FaultKind::Nic(format!(
                "reply-to address {to:?} does not fit a {addressing} address word"
            ))
        })?,
    };
    let out = mem
        .slice_mut(buf, 4 + copied)
        .map_err(FaultKind::HostMemory)?;
    let (head, payload) = out.split_at_mut(4);
    head.copy_from_slice(&[msg.msg_type, msg.src, reply_to, msg.payload.len() as u32]);
    copy_words(payload, &msg.payload[..copied as usize]);
    Ok(())
}

/// The message of a `send` with arguments `args` (`buf len type dst reply`) from network node
/// `node`, when the network is sure to take it at any time from `now` on with `pending` of
/// the node's messages handed over before it ([`Network::accepts_later`]): its payload read
/// from `mem` into a reused buffer. `None` for a `send` that must wait for the node's time
/// (one that faults, might stall, or goes to the node's own ports or to itself).
#[inline(always)]
fn message_ahead(
    mem: &Memory,
    net: &mut Network,
    [buf, len, msg_type, dst, reply]: [u32; 5],
    (node, addressing): (u32, Addressing),
    (now, pending): (Time, usize),
) -> Option<Message> {
    check_range(mem, buf, len).ok()?;
    let dst_addr = address(dst, addressing);
    if !net.accepts_later(now, node, dst_addr.node, len as usize, pending) {
        return None;
    }
    let payload = mem.payload(buf, len, || net.payload_buffer(len as usize));
    Some(Message {
        src: node,
        dst: dst_addr,
        reply_to: (reply != NONE).then(|| address(reply, addressing)),
        msg_type,
        payload,
    })
}

/// The fault of a `recv` whose inbox lost the message it held (a broken invariant).
fn lost(inbox: u16) -> FaultKind {
    FaultKind::Nic(format!("inbox {inbox} lost its message"))
}

/// An inbox id from a stack word (ids are 16 bits).
fn inbox_id(word: u32) -> Result<u16, FaultKind> {
    u16::try_from(word).map_err(|_| FaultKind::Nic(format!("inbox {word} does not exist")))
}

/// What bounds the deliveries to a node besides the packets in the network: the pieces of
/// the simulation's `World::quiet` check, so that the interpreter can ask it too.
#[derive(Clone, Copy, Debug)]
pub struct Quiet {
    /// The engine's time (every station's next `send` is at or after it).
    pub now: Time,
    /// The time of the next local input (a readout or a barrier release), if any.
    pub next_input: Option<Time>,
    /// The barrier wire's latency, when the run has one (a release comes at least that long
    /// after a contribution).
    pub barrier: Option<Time>,
    /// Whether a message already placed for the node still has its wake-up to come (it
    /// could wake a process that an early `wait` blocked).
    pub wake_pending: bool,
}

impl Quiet {
    /// Whether nothing can reach network node `node` up to time `at`: no delivery
    /// ([`Network::quiet_until`]), no local input, no barrier release and no wake-up still
    /// to come. Then an instruction that [`Node::decided_alone`] allows has the same result
    /// at `at` as now.
    pub fn holds(&self, net: &Network, node: u32, at: Time) -> bool {
        let mut until = net.quiet_until(node, self.now);
        if let Some(latency) = self.barrier {
            until = until.min(self.now.saturating_add(latency));
        }
        !self.wake_pending && at < until && self.next_input.is_none_or(|t| t > at)
    }
}

/// What the simulation lends the interpreter so that it can perform, without leaving its
/// loop, a NIC or process instruction that the simulation would perform at the node's own
/// time without an event there and then run the node on: one whose result is already
/// settled (the cases [`Node::settled`] allows: a `wait` of a process with mail, a `peek`
/// of a non-empty inbox, a `recv` that [`Network::recv_settled`] allows before the next
/// local input), or a `poll`, `peek`, `recv` or `self` while nothing can reach the node
/// ([`Quiet`]); and a `send` ahead of the engine's time that the network is sure to take
/// then, its message kept in `sent` for the simulation to hand over at that time (as
/// [`Node::send_ahead`]). Lent only to a node that runs ahead untraced and records no
/// activity.
/// After each such instruction the loop runs on to the stop cycle the simulation would
/// give the node there ([`Settling::restart`]: a progress slice starts again from it).
pub struct Settling<'a> {
    /// The network.
    pub net: &'a mut Network,
    /// What else bounds the deliveries to the node (and the engine's time).
    pub quiet: Quiet,
    /// The cycle the node runs to: the stop cycle it was given, moved on by
    /// [`Settling::restart`] after each instruction performed in the loop.
    pub stop: u64,
    /// The stop cycle but for the progress slice: what bounds the node's run wherever it is.
    pub bound: u64,
    /// The progress slice (cycles a node runs ahead at most per event), if any.
    pub slice: Option<u64>,
    /// The node's messages sent ahead of the engine, each with its send time, oldest first:
    /// a `send` performed in the loop adds its own (see [`Node::send_ahead`]).
    pub sent: &'a mut VecDeque<(Time, Message)>,
}

/// What the NIC and process instructions of one run of the per-block loop share: the
/// running process and its node, for [`Settling::perform`].
pub(super) struct Process<'a> {
    /// The owner pid of each inbox id.
    pub owners: &'a [u32],
    /// The running process.
    pub pid: usize,
    /// The node's id on the network, if it has one (see [`net_id`]).
    pub node: Option<u32>,
    /// The run's addressing.
    pub addressing: Addressing,
    /// The configured data stack depth (a push beyond it overflows).
    pub data_stack: usize,
    /// The cycles per payload word a `recv` or `send` moves.
    pub nic_word: u64,
    /// The node's clock period.
    pub period: Time,
}

impl<'a> Process<'a> {
    /// Process `pid` of node `id`, whose inboxes' owners are `owners`.
    pub fn new(
        owners: &'a [u32],
        pid: usize,
        (id, addressing): (u32, Addressing),
        (data_stack, nic_word, period): (usize, u64, Time),
    ) -> Self {
        Process {
            owners,
            pid,
            node: on_network(id, addressing),
            addressing,
            data_stack,
            nic_word,
            period,
        }
    }
}

/// The running process as the interpreter holds it and the NIC or process instruction at its
/// PC, for [`Settling::perform`].
pub(super) struct Running<'a> {
    /// What every NIC instruction of the loop's run shares.
    pub process: &'a Process<'a>,
    /// The data stack's buffer.
    pub ds: &'a mut [u32],
    /// The data stack's depth (the depth after the instruction once it is performed).
    pub sp: usize,
    /// Data memory.
    pub mem: &'a mut Memory,
    /// The instruction.
    pub opcode: Opcode,
    /// Its cost in cycles.
    pub cost: u64,
    /// The cycle `left` counts down to: the instruction issues at cycle `end - left`.
    pub end: u64,
    /// The cycles to the stop cycle: the instruction is performed only if it takes fewer.
    pub left: u64,
}

impl Running<'_> {
    /// The time the instruction issues at.
    fn at(&self) -> Time {
        (self.end - self.left).saturating_mul(self.process.period)
    }
}

/// Why [`Settling::perform`] did not perform an instruction.
pub(super) enum Leave {
    /// The node leaves the loop for it; nothing changed.
    Outside,
    /// It faulted (boxed: the cycles of a performed instruction come back in registers).
    Fault(Box<FaultKind>),
}

impl From<FaultKind> for Leave {
    fn from(kind: FaultKind) -> Leave {
        Leave::Fault(Box::new(kind))
    }
}

impl Settling<'_> {
    /// Whether [`Settling::perform`] may perform `opcode` (the others always leave the loop).
    pub(super) fn may_perform(opcode: Opcode) -> bool {
        matches!(
            opcode,
            Opcode::Wait
                | Opcode::Peek
                | Opcode::Recv
                | Opcode::Poll
                | Opcode::SelfPid
                | Opcode::Send
        )
    }

    /// Whether [`Settling::perform`] may perform `opcode` issuing at time `at`: a `send` only
    /// ahead of the engine's time.
    pub(super) fn may_perform_at(&self, opcode: Opcode, at: Time) -> bool {
        Self::may_perform(opcode) && (opcode != Opcode::Send || self.ahead(at))
    }

    /// Whether `at` is ahead of the engine's time (where the loop may perform a `send`).
    fn ahead(&self, at: Time) -> bool {
        at > self.quiet.now
    }

    /// The stop cycle of a node whose next instruction issues at `cycle`, after one performed
    /// in the loop: where the simulation would stop it after performing that instruction
    /// itself (the bound, or the progress slice counted from `cycle`); recorded in `stop`.
    pub(super) fn restart(&mut self, cycle: u64) -> u64 {
        self.stop = self.slice.map_or(self.bound, |slice| {
            self.bound.min(cycle.saturating_add(slice))
        });
        self.stop
    }

    /// The cycle from which [`Settling::restart`] leaves the stop cycle `stop` where it is (the
    /// bound, which a slice counted from there reaches); `u64::MAX` when it may move it.
    pub(super) fn kept_from(&self, stop: u64) -> u64 {
        if stop != self.bound {
            return u64::MAX;
        }
        self.slice
            .map_or(0, |slice| self.bound.saturating_sub(slice))
    }

    /// Performs the NIC or process instruction of `p` when its result is settled or decided
    /// alone while nothing can reach the node (see [`Settling`]) and its cycles (its cost,
    /// plus `nic_word` per payload word a `recv` or `send` moves) are fewer than `p.left`:
    /// what [`Node::outside`] does to the stack and memory, the new stack depth left in
    /// `p.sp`; returns the cycles to charge. Each instruction has a function of its own, so
    /// that this one only dispatches (out of line: inlined at the loop's call site, it slows
    /// the loop's ALU blocks).
    #[inline(never)]
    pub(super) fn perform(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        match p.opcode {
            Opcode::Wait => self.wait(p),
            Opcode::Recv => self.recv(p),
            Opcode::Send => self.send(p),
            Opcode::Peek | Opcode::Poll => self.peek_or_poll(p),
            Opcode::SelfPid => self.self_pid(p),
            _ => Err(Leave::Outside),
        }
    }

    /// Whether nothing can reach network node `node` up to the time `p` issues at.
    fn quiet(&self, node: u32, p: &Running<'_>) -> bool {
        self.quiet.holds(self.net, node, p.at())
    }

    /// A `wait` of a process with mail: the flag.
    #[inline(never)]
    fn wait(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        let node = p.process.node.ok_or(Leave::Outside)?;
        if p.cost >= p.left || !has_mail(p.process.owners, p.process.pid, node, self.net) {
            return Err(Leave::Outside);
        }
        let top = p.sp.checked_sub(1);
        let top = top.ok_or(FaultKind::StackUnderflow(Stack::Data))?;
        // The timeout gives way to the flag: mail is there.
        p.ds[top] = 1;
        Ok(p.cost)
    }

    /// A `peek` of a non-empty inbox, or a `peek` or `poll` while nothing can reach the node.
    #[inline(never)]
    fn peek_or_poll(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        let node = p.process.node.ok_or(Leave::Outside)?;
        let top = p.sp.checked_sub(1).ok_or(Leave::Outside)?;
        let inbox = u16::try_from(p.ds[top]).map_err(|_| Leave::Outside)?;
        let queue = self.net.messages(node, inbox).map_err(|_| Leave::Outside)?;
        let value = match (p.opcode, queue.front()) {
            (Opcode::Peek, Some(msg)) => msg.msg_type,
            (Opcode::Peek, None) if self.quiet(node, p) => NONE,
            (Opcode::Poll, _) if self.quiet(node, p) => queue.len() as u32,
            _ => return Err(Leave::Outside),
        };
        if p.cost >= p.left {
            return Err(Leave::Outside);
        }
        p.ds[top] = value;
        Ok(p.cost)
    }

    /// A `self` while nothing can reach the node.
    #[inline(never)]
    fn self_pid(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        let node = p.process.node.ok_or(Leave::Outside)?;
        let sp = p.sp;
        if p.cost >= p.left || sp >= p.process.data_stack.min(p.ds.len()) || !self.quiet(node, p) {
            return Err(Leave::Outside);
        }
        p.ds[sp] = p.process.pid as u32;
        p.sp = sp + 1;
        Ok(p.cost)
    }

    /// A `recv` that [`Network::recv_settled`] allows before the next local input, or any
    /// `recv` while nothing can reach the node.
    #[inline(never)]
    fn recv(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        let node = p.process.node.ok_or(Leave::Outside)?;
        let sp = p.sp;
        let top = sp.checked_sub(1).ok_or(Leave::Outside)?;
        let inbox = u16::try_from(p.ds[top]).map_err(|_| Leave::Outside)?;
        let at = p.at();
        // Settled: the message is read in place and then taken, with one look-up of the inbox.
        if self.quiet.next_input.is_none_or(|t| t > at)
            && let Some(oldest) = self.net.settled_oldest(node, inbox, self.quiet.now, at)
        {
            if sp < 3 {
                return Err(FaultKind::StackUnderflow(Stack::Data).into());
            }
            let (buf, max) = (p.ds[sp - 3], p.ds[sp - 2]);
            let msg = oldest.message();
            let len = msg.payload.len() as u32;
            let copied = len.min(max);
            let cycles = p.cost + u64::from(copied) * p.process.nic_word;
            if cycles >= p.left {
                return Err(Leave::Outside);
            }
            check_range(p.mem, buf, 4 + copied)?;
            let written = write_message(p.mem, buf, msg, copied, p.process.addressing);
            oldest.take();
            written?;
            p.sp = sp - 2;
            p.ds[sp - 3] = len;
            return Ok(cycles);
        }
        if !self.quiet(node, p) {
            return Err(Leave::Outside);
        }
        if sp < 3 {
            return Err(FaultKind::StackUnderflow(Stack::Data).into());
        }
        let (buf, max) = (p.ds[sp - 3], p.ds[sp - 2]);
        let nic_word = p.process.nic_word;
        // When a transfer of `max` words fits both the cycles and the memory left, the
        // message is taken without a look at it first (an empty inbox gives no message).
        let addressing = p.process.addressing;
        let len = if p.cost + u64::from(max) * nic_word < p.left
            && check_range(p.mem, buf, 4u32.saturating_add(max)).is_ok()
        {
            take_message(self.net, p.mem, (node, inbox), buf, max, addressing)?
        } else {
            let queue = self.net.messages(node, inbox).map_err(|_| Leave::Outside)?;
            match queue.front().map(|m| m.payload.len() as u32) {
                None if p.cost < p.left => None,
                None => return Err(Leave::Outside),
                Some(len) => {
                    let copied = len.min(max);
                    if p.cost + u64::from(copied) * nic_word >= p.left {
                        return Err(Leave::Outside);
                    }
                    check_range(p.mem, buf, 4 + copied)?;
                    let taken =
                        take_message(self.net, p.mem, (node, inbox), buf, copied, addressing);
                    Some(taken?.ok_or_else(|| lost(inbox))?)
                }
            }
        };
        p.sp = sp - 2;
        let Some(len) = len else {
            p.ds[sp - 3] = NONE;
            return Ok(p.cost);
        };
        p.ds[sp - 3] = len;
        Ok(p.cost + u64::from(len.min(max)) * nic_word)
    }

    /// A `send` ahead of the engine's time that the network is sure to take then: its
    /// message kept in `sent`.
    #[inline(never)]
    fn send(&mut self, p: &mut Running<'_>) -> Result<u64, Leave> {
        // At the engine's time the `send` is the simulation's, in this very event.
        let sp = p.sp;
        let at = p.at();
        if !self.ahead(at) || sp < 5 {
            return Err(Leave::Outside);
        }
        let node = p.process.node.ok_or(Leave::Outside)?;
        let Some(&[buf, len, msg_type, dst, reply]) = p.ds.get(sp - 5..sp) else {
            return Err(Leave::Outside);
        };
        let cycles = p.cost + u64::from(len) * p.process.nic_word;
        if cycles >= p.left {
            return Err(Leave::Outside);
        }
        let msg = message_ahead(
            p.mem,
            self.net,
            [buf, len, msg_type, dst, reply],
            (node, p.process.addressing),
            (self.quiet.now, self.sent.len()),
        )
        .ok_or(Leave::Outside)?;
        self.sent.push_back((at, msg));
        p.sp = sp - 5;
        Ok(cycles)
    }
}

impl Node {
    fn pop_args<const N: usize>(&mut self) -> Result<[u32; N], FaultKind> {
        let ds = &mut self.procs[self.current].ds;
        if ds.len() < N {
            return Err(FaultKind::StackUnderflow(Stack::Data));
        }
        let mut args = [0; N];
        args.copy_from_slice(&ds[ds.len() - N..]);
        ds.truncate(ds.len() - N);
        Ok(args)
    }

    fn peek_args<const N: usize>(&self) -> Result<[u32; N], FaultKind> {
        let ds = &self.procs[self.current].ds;
        if ds.len() < N {
            return Err(FaultKind::StackUnderflow(Stack::Data));
        }
        let mut args = [0; N];
        args.copy_from_slice(&ds[ds.len() - N..]);
        Ok(args)
    }

    fn push_result(&mut self, value: u32) -> Result<(), FaultKind> {
        let max = self.params.data_stack as usize;
        let ds = &mut self.procs[self.current].ds;
        if ds.len() >= max {
            return Err(FaultKind::StackOverflow(Stack::Data));
        }
        ds.push(value);
        Ok(())
    }

    /// Charges `opcode`'s cost plus `words` NIC transfer words and steps past the instruction.
    fn retire(&mut self, opcode: Opcode, words: u64) {
        let profile = &self.params.profile;
        let cost = u64::from(profile.cost(opcode)) + words * u64::from(profile.nic_word);
        self.charge(cost);
        self.counters.instructions += 1;
        self.procs[self.current].pc += 1;
    }

    /// Records a contribution of `value` to the barrier wire at `now`, released to the
    /// inbox of the reply-to address `reply`, which must be the node's own; `false` when
    /// the run has no wire (the `send` is an ordinary one).
    fn contribute(&mut self, now: Time, value: u32, reply: u32) -> Result<bool, FaultKind> {
        let node = self.id;
        let reply_to = address(reply, self.addressing());
        let pending = match &mut self.barrier {
            Tap::On(pending) => pending,
            Tap::Outsider => {
                return Err(FaultKind::Nic(format!(
                    "node {node} is not on the barrier wire (its participants are the decoding's stabilizer nodes)"
                )));
            }
            Tap::Off => return Ok(false),
        };
        if reply == NONE || reply_to.node != node {
            return Err(FaultKind::Nic(format!(
                "a barrier contribution's reply-to {reply:#x} is not an inbox of node {node}"
            )));
        }
        pending.push(Contribution {
            time: now,
            value,
            inbox: reply_to.inbox,
        });
        Ok(true)
    }

    /// Whether an inbox of the running process holds a message.
    fn has_mail(&self, net: &Network) -> bool {
        net_id(self.id, self.addressing())
            .is_ok_and(|node| has_mail(&self.owners, self.current, node, net))
    }

    /// Whether `opcode` at the PC gives the same result at the node's own time as at the
    /// engine's time `now`: a `wait` of a process with mail (only the node takes
    /// messages out of its inboxes, so the mail is still there later), a `peek` of a
    /// non-empty inbox (later deliveries queue behind the oldest message), or a `recv`
    /// that [`Network::recv_settled`] allows (the message it takes is the same, and no
    /// delivery in between can tell that its slot was freed early). Such an instruction
    /// needs no event at the node's time.
    pub fn settled(&self, opcode: Opcode, net: &Network, now: Time) -> bool {
        let top_inbox = || {
            self.procs[self.current].ds.last().and_then(|&inbox| {
                Some((
                    net_id(self.id, self.addressing()).ok()?,
                    inbox_id(inbox).ok()?,
                ))
            })
        };
        match opcode {
            Opcode::Wait => self.has_mail(net),
            Opcode::Peek => {
                top_inbox().is_some_and(|(node, inbox)| net.poll(node, inbox).is_ok_and(|n| n > 0))
            }
            Opcode::Recv => top_inbox()
                .is_some_and(|(node, inbox)| net.recv_settled(node, inbox, now, self.time())),
            _ => false,
        }
    }

    /// Whether `opcode` at the PC acts on nothing outside the node but its own inboxes and
    /// NIC, so that its result depends on the rest of the system only through deliveries
    /// to the node: every NIC and process instruction but a `send`, and a `close` or an
    /// `exit` only when the inboxes they close are empty (their messages would go back to
    /// their senders, over links others use). When nothing can be delivered to the node
    /// before its own time, such an instruction needs no event there.
    pub fn decided_alone(&self, opcode: Opcode, net: &Network) -> bool {
        let Ok(node) = net_id(self.id, self.addressing()) else {
            return true;
        };
        let empty = |inbox: u16| !net.poll(node, inbox).is_ok_and(|n| n > 0);
        match opcode {
            Opcode::Send => false,
            Opcode::Close => self.procs[self.current]
                .ds
                .last()
                .is_none_or(|&inbox| inbox_id(inbox).map_or(true, empty)),
            Opcode::Exit => self.inboxes_of(self.current).all(empty),
            _ => true,
        }
    }

    /// Performs the NIC or process instruction `opcode` at the PC, at time `now` (the node's time).
    pub fn outside(&mut self, opcode: Opcode, now: Time, net: &mut Network) -> NicOutcome {
        if self.trace.is_some() {
            let proc = &self.procs[self.current];
            let line = trace_line(&self.program, self.id, now, proc.pc as usize, &proc.ds);
            self.trace.get_or_insert_default().push(line);
        }
        match self.try_outside(opcode, now, net) {
            Ok(outcome) => outcome,
            Err(kind) => {
                self.raise(kind);
                NicOutcome::Faulted
            }
        }
    }

    /// Performs the node's side of the `send` at the PC ahead of the engine's time `now`,
    /// when the network is sure to accept its message at the node's own time with `pending`
    /// of the node's messages handed over before it ([`Network::accepts_later`]): the
    /// arguments popped, the payload read and the cost charged, as [`Node::outside`] does.
    /// Returns the message to hand over at the node's time (before the charge); `None`,
    /// with nothing changed, for a `send` that must wait for that time (one that faults,
    /// might stall, or goes to the node's own ports or to itself).
    pub fn send_ahead(&mut self, net: &mut Network, now: Time, pending: usize) -> Option<Message> {
        let args = self.peek_args().ok()?;
        let addressing = self.addressing();
        let node = net_id(self.id, addressing).ok()?;
        let msg = message_ahead(&self.mem, net, args, (node, addressing), (now, pending))?;
        self.pop_args::<5>().ok()?;
        self.retire(Opcode::Send, u64::from(args[1]));
        Some(msg)
    }

    fn nic_fault(e: impl std::fmt::Display) -> FaultKind {
        FaultKind::Nic(e.to_string())
    }

    fn try_outside(
        &mut self,
        opcode: Opcode,
        now: Time,
        net: &mut Network,
    ) -> Result<NicOutcome, FaultKind> {
        let id = self.id;
        let addressing = self.addressing();
        match opcode {
            Opcode::Open => {
                if self.procs[self.current].ds.len() >= self.params.data_stack as usize {
                    return Err(FaultKind::StackOverflow(Stack::Data));
                }
                let node = net_id(id, addressing)?;
                let next = self.inbox_ids_used();
                if next > addressing.inbox_mask() as usize {
                    return Err(FaultKind::Nic(format!(
                        "node {id} has used every inbox id a {addressing} address word holds \
                         (0 to {})",
                        addressing.inbox_mask()
                    )));
                }
                let inbox = net.open(node).map_err(Self::nic_fault)?;
                self.set_owner(inbox, Some(self.current));
                self.push_result(u32::from(inbox))?;
            }
            Opcode::Close => {
                let [inbox] = self.pop_args()?;
                let inbox = inbox_id(inbox)?;
                net.close(now, net_id(id, addressing)?, inbox)
                    .map_err(Self::nic_fault)?;
                self.set_owner(inbox, None);
            }
            Opcode::Send => {
                let [buf, len, msg_type, dst, reply] = self.peek_args()?;
                check_range(&self.mem, buf, len)?;
                let payload = self
                    .mem
                    .payload(buf, len, || net.payload_buffer(len as usize));
                let node = net_id(id, addressing)?;
                let dst_addr = address(dst, addressing);
                if dst_addr == Address::new(node, output_port(addressing))
                    && let Some(outputs) = self.outputs.as_mut()
                {
                    outputs.push(Output {
                        time: now,
                        node,
                        msg_type,
                        payload,
                    });
                    self.pop_args::<5>()?;
                    self.retire(opcode, u64::from(len));
                    return Ok(NicOutcome::Continue);
                }
                let value = payload.first().copied().unwrap_or(0);
                if dst_addr == Address::new(node, barrier_port(addressing))
                    && self.contribute(now, value, reply)?
                {
                    net.recycle(payload);
                    self.pop_args::<5>()?;
                    self.retire(opcode, u64::from(len));
                    return Ok(NicOutcome::Continue);
                }
                let msg = Message {
                    src: node,
                    dst: dst_addr,
                    reply_to: (reply != NONE).then(|| address(reply, addressing)),
                    msg_type,
                    payload,
                };
                match net.send(now, msg) {
                    Ok(()) => {}
                    Err(SendError::Full) => {
                        let retry = net
                            .tx_free_at(node)
                            .unwrap_or(now)
                            .max(now.saturating_add(1));
                        self.state = NodeState::Stalled(self.cycle);
                        return Ok(NicOutcome::Stall(retry));
                    }
                    Err(e) => return Err(Self::nic_fault(e)),
                }
                self.pop_args::<5>()?;
                self.retire(opcode, u64::from(len));
                return Ok(NicOutcome::Continue);
            }
            Opcode::Recv => {
                let [buf, max, inbox] = self.peek_args()?;
                let inbox16 = inbox_id(inbox)?;
                let node = net_id(id, addressing)?;
                let waiting = net.peek(node, inbox16).map_err(Self::nic_fault)?;
                let Some(len) = waiting.map(|m| m.payload.len() as u32) else {
                    self.pop_args::<3>()?;
                    self.push_result(NONE)?;
                    self.retire(opcode, 0);
                    return Ok(NicOutcome::Continue);
                };
                let copied = len.min(max);
                check_range(&self.mem, buf, 4 + copied)?;
                let taken =
                    take_message(net, &mut self.mem, (node, inbox16), buf, copied, addressing);
                match taken {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(Leave::Outside) => return Err(lost(inbox16)),
                    Err(Leave::Fault(kind)) => return Err(*kind),
                }
                self.pop_args::<3>()?;
                self.push_result(len)?;
                self.retire(opcode, u64::from(copied));
                return Ok(NicOutcome::Continue);
            }
            Opcode::Poll | Opcode::Peek => {
                let [inbox] = self.peek_args()?;
                let inbox16 = inbox_id(inbox)?;
                let value = if opcode == Opcode::Poll {
                    net.poll(net_id(id, addressing)?, inbox16)
                        .map_err(Self::nic_fault)? as u32
                } else {
                    net.peek(net_id(id, addressing)?, inbox16)
                        .map_err(Self::nic_fault)?
                        .map_or(NONE, |m| m.msg_type)
                };
                self.pop_args::<1>()?;
                self.push_result(value)?;
            }
            Opcode::Wait => {
                let [timeout] = self.pop_args()?;
                if self.has_mail(net) {
                    self.push_result(1)?;
                } else {
                    self.retire(opcode, 0);
                    let deadline = (timeout as i32 >= 0).then(|| self.cycle + u64::from(timeout));
                    self.block_current(ProcState::Waiting(deadline));
                    return Ok(NicOutcome::Blocked);
                }
            }
            Opcode::Sleep => {
                let [cycles] = self.pop_args()?;
                self.retire(opcode, 0);
                let until = self.cycle + (cycles as i32).max(0) as u64;
                self.block_current(ProcState::Sleeping(until));
                return Ok(NicOutcome::Blocked);
            }
            Opcode::Spawn => {
                let [addr, arg] = self.peek_args()?;
                let pid = self.spawn(addr, arg)?;
                self.pop_args::<2>()?;
                self.push_result(pid)?;
            }
            Opcode::Yield => {
                self.retire(opcode, 0);
                self.yield_current();
                return Ok(NicOutcome::Continue);
            }
            Opcode::Exit => {
                let owned: Vec<u16> = self.inboxes_of(self.current).collect();
                for inbox in owned {
                    net.close(now, net_id(id, addressing)?, inbox)
                        .map_err(Self::nic_fault)?;
                    self.set_owner(inbox, None);
                }
                self.retire(opcode, 0);
                self.block_current(ProcState::Done);
                return Ok(NicOutcome::Blocked);
            }
            Opcode::SelfPid => self.push_result(self.current as u32)?,
            other => {
                return Err(FaultKind::BadOpcode(u32::from(other as u8) << 24));
            }
        }
        self.retire(opcode, 0);
        Ok(NicOutcome::Continue)
    }
}
