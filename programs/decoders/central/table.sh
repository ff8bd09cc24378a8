#!/bin/sh
# The centralised decoder's cost table in docs/decoders.md ("The centralised
# decoder", "Cost"): surface_d5.toml run once per (noise, d, round period),
# d = 3, 5, 7, 9, 11, code capacity p = 0.05 and phenomenological p = 0.01
# with rounds = d, 250 MHz nodes, the lattice network of 10 Gbit/s links.
# Run from the repository root after
#   cargo build --release -p aether-cosim --bin aether
# as
#   sh programs/decoders/central/table.sh
# Needs /usr/bin/time (GNU) and jq. Environment: AETHER (the binary,
# target/release/aether), SHOTS (1000), OUT (target/central-table: one
# .json, .time and .err per cell), CELLS (a subset, e.g. "cc:3 ph:11").
# Prints one markdown row per cell; wall time and RSS vary with the machine,
# every other column is deterministic.
set -eu
BIN=${AETHER:-target/release/aether}
SHOTS=${SHOTS:-1000}
OUT=${OUT:-target/central-table}
CELLS=${CELLS:-"cc:3 cc:5 cc:7 cc:9 cc:11 ph:3 ph:5 ph:7 ph:9 ph:11"}
SCENARIO=programs/decoders/central/surface_d5.toml
mkdir -p "$OUT"

# The round period at which no shot waits behind another: a shot lasts
# L = 2 (code capacity) or d + 1 (phenomenological) round periods.
idle_period() {
    case $1 in
        cc) echo 500us ;;
        ph) echo 200us ;;
    esac
}

# cell NOISE_TAG D PERIOD: one run and its markdown row.
cell() {
    case $1 in
        cc) noise=code-capacity p=0.05 ;;
        ph) noise=phenomenological p=0.01 ;;
    esac
    tag=$1-d$2-$3
    rc=0
    /usr/bin/time -v -o "$OUT/$tag.time" "$BIN" run "$SCENARIO" --json \
        --set decoding.noise="$noise" --set decoding.p="$p" \
        --set decoding.distance="$2" --set decoding.shots="$SHOTS" \
        --set decoding.round_period="$3" \
        --set network.inbox_capacity=1000000 \
        >"$OUT/$tag.json" 2>"$OUT/$tag.err" || rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + t[i]
        print s }' "$OUT/$tag.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$OUT/$tag.time")
    if ! jq -e .decoding "$OUT/$tag.json" >/dev/null 2>&1; then
        echo "| $noise $p | $2 | | | $3 | failed (exit $rc): $(head -c 200 "$OUT/$tag.err" | tr '\n' ' ') |"
        return
    fi
    jq -r --arg period "$3" --arg wall "$wall" --arg rss "$rss" --arg rc "$rc" \
        --arg noise "$noise" --arg p "$p" --arg d "$2" '
        def r(n): (n * 10 | round) / 10;
        def c(n): n | round | tostring;
        .decoding as $q | ($q.latency) as $l |
        ([.nodes[].instructions] | add) as $ins |
        ($wall | tonumber) as $w |
        "| \($noise) \($p) | \($d) | \($q.nodes) | \($q.layers) | \($period) | "
        + "\(r($l.mean_ns)) (\(c($l.mean_cycles))) | \(r($l.p99_ns)) (\($l.p99_cycles)) | "
        + "\($q.backlog.late_shots) / \($q.backlog.max_waiting) | "
        + "\(r($q.messages_per_shot)) | \(r($q.bytes_per_shot)) | "
        + "\($q.logical_errors) / \($q.decoded): \($q.logical_error_rate * 10000 | round / 10000) "
        + "[\($q.low * 10000 | round / 10000), \($q.high * 10000 | round / 10000)] | "
        + "\(if $w > 0 then ($ins / $w / 1e6 * 10 | round / 10) else "-" end) M | "
        + "\($w * 1000 / $q.shots * 100 | round / 100) s | \(($rss | tonumber) / 1024 | round) MiB | "
        + "\(if $rc == "0" then "ok" else "exit \($rc): \($q.failures | join("; "))" end) |"
        ' "$OUT/$tag.json"
}

echo "| noise, p | d | nodes | layers | round period | mean latency ns (cycles) | p99 latency ns (cycles) | late shots / max waiting | messages / shot | bytes / shot | logical errors / shots: rate [95 %] | simulated instr / s | wall / 1,000 shots | max RSS | run |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for period in 1us idle; do
    for c in $CELLS; do
        n=${c%%:*} d=${c#*:}
        if [ "$period" = idle ]; then pr=$(idle_period "$n" "$d"); else pr=$period; fi
        cell "$n" "$d" "$pr"
    done
done
