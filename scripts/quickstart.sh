#!/usr/bin/env bash
# The README's first command: set everything up, run the quickstart scenario, draw its plots.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/sasgsim run scenarios/quickstart.json "$@"
out=results/quickstart
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = "--out" ] && { j=$((i + 1)); out=${!j}; }
done
echo "plots:"
build/sasgsim plot "$out"
