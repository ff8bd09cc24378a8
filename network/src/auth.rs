//! Authenticated packets: a MAC field in every header, the NICs' time to compute and to
//! check it, and the rejection of packets corrupted in flight at the receiving NIC.

use serde::Deserialize;

use crate::error::ConfigError;
use crate::time::Time;

/// Widest MAC field accepted, in bits.
pub const MAX_MAC_BITS: i64 = 4096;

/// Most cycles accepted for computing or checking one MAC.
pub const MAX_MAC_CYCLES: i64 = 1_000_000;

/// The `[network.auth]` table: its presence turns authentication on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Width of the MAC field added to every packet's header, in bits.
    pub mac: i64,
    /// Cycles of the sending node's clock its NIC takes to compute a packet's MAC.
    #[serde(default)]
    pub sign: i64,
    /// Cycles of the receiving node's clock its NIC takes to check a packet's MAC.
    #[serde(default)]
    pub verify: i64,
}

impl AuthConfig {
    /// The MAC width in bits, after checking every value of the table.
    pub fn validate(&self) -> Result<u32, ConfigError> {
        let bad = |reason: String| Err(ConfigError::Auth(reason));
        if !(1..=MAX_MAC_BITS).contains(&self.mac) {
            return bad(format!(
                "mac must be 1 to {MAX_MAC_BITS} bits, not {}",
                self.mac
            ));
        }
        for (key, cycles) in [("sign", self.sign), ("verify", self.verify)] {
            if !(0..=MAX_MAC_CYCLES).contains(&cycles) {
                return bad(format!(
                    "{key} must be 0 to {MAX_MAC_CYCLES} cycles, not {cycles}"
                ));
            }
        }
        Ok(self.mac as u32)
    }
}

/// Authentication at run time: each NIC's time to compute and to check a MAC.
#[derive(Debug, Clone)]
pub struct Auth {
    sign_cycles: u64,
    verify_cycles: u64,
    /// By node, the time its NIC takes to compute a MAC (fs).
    sign: Vec<Time>,
    /// By node, the time its NIC takes to check a MAC (fs).
    verify: Vec<Time>,
}

impl Auth {
    /// Authentication for `nodes` NICs whose clocks are not set yet (they take no time).
    pub fn new(config: &AuthConfig, nodes: usize) -> Self {
        Self {
            sign_cycles: config.sign.unsigned_abs(),
            verify_cycles: config.verify.unsigned_abs(),
            sign: vec![0; nodes],
            verify: vec![0; nodes],
        }
    }

    /// Sets the clock period (fs) of `node`'s NIC, which turns its cycles into time.
    pub fn set_period(&mut self, node: usize, period: Time) {
        if let (Some(sign), Some(verify)) = (self.sign.get_mut(node), self.verify.get_mut(node)) {
            *sign = self.sign_cycles.saturating_mul(period);
            *verify = self.verify_cycles.saturating_mul(period);
        }
    }

    /// The time `node`'s NIC takes to compute a MAC (fs).
    #[inline]
    pub fn sign(&self, node: u32) -> Time {
        self.sign[node as usize]
    }

    /// The time `node`'s NIC takes to check a MAC (fs).
    #[inline]
    pub fn verify(&self, node: u32) -> Time {
        self.verify[node as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mac: i64, sign: i64, verify: i64) -> AuthConfig {
        AuthConfig { mac, sign, verify }
    }

    #[test]
    fn values_outside_their_ranges_are_refused_with_the_key() {
        assert_eq!(config(128, 20, 30).validate(), Ok(128));
        assert_eq!(config(MAX_MAC_BITS, 0, MAX_MAC_CYCLES).validate(), Ok(4096));
        for (bad, key) in [
            (config(0, 0, 0), "mac must be 1 to 4096 bits, not 0"),
            (config(-8, 0, 0), "not -8"),
            (config(MAX_MAC_BITS + 1, 0, 0), "not 4097"),
            (
                config(64, -1, 0),
                "sign must be 0 to 1000000 cycles, not -1",
            ),
            (config(64, 0, MAX_MAC_CYCLES + 1), "verify must be"),
        ] {
            let err = bad.validate().expect_err("refused").to_string();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn cycles_become_time_at_each_nodes_own_period() {
        let mut auth = Auth::new(&config(64, 3, 5), 3);
        auth.set_period(1, 1_000_000);
        auth.set_period(2, 400_000);
        auth.set_period(7, 1);
        assert_eq!((auth.sign(0), auth.verify(0)), (0, 0));
        assert_eq!((auth.sign(1), auth.verify(1)), (3_000_000, 5_000_000));
        assert_eq!((auth.sign(2), auth.verify(2)), (1_200_000, 2_000_000));
    }
}
