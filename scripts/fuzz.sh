#!/usr/bin/env bash
# Fuzzes the scenario parser and the --set overrides with libFuzzer (tests/fuzz/fuzz_scenario):
# configures a clang build with ASan and UBSan in build-fuzz/ (-DSASGSIM_FUZZ=ON), builds the
# harness and its dictionary, makes a seed corpus of the shipped scenarios and the --set
# examples of README.md and scenarios/README.md, and runs RUNS executions.
#
# Usage: scripts/fuzz.sh [RUNS]          (default 1000000)
# Environment:
#   BUILD_DIR       the build directory (build-fuzz)
#   MAX_TOTAL_TIME  seconds after which libFuzzer stops whatever RUNS says (14400)
#   TIMEOUT         seconds one input may take before it counts as a hang (10)
#   RSS_LIMIT_MB    memory above which libFuzzer stops with an out-of-memory report (2048)
#   JOBS            build parallelism (2)
# Needs clang-14 and libclang-rt-14-dev (libFuzzer), besides what the project needs.
#
# The corpus libFuzzer grows stays in BUILD_DIR/fuzz/corpus between runs; an input that crashes,
# leaks or hangs is written to BUILD_DIR/fuzz/artifacts/ and reproduces with
#   BUILD_DIR/tests/fuzz/fuzz_scenario FILE
# Exit status: 0 when every execution passed, libFuzzer's (non-zero) when it found something.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-1000000}
build=${BUILD_DIR:-build-fuzz}
work=$build/fuzz

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSASGSIM_FUZZ=ON -DSASGSIM_BUILD_TESTS=OFF
fi
# Every target of this build is instrumented; only the two fuzz targets are built.
cmake --build "$build" --target fuzz_scenario fuzz_dictionary -j"${JOBS:-2}"

mkdir -p "$work/corpus" "$work/artifacts"
"$build/tests/fuzz/fuzz_dictionary" > "$work/scenario.dict"

# Seeds: each shipped scenario as a file; each --set example of the READMEs alone (an empty
# scenario part stands for scenarios/quickstart.json) and all of them on the quickstart. An
# input is the scenario's text, then one NUL byte before each assignment (fuzz_scenario.cpp).
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
n=0
while IFS= read -r file; do
  cp "$file" "$seeds/scenario-$((n += 1))"
done < <(find scenarios -name '*.json' | sort)
mapfile -t sets < <(grep -ohE -- "--set '?[A-Za-z0-9_.]+(\[[0-9]+\])?[A-Za-z0-9_.]*=[^ \`']*" \
  README.md scenarios/README.md | sed -E "s/^--set '?//" | sort -u)
n=0
for assignment in "${sets[@]}"; do
  printf '\0%s' "$assignment" > "$seeds/set-$((n += 1))"
done
{ cat scenarios/quickstart.json; printf '\0%s' "${sets[@]}"; } > "$seeds/quickstart-all-sets"
echo "seed corpus: $(ls "$seeds" | wc -l) inputs (${#sets[@]} --set examples)"

log=$work/fuzz.log
echo "fuzzing: $runs executions; log in $log"
set +e
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/tests/fuzz/fuzz_scenario" -runs="$runs" -max_total_time="${MAX_TOTAL_TIME:-14400}" \
  -timeout="${TIMEOUT:-10}" -rss_limit_mb="${RSS_LIMIT_MB:-2048}" -dict="$work/scenario.dict" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" "$seeds" 2>&1 \
  | tee "$log" | grep -E '^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|^Done|ERROR|WARNING|SUMMARY|==[0-9]+=='
status=${PIPESTATUS[0]}
set -e

grep -E '^#[0-9]+' "$log" | tail -1
grep -E '^stat::' "$log" || true
echo "corpus: $(ls "$work/corpus" | wc -l) inputs in $work/corpus"
if [[ $status -ne 0 ]]; then
  echo "libFuzzer stopped with status $status: see $log and $work/artifacts/" >&2
fi
exit "$status"
