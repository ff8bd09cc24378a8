use std::path::PathBuf;

use super::*;
use crate::sweep::Axis;

fn grid(specs: &[&str]) -> Grid {
    Grid {
        scenario: PathBuf::from("s.toml"),
        axes: specs
            .iter()
            .map(|s| Axis::parse(s).expect("axis"))
            .collect(),
    }
}

fn value(settings: &[Setting], key: &str) -> f64 {
    let v = &settings.iter().find(|(k, _)| k == key).expect("key").1;
    numeric(v).expect("number")
}

/// A latency that falls with the clock and with the bandwidth: 4e8 / clock + 4e9 / bandwidth.
fn latency(settings: &[Setting]) -> Option<f64> {
    Some(4e8 / value(settings, "defaults.clock") + 4e9 / value(settings, "network.link.bandwidth"))
}

/// The least bandwidth that meets a deadline of 3 at a clock: 4e9 / (3 - 4e8 / clock).
fn threshold(clock: f64) -> f64 {
    4e9 / (3.0 - 4e8 / clock)
}

fn monotone() -> (Grid, Vec<Option<f64>>) {
    let g = grid(&[
        "defaults.clock=100MHz..800MHz:100MHz",
        "network.link.bandwidth=1Gbit/s..8Gbit/s:1Gbit/s",
    ]);
    let metrics = (0..g.len()).map(|i| latency(&g.point(i))).collect();
    (g, metrics)
}

fn search(refine: u32) -> Search {
    Search {
        minimize: vec![0, 1],
        deadline: 3.0,
        refine,
    }
}

#[test]
fn grid_frontier_of_a_monotone_metric() {
    let (g, metrics) = monotone();
    let answer = search(0).run(&g, &metrics, &mut |_| unreachable!("no refinement"));
    // By hand: 200 MHz needs 4 Gbit/s (2 + 1 = 3), 300 MHz needs 2.4 (grid: 3), 400 MHz
    // needs 2; faster clocks need more than 1 Gbit/s, so 2 as well: dominated by 400 MHz.
    let points: Vec<(String, String)> = answer
        .frontier
        .iter()
        .map(|p| (cell(&p.point[0].1), cell(&p.point[1].1)))
        .collect();
    let want = [
        ("200 MHz", "4 Gbit/s"),
        ("300 MHz", "3 Gbit/s"),
        ("400 MHz", "2 Gbit/s"),
    ];
    assert_eq!(points, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(answer.contradictions.is_empty());
}

#[test]
fn bisection_closes_in_on_the_known_threshold() {
    let (g, metrics) = monotone();
    let mut calls = 0;
    let answer = search(4).run(&g, &metrics, &mut |runs| {
        calls += 1;
        runs.iter().map(|r| latency(r)).collect()
    });
    assert_eq!(calls, 4, "one batch per bisection step");
    assert!(answer.contradictions.is_empty());
    // Every clock from 200 MHz on needs a bandwidth that shrinks as the clock grows, so
    // each is on the frontier, within (grid step) / 2^4 of its threshold.
    assert_eq!(answer.frontier.len(), 7);
    for p in &answer.frontier {
        let (clock, bandwidth) = (
            value(&p.point, "defaults.clock"),
            value(&p.point, "network.link.bandwidth"),
        );
        let least = threshold(clock);
        assert!(
            bandwidth >= least - 1e-3 && bandwidth < least + 1e9 / 16.0,
            "{p:?}: least {least}"
        );
        assert!(p.metric <= 3.0);
        assert_eq!(p.refined, bandwidth % 1e9 != 0.0, "{p:?}");
    }
    let at_300 = &answer.frontier[1];
    assert_eq!(
        cell(&at_300.point[1].1),
        "2437500000 bit/s",
        "2, 3 -> 2.5 -> 2.25 -> 2.375 -> 2.4375"
    );
}

#[test]
fn a_non_monotone_metric_is_reported_and_not_bisected() {
    let g = grid(&["defaults.budget=1,2,3,4,5"]);
    let metrics = vec![Some(5.0), Some(4.0), Some(3.0), Some(4.5), Some(1.0)];
    let answer = Search {
        minimize: vec![0],
        deadline: 3.5,
        refine: 3,
    }
    .run(&g, &metrics, &mut |_| {
        unreachable!("a broken line is not bisected")
    });
    assert_eq!(
        answer.contradictions,
        ["grid: the metric grows from 3 at defaults.budget=3 to 4.5 at defaults.budget=4"]
    );
    assert_eq!(answer.frontier.len(), 1);
    assert_eq!(answer.frontier[0].point[0].1, Value::Integer(3));
    assert!(answer.refined.is_empty());
}

#[test]
fn seeds_count_by_their_worst_run_and_other_keys_group() {
    let g = grid(&["decoding.distance=3,5", "defaults.budget=10,20", "seed=1,2"]);
    // distance 3: budget 10 meets 5 on seed 1 but not on seed 2; budget 20 meets it.
    // distance 5: neither meets it on seed 2.
    let metrics = vec![
        Some(4.0),
        Some(6.0),
        Some(2.0),
        Some(3.0),
        Some(4.0),
        Some(9.0),
        Some(5.0),
        Some(7.0),
    ];
    let answer = Search {
        minimize: vec![1],
        deadline: 5.0,
        refine: 0,
    }
    .run(&g, &metrics, &mut |_| unreachable!());
    assert_eq!(answer.frontier.len(), 1);
    let p = &answer.frontier[0];
    assert_eq!(
        p.group,
        vec![("decoding.distance".to_string(), Value::Integer(3))]
    );
    assert_eq!(
        p.point,
        vec![("defaults.budget".to_string(), Value::Integer(20))]
    );
    assert_eq!(p.metric, 3.0);
}
