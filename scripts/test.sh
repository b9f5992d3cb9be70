#!/usr/bin/env bash
# The README's second command: set up what is missing, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Tests that need data files fail rather than skip without them (README.md, "Tests").
SASGSIM_REQUIRE_DATA=1 ctest --test-dir build --output-on-failure -j"$(nproc)"
