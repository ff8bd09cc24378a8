//! A seeded sampler for any DEM: every mechanism fires independently with its
//! probability and flips the XOR of its pieces' detectors and observables.

use bitvec::vec::BitVec;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use super::dem::{Dem, Piece};

/// Sampled shots: detection events and observable flips, one bit vector per shot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Samples {
    /// Per shot, one bit per detector.
    pub detectors: Vec<BitVec>,
    /// Per shot, one bit per observable.
    pub observables: Vec<BitVec>,
}

/// A uniform draw in `[0, 1)`: the top 53 bits of the next `u64`, times `2^-53`.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Samples `shots` shots of `dem` from `ChaCha8Rng::seed_from_u64(seed)`: for each shot, for each
/// mechanism in DEM order, one uniform draw `u`; the mechanism fires if `u < p`.
pub fn sample(dem: &Dem, shots: usize, seed: u64) -> Samples {
    let symptoms: Vec<(f64, Piece)> = dem
        .mechanisms
        .iter()
        .map(|m| (m.probability, Piece::xor_of(&m.pieces)))
        .collect();
    let detectors = dem.detectors.len();
    let observables = dem.num_observables as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut samples = Samples {
        detectors: Vec::with_capacity(shots),
        observables: Vec::with_capacity(shots),
    };
    for _ in 0..shots {
        let mut dets = BitVec::repeat(false, detectors);
        let mut obs = BitVec::repeat(false, observables);
        for (p, piece) in &symptoms {
            if uniform(&mut rng) < *p {
                for &d in &piece.detectors {
                    let bit = !dets[d as usize];
                    dets.set(d as usize, bit);
                }
                for l in 0..observables {
                    if piece.observables >> l & 1 == 1 {
                        let bit = !obs[l];
                        obs.set(l, bit);
                    }
                }
            }
        }
        samples.detectors.push(dets);
        samples.observables.push(obs);
    }
    samples
}

#[cfg(test)]
mod tests;
