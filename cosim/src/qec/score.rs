//! Logical error rate of predicted observable flips, with a Wilson 95 % interval.

use bitvec::vec::BitVec;

/// The normal quantile of a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Shots, logical errors, the error rate and its Wilson score 95 % interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Shots scored.
    pub shots: u64,
    /// Shots whose predicted observable flips differ from the actual ones in any observable.
    pub errors: u64,
    /// `errors / shots`.
    pub rate: f64,
    /// Lower end of the Wilson 95 % interval.
    pub low: f64,
    /// Upper end of the Wilson 95 % interval.
    pub high: f64,
}

impl Score {
    /// The score of `errors` logical errors in `shots > 0` shots.
    pub fn new(shots: u64, errors: u64) -> Score {
        assert!(
            shots > 0 && errors <= shots,
            "a score needs shots >= errors, shots > 0"
        );
        let n = shots as f64;
        let rate = errors as f64 / n;
        let z2 = Z95 * Z95;
        let denominator = 1.0 + z2 / n;
        let centre = (rate + z2 / (2.0 * n)) / denominator;
        let half = Z95 * (rate * (1.0 - rate) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
        Score {
            shots,
            errors,
            rate,
            // At 0 (or all) errors the interval ends exactly at 0 (or 1); rounding may miss it.
            low: if errors == 0 { 0.0 } else { centre - half },
            high: if errors == shots { 1.0 } else { centre + half },
        }
    }

    /// Scores predictions against actual observable flips, shot by shot (same number of shots).
    pub fn compare(actual: &[BitVec], predicted: &[BitVec]) -> Score {
        assert_eq!(actual.len(), predicted.len(), "one prediction per shot");
        let errors = actual.iter().zip(predicted).filter(|(a, p)| a != p).count();
        Score::new(actual.len() as u64, errors as u64)
    }
}

#[cfg(test)]
mod tests;
