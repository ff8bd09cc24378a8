#!/usr/bin/env bash
# Checks that this tree's `aether` gives the same `--json` report as an older commit's for
# every bundled scenario (programs/examples, programs/decoders and bench/scenarios), except
# the engine's event count, which speed work may change. Prints each scenario's event
# counts (old -> new) and exits 1 if any report differs.
#
# Usage: bench/same_reports.sh OLD_COMMIT
#   OLD_COMMIT is built as bench/compare.sh does, in /tmp/aether-bench-HASH (shared with it);
#   OLD_BIN=path/to/aether uses an already built binary instead. Both binaries run this
#   tree's scenario files, so pick a commit whose firmware gives the same reports (the one
#   before a speed change, not one from before firmware changes).
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
old=${1:?usage: bench/same_reports.sh OLD_COMMIT}
old_bin=${OLD_BIN:-}
if [ -z "$old_bin" ]; then
    old_hash=$(git -C "$root" rev-parse --short=10 "$old^{commit}")
    old_dir=/tmp/aether-bench-$old_hash
    if [ ! -d "$old_dir" ]; then
        git -C "$root" worktree add --detach "$old_dir" "$old_hash" >/dev/null
    fi
    echo "building $old_hash in $old_dir in release" >&2
    (cd "$old_dir" && cargo build --release --quiet -p aether-cosim --bin aether)
    old_bin=$old_dir/target/release/aether
fi
echo "building this tree in release" >&2
(cd "$root" && cargo build --release --quiet -p aether-cosim --bin aether)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
cd "$root"
for scenario in programs/examples/*/*.toml programs/decoders/*/*.toml bench/scenarios/*.toml; do
    for side in old new; do
        bin=$root/target/release/aether
        [ "$side" = old ] && bin=$old_bin
        code=0
        "$bin" run "$scenario" --json >"$scratch/$side.json" 2>/dev/null || code=$?
        echo "exit $code" >"$scratch/$side.txt"
        jq -S 'del(.events)' "$scratch/$side.json" >>"$scratch/$side.txt"
        jq '.events' "$scratch/$side.json" >"$scratch/$side.events"
    done
    if cmp -s "$scratch/old.txt" "$scratch/new.txt"; then
        echo "same    $scenario (events $(cat "$scratch/old.events") -> $(cat "$scratch/new.events"))"
    else
        echo "DIFFERS $scenario"
        diff "$scratch/old.txt" "$scratch/new.txt" | head -20 || true
        status=1
    fi
done
exit $status
