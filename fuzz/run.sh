#!/usr/bin/env bash
# Builds a fuzz target with libFuzzer's coverage instrumentation on stable Rust (what
# `cargo fuzz build --sanitizer none` does, without needing nightly or cargo-fuzz) and
# runs it for SECONDS, on the checked-in seeds and the corpus it grows in corpus/TARGET.
# Crashing inputs land in artifacts/TARGET/. Extra arguments go to libFuzzer.
#   fuzz/run.sh scenario 1800
#   fuzz/run.sh run_images 1800 -jobs=1
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [libFuzzer flags]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
triple=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo build --release --target "$triple" --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target" "seeds/$target"
exec "target/$triple/release/$target" -max_total_time="$seconds" -max_len=8192 \
  -artifact_prefix="artifacts/$target/" "$@" "corpus/$target" "seeds/$target"
