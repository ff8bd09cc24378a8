#!/bin/sh
# The scaling table of docs/decoders.md ("Scaling with the code distance"): the
# centralised and the distributed union-find decoders on the rotated surface code,
# d = 3 .. 15, code capacity p = 0.05 and phenomenological p = 0.01 (rounds = d),
# 1,000 shots per cell, every node at 250 MHz on the lattice network of 10 Gbit/s,
# 10 ns links (the two bundled scenarios), with round periods long enough that no
# shot waits for another (the latency is each shot's own). Then a least-squares fit
# of log(latency) against log(d) for the mean and the largest latency.
#
# Run from the repository root after `cargo build --release -p aether-cosim --bin aether`:
#   sh programs/decoders/scaling.sh [OUT_DIR]
# Every run must pass the workload's checks (each correction equal to the host
# reference's): `aether sweep` exits 1 otherwise, and so does this script.
set -eu
aether=${AETHER:-target/release/aether}
out=${1:-target/scaling}
distances=${DISTANCES:-3,5,7,9,11,13,15}
shots=${SHOTS:-1000}
mkdir -p "$out"

sweep() { # decoder noise p period
    "$aether" sweep "programs/decoders/$1/surface_d5.toml" --out "$out/$1-$2" \
        --set decoding.distance="$distances" --set decoding.noise="$2" \
        --set decoding.p="$3" --set decoding.shots="$shots" \
        --set "decoding.round_period=\"$4\"" \
        --set network.inbox_capacity=1000000 >/dev/null
}

for decoder in central distributed; do
    sweep "$decoder" code-capacity 0.05 "500 us"
    sweep "$decoder" phenomenological 0.01 "200 us"
done

# One markdown row per run, then the fits; columns are looked up by name.
table() {
    awk -F, -v decoder="$1" -v noise="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        shots = $col["decode_shots"]
        if ($col["status"] != "ok" || $col["decode_late_shots"] != 0) {
            print "run " $col["run"] " of " decoder " " noise ": " $col["status"] \
                ", late shots " $col["decode_late_shots"] > "/dev/stderr"
            bad = 1
        }
        d = $col["decoding.distance"]
        steps = $col["decode_barriers"] / shots
        printf "| %s | %s | %d | %d | %.1f (%.0f) | %.0f (%.0f) | %.0f (%.0f) | %.3f | %.2f | %.1f | %.1f | %d / %d: %.4f |\n", \
            decoder, noise, d, $col["decode_nodes"], $col["decode_latency_mean_ns"], $col["decode_latency_mean_cycles"], \
            $col["decode_latency_p99_ns"], $col["decode_latency_p99_cycles"], \
            $col["decode_latency_max_ns"], $col["decode_latency_max_cycles"], \
            $col["decode_growth_rounds_mean"], steps, $col["decode_messages_per_shot"], \
            $col["decode_bytes_per_shot"], $col["logical_errors"], shots, $col["logical_error_rate"]
        x = log(d); n++; sx += x; sxx += x * x
        ym = log($col["decode_latency_mean_ns"]); sym += ym; sxym += x * ym
        yx = log($col["decode_latency_max_ns"]); syx += yx; sxyx += x * yx
    }
    END {
        den = n * sxx - sx * sx
        printf "FIT %s %s: mean latency ~ d^%.2f, largest latency ~ d^%.2f\n", decoder, noise, \
            (n * sxym - sx * sym) / den, (n * sxyx - sx * syx) / den > "/dev/stderr"
        exit bad
    }' "$out/$1-$2/sweep.csv"
}

echo "| decoder | noise | d | nodes | mean latency ns (cycles) | p99 ns (cycles) | max ns (cycles) | growth rounds / shot | supersteps / shot | messages / shot | bytes / shot | logical errors: rate |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
status=0
for noise in code-capacity phenomenological; do
    for decoder in central distributed; do
        table "$decoder" "$noise" || status=1
    done
done
exit $status
