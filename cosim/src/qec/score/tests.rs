use super::*;
use crate::qec::fixtures;
use crate::qec::shots::{ShotFormat, read_shots};

#[test]
fn wilson_interval_by_hand() {
    // 10 / 100: centre (0.1 + z^2/200) / (1 + z^2/100), half z sqrt(0.0009 + z^2/40000) / (1 + z^2/100).
    let s = Score::new(100, 10);
    assert_eq!(s.rate, 0.1);
    assert!((s.low - 0.055_229).abs() < 1e-6, "{}", s.low);
    assert!((s.high - 0.174_366).abs() < 1e-6, "{}", s.high);
    // No errors: the interval is [0, z^2 / (n + z^2)].
    let z = Score::new(100, 0);
    assert_eq!(z.low, 0.0);
    let z2 = 1.959_963_984_540_054f64.powi(2);
    assert!((z.high - z2 / (100.0 + z2)).abs() < 1e-15);
    let all = Score::new(50, 50);
    assert!((all.low - 50.0 / (50.0 + z2)).abs() < 1e-12);
    assert_eq!(all.high, 1.0);
}

/// PyMatching's predictions in the fixtures score the logical errors the fixture script counted.
#[test]
fn pymatching_fixture_errors_match_the_manifest() {
    let mut checked = 0;
    for case in fixtures::cases() {
        let Some(errors) = case.pymatching_errors else {
            continue;
        };
        let read = |name: String| {
            read_shots(
                &fixtures::read(&name),
                ShotFormat::Zero1,
                case.observables,
                &name,
            )
            .unwrap()
        };
        let obs = read(format!("{}.obs.01", case.name));
        let pred = read(format!("{}.pymatching.01", case.name));
        assert_eq!(Score::compare(&obs, &pred).errors, errors, "{}", case.name);
        checked += 1;
    }
    assert_eq!(checked, 4);
}
