//! NIC ports: when `nic_bandwidth` is set, every packet leaves its sender's NIC
//! through one output channel and enters its receiver's NIC through one input
//! channel, each carrying one packet at a time at that bandwidth.

use crate::config::Switching;
use crate::link::{Crossing, LinkParams, LinkState, LinkTally, Transmission};
use crate::stats::PortStats;
use crate::time::Time;

/// Which way a packet crosses a NIC port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Out of the sending NIC, towards its router.
    Out,
    /// From the router into the receiving NIC.
    In,
}

/// The input and output channels of every NIC.
#[derive(Debug, Clone)]
pub struct Ports {
    params: LinkParams,
    out: Vec<(LinkState, LinkTally)>,
    into: Vec<(LinkState, LinkTally)>,
}

impl Ports {
    /// Idle ports of `bandwidth` bits per second for `nodes` NICs.
    pub fn new(bandwidth: u64, nodes: usize) -> Self {
        Self {
            params: LinkParams {
                bandwidth,
                latency: 0,
                router: 0,
                ..LinkParams::default()
            },
            out: vec![Default::default(); nodes],
            into: vec![Default::default(); nodes],
        }
    }

    /// The ports' bandwidth (bits per second).
    pub fn bandwidth(&self) -> u64 {
        self.params.bandwidth
    }

    /// Sends a packet through a port (FIFO, no latency).
    pub fn transmit(
        &mut self,
        node: u32,
        direction: Direction,
        switching: Switching,
        packet: Crossing,
    ) -> Transmission {
        let Ports { params, out, into } = self;
        let (state, tally) = match direction {
            Direction::Out => &mut out[node as usize],
            Direction::In => &mut into[node as usize],
        };
        state.transmit(tally, params, switching, packet)
    }

    /// The counters of a port; `clock` is the network clock for the utilization.
    pub fn stats(&self, node: u32, direction: Direction, clock: Time) -> PortStats {
        let (state, tally) = match direction {
            Direction::Out => &self.out[node as usize],
            Direction::In => &self.into[node as usize],
        };
        PortStats::of(state, tally, clock)
    }
}
