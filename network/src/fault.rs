//! Fault injection: seeded, deterministic draws of loss, corruption and jitter.
//!
//! One ChaCha8 stream seeded from the run seed; a draw is made only for a fault a
//! link class actually has, in event order, so a run is repeatable bit for bit.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::link::LinkParams;
use crate::time::Time;

/// What happened to a packet on one hop (by default: nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HopFate {
    /// The packet was lost.
    pub lost: bool,
    /// A bit was flipped (the CRC will reject the packet).
    pub corrupted: bool,
    /// Extra latency on this hop (fs).
    pub jitter: Time,
}

/// The fault generator of a network.
#[derive(Debug)]
pub struct Faults {
    rng: ChaCha8Rng,
}

impl Faults {
    /// A generator seeded from the run seed.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Whether a class has a fault to draw: without one, [`Faults::hop`] draws nothing and
    /// gives the default fate.
    pub fn any(params: &LinkParams) -> bool {
        params.drop > 0.0 || params.ber > 0.0 || params.jitter > 0
    }

    /// Draws the fate of a packet of `bits` bits on a link of class `params`.
    pub fn hop(&mut self, params: &LinkParams, bits: u64) -> HopFate {
        let lost = params.drop > 0.0 && self.rng.random_bool(params.drop);
        let corrupted = !lost
            && params.ber > 0.0
            && self
                .rng
                .random_bool(1.0 - intact_probability(params.ber, bits));
        let jitter = if params.jitter > 0 {
            self.rng.random_range(0..=params.jitter)
        } else {
            0
        };
        HopFate {
            lost,
            corrupted,
            jitter,
        }
    }
}

/// `(1 - ber)^bits` by repeated squaring: plain IEEE multiplications, so every
/// machine computes the same value.
pub fn intact_probability(ber: f64, bits: u64) -> f64 {
    let mut base = 1.0 - ber;
    let mut exp = bits;
    let mut acc = 1.0;
    while exp > 0 {
        if exp & 1 == 1 {
            acc *= base;
        }
        base *= base;
        exp >>= 1;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(drop: f64, ber: f64, jitter: Time) -> LinkParams {
        LinkParams {
            drop,
            ber,
            jitter,
            ..LinkParams::default()
        }
    }

    /// Checks `hits` of `n` Bernoulli(p) trials lies within 4 standard deviations.
    fn within_four_sigma(hits: u64, n: u64, p: f64) -> bool {
        let mean = n as f64 * p;
        let sigma = (n as f64 * p * (1.0 - p)).sqrt();
        (hits as f64 - mean).abs() <= 4.0 * sigma
    }

    #[test]
    fn intact_probability_matches_closed_form() {
        assert_eq!(intact_probability(0.5, 3), 0.125);
        assert_eq!(intact_probability(0.0, 1000), 1.0);
        assert_eq!(intact_probability(1.0, 1), 0.0);
        let p = intact_probability(1e-4, 1000);
        assert!((p - (1.0f64 - 1e-4).powi(1000)).abs() < 1e-12);
    }

    /// Draws enough for a 10 % error in a probability of 0.1 to move the count by
    /// 0.1·n·p ≈ 13 sigma, far outside the 4 sigma accepted.
    const DRAWS: u64 = 150_000;

    #[test]
    fn drop_rate_is_within_four_sigma() {
        let mut faults = Faults::new(7);
        let n = DRAWS;
        let lost = (0..n)
            .filter(|_| faults.hop(&params(0.1, 0.0, 0), 100).lost)
            .count();
        assert!(within_four_sigma(lost as u64, n, 0.1), "{lost} of {n}");
        assert!(
            !within_four_sigma(lost as u64, n, 0.11),
            "a 10 % error is visible"
        );
    }

    #[test]
    fn corruption_rate_follows_bit_error_rate() {
        let mut faults = Faults::new(9);
        let n = DRAWS;
        let bits = 500;
        let p = 1.0 - intact_probability(2e-4, bits);
        let bad = (0..n)
            .filter(|_| faults.hop(&params(0.0, 2e-4, 0), bits).corrupted)
            .count();
        assert!(within_four_sigma(bad as u64, n, p), "{bad} of {n}, p = {p}");
        assert!(
            !within_four_sigma(bad as u64, n, p * 1.1),
            "a 10 % error is visible"
        );
    }

    #[test]
    fn jitter_stays_in_range_and_has_the_uniform_mean() {
        let mut faults = Faults::new(3);
        let n = 10_000u64;
        let draws: Vec<Time> = (0..n)
            .map(|_| faults.hop(&params(0.0, 0.0, 100), 1).jitter)
            .collect();
        assert!(draws.iter().all(|&j| j <= 100));
        // Uniform on 0..=100: mean 50, variance (101^2 - 1) / 12 = 850.
        let mean = draws.iter().sum::<u64>() as f64 / n as f64;
        let sigma_of_mean = (850.0f64 / n as f64).sqrt();
        assert!((mean - 50.0).abs() <= 4.0 * sigma_of_mean, "mean {mean}");
    }

    #[test]
    fn same_seed_same_fates() {
        let p = params(0.3, 1e-3, 50);
        let run = |seed| {
            let mut faults = Faults::new(seed);
            (0..1000).map(|_| faults.hop(&p, 200)).collect::<Vec<_>>()
        };
        assert_eq!(run(11), run(11));
        assert_ne!(run(11), run(12));
    }

    #[test]
    fn fault_free_links_draw_nothing() {
        let mut a = Faults::new(5);
        let mut b = Faults::new(5);
        assert!(!Faults::any(&params(0.0, 0.0, 0)));
        for faulty in [
            params(0.1, 0.0, 0),
            params(0.0, 1e-9, 0),
            params(0.0, 0.0, 1),
        ] {
            assert!(Faults::any(&faulty), "{faulty:?}");
        }
        assert_eq!(a.hop(&params(0.0, 0.0, 0), 100), HopFate::default());
        assert_eq!(
            a.hop(&params(0.5, 0.0, 0), 1),
            b.hop(&params(0.5, 0.0, 0), 1)
        );
    }
}
