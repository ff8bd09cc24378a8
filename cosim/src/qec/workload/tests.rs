use super::*;
use crate::report::decoding::Latency;

#[test]
fn backlog_counts_late_shots_and_the_most_waiting_at_once() {
    // One shot's rounds take 10. Shot 0 ends at 10, decoded at 15; shot 1 ends at 20,
    // decoded at 35 (after 30, the end of shot 2: late); shot 2 ends at 30, decoded at 36.
    // Between 30 and 35 shots 1 and 2 both wait.
    let finished = [(10, 15), (20, 35), (30, 36)];
    assert_eq!(
        backlog(&finished, 10),
        Backlog {
            late_shots: 1,
            max_waiting: 2,
        }
    );
    // A decode at the very time the next shot's rounds end is not late, and frees its
    // place before that shot starts waiting.
    assert_eq!(
        backlog(&[(10, 20), (20, 25)], 10),
        Backlog {
            late_shots: 0,
            max_waiting: 1,
        }
    );
}

#[test]
fn latency_percentiles_are_nearest_rank() {
    // 1 .. 100 ns: p50 is the 50th value, p99 the 99th; cycles at 4 ns.
    let fs: Vec<Time> = (1..=100).rev().map(|i| i * 1_000_000).collect();
    let l = Latency::of(&fs, 4_000_000);
    assert_eq!(
        (l.p50_ns, l.p99_ns, l.max_ns, l.mean_ns),
        (50.0, 99.0, 100.0, 50.5)
    );
    assert_eq!((l.p50_cycles, l.max_cycles), (12.5, 25.0));
    // Eight bins of 99 ns / 8 + 1 fs from 1 ns: 1 .. 13 ns in the first.
    assert_eq!(l.histogram.len(), 8);
    assert_eq!(l.histogram[0], (1.0, 13.375001, 13));
    assert_eq!(l.histogram.iter().map(|b| b.2).sum::<u64>(), 100);
    // Three shots: p50 is the 2nd, p99 the 3rd.
    let l = Latency::of(&[3, 1, 2], 1);
    assert_eq!((l.p50_cycles, l.p99_cycles), (2.0, 3.0));
}
