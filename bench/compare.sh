#!/usr/bin/env bash
# Runs the checked-in bench scenarios through the `aether` CLI of this tree and of an
# older commit, side by side in one hyperfine run each, and prints the speed-up ratios
# and the throughput of this tree (instructions, messages and engine events per second).
#
# Usage: bench/compare.sh [OLD_COMMIT] [SCENARIO.toml ...]
#   OLD_COMMIT  defaults to 3203ab3 (the tree issue 11 was measured on)
#   SCENARIO    defaults to every bench/scenarios/*.toml
# Environment: RUNS (hyperfine runs per command, default 5), OUT (results folder,
# default target/bench).
#
# The older commit is checked out with `git worktree` under /tmp/aether-bench-HASH and
# built there in release (kept for the next run). Each binary runs the scenarios from
# its own tree (bench/scenarios is copied into the old one), so each runs the firmware
# and libraries of its own commit.
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
old=${1:-3203ab3}
shift || true
old_hash=$(git -C "$root" rev-parse --short=10 "$old^{commit}")
old_dir=/tmp/aether-bench-$old_hash
runs=${RUNS:-5}
out=${OUT:-$root/target/bench}
mkdir -p "$out"

if [ "$#" -gt 0 ]; then
    scenarios=("$@")
else
    scenarios=("$root"/bench/scenarios/*.toml)
fi

if [ ! -d "$old_dir" ]; then
    git -C "$root" worktree add --detach "$old_dir" "$old_hash" >/dev/null
fi
rm -rf "$old_dir/bench"
cp -r "$root/bench" "$old_dir/bench"

echo "building $old_hash in $old_dir and this tree ($(git -C "$root" rev-parse --short=10 HEAD)) in release" >&2
(cd "$old_dir" && cargo build --release --quiet -p aether-cosim --bin aether)
(cd "$root" && cargo build --release --quiet -p aether-cosim --bin aether)
old_bin=$old_dir/target/release/aether
new_bin=$root/target/release/aether

printf '%-22s %10s %10s %8s %14s %14s %14s\n' scenario "old s" "new s" ratio "instr/s" "msgs/s" "events/s"
# Commits before per-node data (15b059f) run scenarios/before-node-data/NAME.toml instead
# of NAME.toml when there is one: the same workload for firmware that reads no node_data.
node_data=15b059f
for scenario in "${scenarios[@]}"; do
    rel=${scenario#"$root"/}
    name=$(basename "$scenario" .toml)
    old_rel=$rel
    legacy=bench/scenarios/before-node-data/$name.toml
    if ! git -C "$root" merge-base --is-ancestor "$node_data" "$old_hash" && [ -f "$root/$legacy" ]; then
        old_rel=$legacy
    fi
    hyperfine --style none --warmup 1 --runs "$runs" --shell=none \
        --export-json "$out/$name.json" --export-markdown "$out/$name.md" \
        --command-name "$old_hash" "$old_bin run $old_dir/$old_rel --json" \
        --command-name "this tree" "$new_bin run $root/$rel --json" >&2
    "$new_bin" run "$root/$rel" --json >"$out/$name.report.json" || true
    old_s=$(jq '.results[0].mean' "$out/$name.json")
    new_s=$(jq '.results[1].mean' "$out/$name.json")
    jq -r --arg name "$name" --argjson old "$old_s" --argjson new "$new_s" '
        ([.nodes[].instructions] | add) as $instr
        | ([.network.nodes[].sent] | add) as $msgs
        | "\($name) \($old) \($new) \($old / $new) \($instr / $new) \($msgs / $new) \(.events / $new)"' \
        "$out/$name.report.json" |
        awk '{ printf "%-22s %10.3f %10.3f %7.2fx %14.3e %14.3e %14.3e\n", $1, $2, $3, $4, $5, $6, $7 }'
done
