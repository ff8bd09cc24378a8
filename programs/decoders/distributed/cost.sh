#!/bin/sh
# Cycles per call of the distributed decoder's routines, measured on the binary
# (docs/decoders.md, "The distributed decoder", Cost): traces node 12 of 30 shots of
# the d = 5 phenomenological surface code (p = 0.01, 200 us rounds, so no shot waits
# for another) and prints, per routine, its calls and the fewest, mean and most cycles
# per call (from the call's first instruction to the one after its `ret`, waits
# included; 250 MHz: 4,000,000 fs a cycle), then ds_take's cycles by its triple count.
# Run from the repository root after `cargo build --release -p aether-cosim --bin aether`.
# Environment: AETHER (the binary), D (5), SHOTS (30), NODE (12).
set -e
AETHER=${AETHER:-target/release/aether}
DIR=programs/decoders/distributed
printf "%-20s %8s %8s %8s %8s\n" routine calls fewest mean most
"$AETHER" run "$DIR/surface_d5.toml" --set decoding.noise=\"phenomenological\" \
    --set decoding.distance="${D:-5}" --set decoding.p="${P:-0.01}" --set decoding.shots="${SHOTS:-30}" --set decoding.round_period=\"200us\" \
    --trace-node ${NODE:-12} 2>&1 >/dev/null | awk -v dir="$DIR" -v node="${NODE:-12}" -v period="${PERIOD_FS:-4000000}" '
BEGIN {
    cmd = "ls " dir "/*.s programs/lib/qec.s"
    while ((cmd | getline f) > 0) {
        n = split(f, parts, "/"); line = 0; cur = ""
        while ((getline l < f) > 0) {
            line++
            if (match(l, /^[A-Za-z_][A-Za-z0-9_]*:/)) cur = substr(l, 1, RLENGTH - 1)
            routine[parts[n] ":" line] = cur
        }
    }
    top = 0
}
$1 == "node" && $2 == node {
    t = $3; sub(/^t=/, "", t); sub(/fs$/, "", t); cyc = t / period
    n = split($5, p, "/"); split(p[n], q, ":"); r = routine[q[1] ":" q[2]]
    if (returned) {
        c = cyc - start[top]; x = name[top]; top--
        calls[x]++; sum[x] += c
        if (!(x in lo) || c < lo[x]) lo[x] = c
        if (c > hi[x]) hi[x] = c
        if (x == "ds_take") take[triples] = c
        returned = 0
    }
    if (called) { top++; name[top] = r; start[top] = cyc; called = 0 }
    if (prev == "recv" && r == "ds_take") {
        s = $0; sub(/^.*\[/, "", s); sub(/\].*$/, "", s); k = split(s, w, " ")
        triples = (w[k] - 3) / 3
    }
    if ($6 == "call" || $6 == "calli") called = 1
    if ($6 == "ret" && top > 0) returned = 1
    prev = $6
}
END {
    for (x in calls) printf "%-20s %8d %8d %8.1f %8d\n", x, calls[x], lo[x], sum[x] / calls[x], hi[x]
    for (c in take) printf "ds_take with c = %d: %d cycles\n", c, take[c]
}' | sort
