//! aether's courier network: NICs with inboxes and transmit queues, links that
//! charge for every bit, topologies with generated routing tables, seeded fault
//! injection and statistics.
//!
//! The crate is a pure model. The co-simulator tells it the time (`now` on every
//! NIC call, `until` on [`Network::advance`]) and it answers with delivery times
//! and statistics. All times are integer femtoseconds; see `docs/network.md` for
//! the formulas.

mod address;
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
mod routing;
mod stats;
mod time;
mod topology;
mod units;

pub use address::Address;
pub use config::{
    GridConfig, LinkAssignment, LinkClassConfig, NetworkConfig, Switching, TopologyConfig,
};
pub use error::{ConfigError, NicError, SendError};
pub use header::HeaderLayout;
pub use link::{LinkParams, Window};
pub use message::{Message, RETURNED};
pub use network::{Delivery, Network};
pub use stats::{DropStats, LinkStats, NetworkStats, NodeStats, TypeStats};
pub use time::{FS_PER_SECOND, Time, serialization_time};
