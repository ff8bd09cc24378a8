//! Links: one direction of a wire between two routers, its parameters and its state.

use crate::error::ConfigError;
use crate::time::Time;

/// The resolved parameters of a link class.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkParams {
    /// Bits per second (non-zero).
    pub bandwidth: u64,
    /// Propagation latency (fs).
    pub latency: Time,
    /// Router time charged before each hop on a link of this class (fs).
    pub router: Time,
}

impl Default for LinkParams {
    /// 10 Gbit/s, 10 ns latency, no router time.
    fn default() -> Self {
        Self {
            bandwidth: 10_000_000_000,
            latency: 10_000_000,
            router: 0,
        }
    }
}

impl LinkParams {
    /// Checks the parameters; `name` is the class name for errors.
    pub fn validate(&self, name: &str) -> Result<(), ConfigError> {
        if self.bandwidth == 0 {
            return Err(ConfigError::LinkClass {
                class: name.to_string(),
                reason: "bandwidth must be positive".into(),
            });
        }
        Ok(())
    }
}

/// One direction of a wire, as the topology lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSpec {
    /// Router the link leaves.
    pub from: u32,
    /// Router the link enters.
    pub to: u32,
    /// Index of the link's class.
    pub class: u16,
}

/// A link's running state and counters.
#[derive(Debug, Clone, Default)]
pub struct LinkState {
    /// When the link finishes its last reserved transmission.
    pub free_at: Time,
    /// When the last packet sent on it arrived at the far end (keeps the wire FIFO).
    pub last_arrival: Time,
    /// Packets carried.
    pub packets: u64,
    /// Bits carried.
    pub bits: u64,
    /// Time spent transmitting.
    pub busy: Time,
    /// Sum of the time packets waited for the link.
    pub queue_delay_sum: u128,
    /// The longest a packet waited for the link.
    pub queue_delay_max: Time,
}
