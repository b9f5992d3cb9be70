#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer: builds every
# target with -fsanitize=address,undefined (CMake option SASGSIM_SANITIZE) in build-asan/ and
# runs ctest there. Any sanitizer report fails the test that caused it. Needs what
# scripts/setup.sh installs (run it first on a fresh machine). Durations: bench/RESULTS.md.
# Usage: scripts/sanitize.sh [ctest arguments, e.g. -R Checkpoint]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSASGSIM_SANITIZE=ON >&2
cmake --build "$build" -j"$(nproc)" >&2
# LeakSanitizer is on (the default); reports name only sasgsim's own frames or are suppressed
# in tests/support/sanitizers.supp for the libraries (none so far). abort_on_error makes a
# report fail its test; halt_on_error stops at the first one.
export ASAN_OPTIONS="abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
SASGSIM_REQUIRE_DATA=1 ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
