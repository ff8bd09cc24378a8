//! The rotated surface code memory-Z experiment with code-capacity or
//! phenomenological bit-flip noise, as a DEM equal to the one stim derives
//! from `surface_code:rotated_memory_z` (docs/decoders.md, "The generator").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::QecError;
use super::dem::{Dem, MAX_DETECTORS, Mechanism, Piece};

/// Where bit flips happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noise {
    /// Data flips before a single round; perfect measurement.
    CodeCapacity,
    /// Data flips before every round, ancilla measurement flips every round, and
    /// flips of the final data measurements.
    Phenomenological,
}

impl Noise {
    /// Rounds of a distance-`distance` experiment unless told otherwise: 1, or `distance`.
    pub fn default_rounds(self, distance: u32) -> u32 {
        match self {
            Noise::CodeCapacity => 1,
            Noise::Phenomenological => distance,
        }
    }
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Noise::CodeCapacity => "code-capacity",
            Noise::Phenomenological => "phenomenological",
        })
    }
}

/// A rotated surface code memory-Z experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct SurfaceCode {
    /// Code distance (odd, at least 3).
    pub distance: u32,
    /// Syndrome rounds (1 for code capacity).
    pub rounds: u32,
    /// The noise model.
    pub noise: Noise,
    /// Probability of every flip.
    pub p: f64,
}

/// A qubit position in stim's coordinates (doubled lattice units).
type Coord = (u32, u32);

/// Where each detector of the experiment sits in stim's detector order.
struct Detectors {
    /// Z ancillas by `(x, y)`: round 0 and the final layer follow this order.
    z: Vec<Coord>,
    /// All ancillas by `(y, x)` (stim's qubit index order): rounds `1 .. rounds`.
    all: Vec<Coord>,
    rounds: u32,
}

impl Detectors {
    /// The index of the detector of ancilla `s` in round `r` (`r == rounds`: the final layer).
    fn index(&self, s: Coord, r: u32) -> Option<u32> {
        let z = self.z.len() as u32;
        let all = self.all.len() as u32;
        let position = |list: &[Coord]| list.iter().position(|&c| c == s).map(|i| i as u32);
        if r == 0 {
            position(&self.z)
        } else if r < self.rounds {
            position(&self.all).map(|i| z + (r - 1) * all + i)
        } else {
            position(&self.z).map(|i| z + (self.rounds - 1) * all + i)
        }
    }

    /// Every detector's coordinates `(x, y, t)`, by index.
    fn coords(&self) -> Vec<Option<Vec<f64>>> {
        let at = |&(x, y): &Coord, t: u32| Some(vec![f64::from(x), f64::from(y), f64::from(t)]);
        let mut out: Vec<_> = self.z.iter().map(|c| at(c, 0)).collect();
        for r in 1..self.rounds {
            out.extend(self.all.iter().map(|c| at(c, r)));
        }
        out.extend(self.z.iter().map(|c| at(c, self.rounds)));
        out
    }
}

impl SurfaceCode {
    /// The experiment's detector error model, detectors in stim's order.
    pub fn dem(&self) -> Result<Dem, QecError> {
        self.check()?;
        let d = self.distance;
        let data: Vec<Coord> = (0..d)
            .flat_map(|i| (0..d).map(move |j| (2 * i + 1, 2 * j + 1)))
            .collect();
        let mut z = BTreeSet::new();
        let mut x_type = BTreeSet::new();
        for i in 0..=d {
            for j in 0..=d {
                let parity = i % 2 != j % 2;
                if (parity && (i == 0 || i == d)) || (!parity && (j == 0 || j == d)) {
                    continue;
                }
                if parity {
                    x_type.insert((2 * i, 2 * j));
                } else {
                    z.insert((2 * i, 2 * j));
                }
            }
        }
        let mut all: Vec<Coord> = z.iter().chain(&x_type).copied().collect();
        all.sort_by_key(|&(x, y)| (y, x));
        let detectors = Detectors {
            z: z.iter().copied().collect(),
            all,
            rounds: self.rounds,
        };
        // The Z ancillas that see a data qubit's X flip.
        let neighbours = |(x, y): Coord| -> Vec<Coord> {
            [
                (x - 1, y - 1),
                (x + 1, y - 1),
                (x - 1, y + 1),
                (x + 1, y + 1),
            ]
            .into_iter()
            .filter(|c| z.contains(c))
            .collect()
        };
        // The logical Z observable: the data qubits of the row y = 1.
        let observable = |(_, y): Coord| u64::from(y == 1);

        let mut sources: Vec<Piece> = Vec::new();
        let mut add = |detectors: Vec<Option<u32>>, observables: u64| {
            sources.push(Piece::xor_of(&[Piece {
                detectors: detectors.into_iter().flatten().collect(),
                observables,
            }]));
        };
        for r in 0..self.rounds {
            for &q in &data {
                let dets = neighbours(q).into_iter().map(|s| detectors.index(s, r));
                add(dets.collect(), observable(q));
            }
            if self.noise == Noise::Phenomenological {
                for &s in &detectors.all {
                    let before = if r == 0 && !z.contains(&s) {
                        None
                    } else {
                        detectors.index(s, r)
                    };
                    add(vec![before, detectors.index(s, r + 1)], 0);
                }
            }
        }
        if self.noise == Noise::Phenomenological {
            for &q in &data {
                let dets = neighbours(q)
                    .into_iter()
                    .map(|s| detectors.index(s, self.rounds));
                add(dets.collect(), observable(q));
            }
        }

        // stim fuses mechanisms with the same symptoms: p1 (1 - p2) + p2 (1 - p1).
        let mut fused: BTreeMap<Vec<u64>, (Piece, f64)> = BTreeMap::new();
        for piece in sources {
            // stim's generator leaves out noise of probability 0, and errors without symptoms.
            if self.p == 0.0 || (piece.detectors.is_empty() && piece.observables == 0) {
                continue;
            }
            let key = stim_order(&piece);
            let q = self.p;
            fused
                .entry(key)
                .and_modify(|(_, p)| *p = *p * (1.0 - q) + q * (1.0 - *p))
                .or_insert((piece, q));
        }
        let mechanisms = fused
            .into_values()
            .enumerate()
            .map(|(i, (piece, probability))| Mechanism {
                probability,
                pieces: vec![piece],
                line: i + 1,
            })
            .collect();
        Ok(Dem {
            file: self.to_string(),
            detectors: detectors.coords(),
            num_observables: 1,
            mechanisms,
        })
    }

    /// Rejects parameters outside the generator's range.
    fn check(&self) -> Result<(), QecError> {
        let bad = |m: String| Err(QecError::Parameter(m));
        if self.distance < 3 || self.distance.is_multiple_of(2) {
            return bad(format!(
                "distance {} must be odd and at least 3",
                self.distance
            ));
        }
        if self.rounds == 0 {
            return bad("rounds must be at least 1".into());
        }
        if self.noise == Noise::CodeCapacity && self.rounds != 1 {
            return bad(format!(
                "code-capacity noise has exactly 1 round, not {}",
                self.rounds
            ));
        }
        if !(0.0..=1.0).contains(&self.p) {
            return bad(format!("p = {} is not in [0, 1]", self.p));
        }
        let d = u64::from(self.distance);
        let detectors = (d * d - 1) + (d * d - 1) * (u64::from(self.rounds) - 1);
        if detectors > MAX_DETECTORS {
            return bad(format!(
                "distance {} with {} rounds has {detectors} detectors (at most {MAX_DETECTORS})",
                self.distance, self.rounds
            ));
        }
        Ok(())
    }
}

/// stim's order of error instructions: the targets as a list, detectors before observables.
fn stim_order(piece: &Piece) -> Vec<u64> {
    let observables = (0..64)
        .filter(|l| piece.observables >> l & 1 == 1)
        .map(|l| 1 << 63 | l);
    piece
        .detectors
        .iter()
        .map(|&d| u64::from(d))
        .chain(observables)
        .collect()
}

impl fmt::Display for SurfaceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "surface code d={} rounds={} {} p={}",
            self.distance, self.rounds, self.noise, self.p
        )
    }
}

#[cfg(test)]
mod tests;
