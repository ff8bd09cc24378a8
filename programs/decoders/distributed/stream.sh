#!/bin/sh
# The streaming table of docs/decoders.md ("Streaming (stream.s)"): decode latency of
# the distributed decoder on the rotated surface code, d = 5, 7, 9, phenomenological
# noise p = 0.01 (rounds = d), 1,000 shots per cell, every node at 250 MHz on the
# lattice network of 10 Gbit/s, 10 ns links: whole shots (dist.s) against sliding
# windows (stream.s) of 3 rounds committing 1, at round periods of 200 us (no window
# waits for another) and 20 us (the decoder falls behind: the backlog columns).
#
# Run from the repository root after `cargo build --release -p aether-cosim --bin aether`:
#   sh programs/decoders/distributed/stream.sh [OUT_DIR]
# Every run must pass the workload's checks (each correction equal to the host
# reference's, windowed as the run is): `aether sweep` exits 1 otherwise, and so does
# this script.
set -eu
aether=${AETHER:-target/release/aether}
out=${1:-target/stream}
shots=${SHOTS:-1000}
dir=programs/decoders/distributed
mkdir -p "$out"

row() { # name scenario period label [--set ..]
    name=$1 toml=$2 period=$3 label=$4
    shift 4
    "$aether" sweep "$dir/$toml" --out "$out/$name" \
        --set decoding.distance=5,7,9 --set decoding.noise=\"phenomenological\" \
        --set decoding.p=0.01 --set decoding.shots="$shots" \
        --set "decoding.round_period=\"$period\"" \
        --set network.inbox_capacity=1000000 "$@" >/dev/null
    awk -F, -v label="$label" -v period="$period" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        if ($col["status"] != "ok") { print "run " $col["run"] ": " $col["status"] > "/dev/stderr"; exit 1 }
        shots = $col["decode_shots"]
        printf "| %d | %s | %s | %.1f (%.0f) | %.0f (%.0f) | %d / %d | %.2f | %.1f | %d / %d |\n", \
            $col["decoding.distance"], label, period, \
            $col["decode_latency_mean_ns"], $col["decode_latency_mean_cycles"], \
            $col["decode_latency_p99_ns"], $col["decode_latency_p99_cycles"], \
            $col["decode_late_shots"], $col["decode_max_waiting"], \
            $col["decode_barriers"] / shots, $col["decode_messages_per_shot"], \
            $col["logical_errors"], shots
    }' "$out/$name/sweep.csv"
}

echo "| d | decoder | round period | mean latency ns (cycles) | p99 ns (cycles) | late shots / max waiting | supersteps / shot | messages / shot | logical errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for period in "200 us" "20 us"; do
    p=$(echo "$period" | tr -d ' ')
    row "whole-$p" surface_d5.toml "$period" "whole shot (dist.s)"
    row "w3c1-$p" stream_d5.toml "$period" "W = 3, C = 1" \
        --set decoding.window=3 --set decoding.commit=1
done
