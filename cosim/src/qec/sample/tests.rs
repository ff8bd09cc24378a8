use super::*;

fn dem(text: &str) -> Dem {
    Dem::parse(text, "s.dem").unwrap()
}

#[test]
fn same_seed_same_shots_other_seed_other_shots() {
    let model = crate::qec::surface::SurfaceCode {
        distance: 5,
        rounds: 5,
        noise: crate::qec::surface::Noise::Phenomenological,
        p: 0.02,
    }
    .dem()
    .unwrap();
    let a = sample(&model, 200, 7);
    assert_eq!(a, sample(&model, 200, 7));
    assert_ne!(a, sample(&model, 200, 8));
    assert_eq!(a.detectors.len(), 200);
    assert!(a.detectors.iter().all(|s| s.len() == 120));
    assert!(a.observables.iter().all(|s| s.len() == 1));
}

#[test]
fn a_mechanism_flips_the_xor_of_its_pieces() {
    let s = sample(&dem("error(1) D0 D1 L0 ^ D1 D2 L0 L1\n"), 3, 1);
    for (d, o) in s.detectors.iter().zip(&s.observables) {
        assert_eq!(
            d.iter().by_vals().collect::<Vec<_>>(),
            vec![true, false, true]
        );
        assert_eq!(o.iter().by_vals().collect::<Vec<_>>(), vec![false, true]);
    }
}

/// A detector fires with probability (1 - prod(1 - 2 p_i)) / 2 over the mechanisms flipping it.
#[test]
fn detectors_fire_as_often_as_the_model_says() {
    let model = dem("error(0.1) D0 D1\nerror(0.2) D1\nerror(0.3) D0 L0\nerror(0) D2\n");
    let shots = 40_000;
    let s = sample(&model, shots, 3);
    let expected = [
        (1.0 - 0.8 * 0.4) / 2.0, // D0: 0.1, 0.3
        (1.0 - 0.8 * 0.6) / 2.0, // D1: 0.1, 0.2
        0.0,
        0.3, // L0
    ];
    let mut counts = [0usize; 4];
    for (d, o) in s.detectors.iter().zip(&s.observables) {
        for k in 0..3 {
            counts[k] += usize::from(d[k]);
        }
        counts[3] += usize::from(o[0]);
    }
    for (k, (&count, &p)) in counts.iter().zip(&expected).enumerate() {
        let rate = count as f64 / shots as f64;
        let sigma = (p * (1.0 - p) / shots as f64).sqrt();
        assert!(
            (rate - p).abs() <= 5.0 * sigma,
            "bit {k}: rate {rate}, expected {p}"
        );
    }
}
