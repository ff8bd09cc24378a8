//! Behavioural components: non-emulated stations written in Rust (aether's object handlers).
//!
//! A component occupies a network node id like an emulated node, but its
//! behaviour is Rust code: it is woken by its own timers and by messages
//! delivered to its inboxes. Two ship with aether: a [`Stimulus`] that sends
//! messages on a schedule, and a [`Sink`] that records every message it
//! receives in the run's log.

use aether_network::{Address, Message, Network, Payload, SendError};
use serde::Serialize;

use crate::node::LogRecord;
use crate::time::Time;

/// What a component can reach while it handles a wake-up.
pub struct ComponentIo<'a> {
    /// The current time.
    pub now: Time,
    /// The component's node id.
    pub node: u32,
    /// The network.
    pub net: &'a mut Network,
    /// The run's log.
    pub log: &'a mut Vec<LogRecord>,
}

/// A non-emulated station. Returned times are the component's next timer (`None`: no timer).
pub trait Component {
    /// Short name of the component kind, for reports.
    fn kind(&self) -> &'static str;

    /// The first timer, before the run starts.
    fn start(&mut self) -> Option<Time>;

    /// The timer set earlier has expired.
    fn on_timer(&mut self, io: &mut ComponentIo<'_>) -> Option<Time>;

    /// A message was delivered to one of its inboxes (the simulator has taken it out).
    /// `Some(t)` sets the timer to `t` (replacing a pending one; a past `t` fires now), so
    /// that a component can react later; `None` leaves the timer as it is.
    fn on_message(&mut self, io: &mut ComponentIo<'_>, msg: Message) -> Option<Time>;

    /// Counters for the report.
    fn stats(&self) -> ComponentStats;
}

/// Counters every component reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ComponentStats {
    /// Messages sent.
    pub sent: u64,
    /// Messages received.
    pub received: u64,
}

/// What a [`Stimulus`] sends, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StimulusSpec {
    /// Where messages go.
    pub dst: Address,
    /// Where replies go (`None`: no reply-to).
    pub reply_to: Option<Address>,
    /// The message type.
    pub msg_type: u32,
    /// The payload; when `sequence` is set the message index is appended.
    pub payload: Vec<u32>,
    /// Append the message index (0, 1, ...) to the payload.
    pub sequence: bool,
    /// Time of the first message.
    pub start: Time,
    /// Time between messages.
    pub period: Time,
    /// Number of messages.
    pub count: u64,
}

/// Sends `count` messages of one type to one address, every `period` from `start`.
#[derive(Clone, Debug)]
pub struct Stimulus {
    spec: StimulusSpec,
    next_at: Time,
    stats: ComponentStats,
}

impl Stimulus {
    /// A stimulus as described; nothing sent yet.
    pub fn new(spec: StimulusSpec) -> Stimulus {
        Stimulus {
            next_at: spec.start,
            spec,
            stats: ComponentStats::default(),
        }
    }
}

impl Component for Stimulus {
    fn kind(&self) -> &'static str {
        "stimulus"
    }

    fn start(&mut self) -> Option<Time> {
        (self.spec.count > 0).then_some(self.spec.start)
    }

    fn on_timer(&mut self, io: &mut ComponentIo<'_>) -> Option<Time> {
        let spec = &self.spec;
        let mut payload = Payload::from_slice(&spec.payload);
        if spec.sequence {
            payload.push(self.stats.sent as u32);
        }
        let msg = Message {
            src: io.node,
            dst: spec.dst,
            reply_to: spec.reply_to,
            msg_type: spec.msg_type,
            payload,
        };
        match io.net.send(io.now, msg) {
            Ok(()) => {}
            Err(SendError::Full) => {
                return Some(
                    io.net
                        .tx_free_at(io.node)
                        .unwrap_or(io.now)
                        .max(io.now.saturating_add(1)),
                );
            }
            Err(e) => {
                tracing::warn!(node = io.node, error = %e, "stimulus send failed");
                return None;
            }
        }
        self.stats.sent += 1;
        self.next_at = self.next_at.max(io.now).saturating_add(spec.period);
        (self.stats.sent < spec.count).then_some(self.next_at)
    }

    fn on_message(&mut self, _io: &mut ComponentIo<'_>, _msg: Message) -> Option<Time> {
        self.stats.received += 1;
        None
    }

    fn stats(&self) -> ComponentStats {
        self.stats
    }
}

/// Receives every message sent to it and logs it as `(node, delivery time, type, payload)`.
#[derive(Clone, Debug, Default)]
pub struct Sink {
    stats: ComponentStats,
}

impl Component for Sink {
    fn kind(&self) -> &'static str {
        "sink"
    }

    fn start(&mut self) -> Option<Time> {
        None
    }

    fn on_timer(&mut self, _io: &mut ComponentIo<'_>) -> Option<Time> {
        None
    }

    fn on_message(&mut self, io: &mut ComponentIo<'_>, msg: Message) -> Option<Time> {
        self.stats.received += 1;
        io.log.push(LogRecord {
            node: io.node,
            time_fs: io.now,
            tag: msg.msg_type,
            values: msg.payload.into_vec(),
        });
        None
    }

    fn stats(&self) -> ComponentStats {
        self.stats
    }
}
