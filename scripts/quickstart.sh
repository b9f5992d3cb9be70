#!/usr/bin/env bash
# The README's first command: set everything up, then run the quickstart scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/sasgsim run scenarios/quickstart.json "$@"
