use std::collections::BTreeMap;

use super::*;
use crate::qec::fixtures;

/// A DEM as stim's equality sees it: (pieces) -> probability, detector coordinates, observables.
type Canonical = (BTreeMap<Vec<Piece>, f64>, Vec<Option<Vec<f64>>>, u32);

fn canonical(dem: &Dem) -> Canonical {
    let mut errors = BTreeMap::new();
    for m in &dem.mechanisms {
        let old = errors.insert(m.pieces.clone(), m.probability);
        assert!(
            old.is_none(),
            "{}: mechanism {:?} appears twice",
            dem.file,
            m.pieces
        );
    }
    (errors, dem.detectors.clone(), dem.num_observables)
}

#[test]
fn equals_stims_dem_for_every_fixture() {
    let mut compared = 0;
    for case in fixtures::cases() {
        let noise = match case.noise.as_str() {
            "code_capacity" => Noise::CodeCapacity,
            "phenomenological" => Noise::Phenomenological,
            other => panic!("unknown noise {other}"),
        };
        let code = SurfaceCode {
            distance: case.distance,
            rounds: case.rounds,
            noise,
            p: case.p,
        };
        let name = format!("{}.dem", case.name);
        let stim = Dem::parse(&String::from_utf8(fixtures::read(&name)).unwrap(), &name).unwrap();
        let ours = code.dem().unwrap();
        let (stim_errors, stim_coords, stim_observables) = canonical(&stim);
        let (our_errors, our_coords, our_observables) = canonical(&ours);
        assert_eq!(our_coords, stim_coords, "{name}: detector coordinates");
        assert_eq!(our_coords.len(), case.detectors);
        assert_eq!(our_observables, stim_observables);
        assert_eq!(
            our_errors.keys().collect::<Vec<_>>(),
            stim_errors.keys().collect::<Vec<_>>(),
            "{name}: error mechanisms"
        );
        for (pieces, p) in &our_errors {
            let q = stim_errors[pieces];
            assert!(
                (p - q).abs() <= 1e-12 * q,
                "{name}: {pieces:?}: ours {p}, stim {q}"
            );
        }
        // Written and read back, the model is the same.
        let back = Dem::parse(&ours.to_text(), "back").unwrap();
        assert_eq!(canonical(&back), canonical(&ours));
        compared += 1;
    }
    assert_eq!(compared, 6, "d = 3, 5, 7 in both noise models");
}

#[test]
fn detectors_count_as_the_docs_say() {
    // (d^2 - 1) / 2 Z detectors at t = 0 and t = rounds, d^2 - 1 in every round between.
    for (d, rounds) in [(3, 1), (5, 4), (9, 9)] {
        let code = SurfaceCode {
            distance: d,
            rounds,
            noise: Noise::Phenomenological,
            p: 0.01,
        };
        assert_eq!(
            code.dem().unwrap().num_detectors(),
            (d * d - 1) * rounds,
            "d = {d}, rounds = {rounds}"
        );
    }
}

#[test]
fn parameters_out_of_range_are_rejected() {
    let err = |distance, rounds, noise, p| {
        SurfaceCode {
            distance,
            rounds,
            noise,
            p,
        }
        .dem()
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        err(4, 1, Noise::CodeCapacity, 0.1),
        "distance 4 must be odd and at least 3"
    );
    assert_eq!(
        err(1, 1, Noise::CodeCapacity, 0.1),
        "distance 1 must be odd and at least 3"
    );
    assert_eq!(
        err(3, 2, Noise::CodeCapacity, 0.1),
        "code-capacity noise has exactly 1 round, not 2"
    );
    assert_eq!(
        err(3, 0, Noise::Phenomenological, 0.1),
        "rounds must be at least 1"
    );
    assert_eq!(
        err(3, 1, Noise::Phenomenological, 1.5),
        "p = 1.5 is not in [0, 1]"
    );
    assert!(err(101, 1000, Noise::Phenomenological, 0.1).contains("detectors (at most"));
}
