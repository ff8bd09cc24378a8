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

/// The least clock that meets a deadline of 3 at a bandwidth: 4e8 / (3 - 4e9 / bandwidth).
fn clock_threshold(bandwidth: f64) -> f64 {
    4e8 / (3.0 - 4e9 / bandwidth)
}

#[test]
fn bisection_closes_in_on_the_known_threshold_along_every_key() {
    let (g, metrics) = monotone();
    let mut calls = 0;
    let answer = search(4).run(&g, &metrics, &mut |runs| {
        calls += 1;
        runs.iter().map(|r| latency(r)).collect()
    });
    assert_eq!(calls, 4, "one batch per bisection step, both keys in it");
    assert!(answer.contradictions.is_empty());
    // 7 clocks (200 .. 800 MHz) have a bandwidth line to bisect, 7 bandwidths (2 .. 8
    // Gbit/s) a clock line; 4 steps each.
    assert_eq!(answer.refined.len(), (7 + 7) * 4);
    // By hand, halving each line's gap 4 times: along the bandwidth at a grid clock (e.g.
    // 300 MHz: 2, 3 -> 2.5 -> 2.25 -> 2.375 -> 2.4375 Gbit/s against 2.4), along the clock
    // at a grid bandwidth (e.g. 3 Gbit/s: 200, 300 -> 250 -> 225 -> 237.5 -> 243.75 MHz
    // against 240). Where the threshold is a grid value (2 Gbit/s at 400 MHz, 200 MHz at
    // 4 Gbit/s) no midpoint meets the deadline and the grid point stays. The bandwidth
    // falls strictly as the clock grows, so every point is on the frontier.
    let want = [
        ("162500000 Hz", "8 Gbit/s"),
        ("168750000 Hz", "7 Gbit/s"),
        ("175000000 Hz", "6 Gbit/s"),
        ("187500000 Hz", "5 Gbit/s"),
        ("200 MHz", "4 Gbit/s"),
        ("243750000 Hz", "3 Gbit/s"),
        ("300 MHz", "2437500000 bit/s"),
        ("400 MHz", "2 Gbit/s"),
        ("500 MHz", "1875000000 bit/s"),
        ("600 MHz", "1750000000 bit/s"),
        ("700 MHz", "1687500000 bit/s"),
        ("800 MHz", "1625000000 bit/s"),
    ];
    let points: Vec<(String, String)> = answer
        .frontier
        .iter()
        .map(|p| (cell(&p.point[0].1), cell(&p.point[1].1)))
        .collect();
    assert_eq!(points, want.map(|(a, b)| (a.to_string(), b.to_string())));
    // Each point is within (grid step) / 2^4 above the threshold of its refined key.
    for p in &answer.frontier {
        let (clock, bandwidth) = (
            value(&p.point, "defaults.clock"),
            value(&p.point, "network.link.bandwidth"),
        );
        assert!(p.metric <= 3.0 && p.metric == latency(&p.point).expect("metric"));
        let near = |x: f64, least: f64, step: f64| x >= least - 1e-3 && x < least + step / 16.0;
        assert!(
            near(bandwidth, threshold(clock), 1e9) || near(clock, clock_threshold(bandwidth), 1e8),
            "{p:?}"
        );
        let on_grid = clock % 1e8 == 0.0 && bandwidth % 1e9 == 0.0;
        assert_eq!(p.refined, !on_grid, "{p:?}");
    }
}

#[test]
fn a_bisection_run_that_contradicts_monotonicity_is_reported_and_ends_its_line() {
    let g = grid(&["defaults.budget=0,16"]);
    let metrics = vec![Some(5.0), Some(1.0)];
    let mut asked = Vec::new();
    let answer = Search {
        minimize: vec![0],
        deadline: 3.0,
        refine: 4,
    }
    .run(&g, &metrics, &mut |runs| {
        asked.extend(runs.iter().map(|r| cell(&r[0].1)));
        vec![Some(6.0); runs.len()]
    });
    assert_eq!(asked, ["8"], "budget 8 grows the metric: no more bisection");
    assert_eq!(
        answer.contradictions,
        ["grid: the metric grows from 5 at defaults.budget=0 to 6 at defaults.budget=8"]
    );
    assert_eq!(answer.frontier.len(), 1);
    assert_eq!(answer.frontier[0].point[0].1, Value::Integer(16));
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
