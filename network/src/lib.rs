//! aether's courier network: NICs with inboxes and transmit queues, links that
//! charge for every bit, topologies with routes computed or found on first use, seeded fault
//! injection and statistics.
//!
//! The crate is a pure model. The co-simulator tells it the time (`now` on every
//! NIC call, `until` on [`Network::advance`]) and it answers with delivery times
//! and statistics. All times are integer femtoseconds; see `docs/network.md` for
//! the formulas.
//!
//! ```
//! use aether_network::{Address, Message, Network, NetworkConfig, Payload, serialization_time};
//!
//! // Two nodes, all-to-all, default links: 10 Gbit/s, 10 ns, no router time.
//! let mut net = Network::new(&NetworkConfig::default(), 2, 42).unwrap();
//! let msg = Message {
//!     src: 0,
//!     dst: Address::new(1, 0),
//!     reply_to: None,
//!     msg_type: 7,
//!     payload: Payload::from_slice(&[1, 2, 3]),
//! };
//! net.send(0, msg).unwrap();
//! let mut delivered = Vec::new();
//! while let Some(t) = net.next_event_time() {
//!     net.advance(t, &mut delivered);
//! }
//! // 160 header bits + 3 words: serialization plus 10 ns of latency.
//! let expected = serialization_time(160 + 96, 10_000_000_000) + 10_000_000;
//! assert_eq!(delivered[0].time, expected);
//! assert_eq!(net.recv(1, 0).unwrap().unwrap().payload[..], [1, 2, 3]);
//! ```

mod address;
mod auth;
mod class;
mod config;
mod error;
mod event;
mod fault;
mod header;
mod link;
mod message;
mod network;
mod nic;
mod packet;
mod port;
mod ring;
mod routing;
mod stats;
mod time;
mod times;
mod topology;
mod units;

pub use address::Address;
pub use auth::{AuthConfig, MAX_MAC_BITS, MAX_MAC_CYCLES};
pub use config::{
    GridConfig, LinkAssignment, LinkClassConfig, NetworkConfig, Switching, TopologyConfig,
};
pub use error::{ConfigError, NicError, SendError};
pub use fault::intact_probability;
pub use header::HeaderLayout;
pub use link::{LinkParams, Window};
pub use message::{INLINE_WORDS, Message, Payload, RETURNED};
pub use network::{Delivery, Hop, MAX_NODES, Network, NetworkPlan, Oldest};
pub use stats::{DropStats, LinkStats, NetworkStats, NodeStats, PortStats, TypeStats};
pub use time::{FS_PER_SECOND, Time, serialization_time};
