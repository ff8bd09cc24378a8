//! Event queue throughput: the bucket queue against `std::collections::BinaryHeap`
//! with 10,000 nodes on one clock (every node reschedules itself one period later).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use aether_cosim::engine::BucketQueue;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NODES: u32 = 10_000;
const PERIOD: u64 = 1_000_000;
const ROUNDS: u64 = 20;

fn bucket_queue() -> u64 {
    let mut queue = BucketQueue::new();
    for node in 0..NODES {
        queue.push(0, node, ());
    }
    let mut round = Vec::new();
    let mut handled = 0;
    while let Some(time) = queue.pop_bucket(&mut round) {
        round.sort_unstable_by_key(|e| (e.target, e.seq));
        for event in round.drain(..) {
            handled += 1;
            if time < ROUNDS * PERIOD {
                queue.push(time + PERIOD, event.target, ());
            }
        }
    }
    handled
}

fn binary_heap() -> u64 {
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    for node in 0..NODES {
        heap.push(Reverse((0u64, node, seq)));
        seq += 1;
    }
    let mut handled = 0;
    while let Some(Reverse((time, node, _))) = heap.pop() {
        handled += 1;
        if time < ROUNDS * PERIOD {
            heap.push(Reverse((time + PERIOD, node, seq)));
            seq += 1;
        }
    }
    handled
}

fn queues(c: &mut Criterion) {
    let events = (ROUNDS + 1) * NODES as u64;
    assert_eq!(bucket_queue(), events);
    assert_eq!(binary_heap(), events);
    let mut group = c.benchmark_group("queue_10k_nodes_one_clock");
    group.throughput(Throughput::Elements(events));
    group.bench_function("bucket_queue", |b| b.iter(bucket_queue));
    group.bench_function("binary_heap", |b| b.iter(binary_heap));
    group.finish();
}

criterion_group!(benches, queues);
criterion_main!(benches);
