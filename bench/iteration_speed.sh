#!/usr/bin/env bash
# Milliseconds per training iteration (and iterations per second) for each algorithm of a
# scenario, by default scenarios/quickstart.json (fc512 on MNIST, 10 workers, batch 10).
#
# Each algorithm runs twice, for SHORT and LONG iterations, with evaluation only at the end;
# the per-iteration cost is the difference of the two host times divided by the difference
# in iterations, so model construction, data loading and the final evaluation cancel out.
# Usage: bench/iteration_speed.sh [SHORT] [LONG] [extra sasgsim run arguments, e.g. --set ...]
# Environment: SASGSIM_BIN (default build/sasgsim), SCENARIO (default scenarios/quickstart.json),
# LABEL (the heading; default: the scenario's model, data and workers).
set -euo pipefail
cd "$(dirname "$0")/.."
short=${1:-200}
long=${2:-1200}
shift 2 2>/dev/null || shift $#
bin=${SASGSIM_BIN:-build/sasgsim}
scenario=${SCENARIO:-scenarios/quickstart.json}
[ -x "$bin" ] || { echo "$bin not found: run scripts/setup.sh first (or set SASGSIM_BIN)" >&2; exit 1; }
[ "$long" -gt "$short" ] || { echo "LONG ($long) must be larger than SHORT ($short)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # iterations out_dir [extra arguments]
  local n=$1 out=$2
  shift 2
  "$bin" run "$scenario" --quiet --out "$out" --set train.epochs=null \
    --set train.iterations="$n" --set train.eval_every="$n" "$@" >/dev/null
}
field() {  # manifest.json python-expression-on-m
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

run "$short" "$tmp/short" "$@"
run "$long" "$tmp/long" "$@"
manifest="$tmp/long/manifest.json"
if [ -n "${LABEL:-}" ]; then
  echo "$LABEL"
else
  field "$manifest" '"%s on %s, %d workers, batch %d" % (m["scenario"]["model"], m["scenario"]["data"]["dataset"], m["scenario"]["workers"], m["scenario"]["data"]["batch_size"])'
fi
echo "$(field "$manifest" '"device %s, libtorch %s, threads %d" % (m["device"], m["versions"]["libtorch"], m["threads"])'), iterations $short vs $long, $(nproc) cores"
printf "%-8s %12s %14s\n" algorithm ms/iteration iterations/s
for alg in $(field "$manifest" '" ".join(m["algorithms"])'); do
  python3 - "$tmp/short/manifest.json" "$manifest" "$alg" "$short" "$long" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["host_seconds"][sys.argv[3]]
b = json.load(open(sys.argv[2]))["host_seconds"][sys.argv[3]]
per = (b - a) / (int(sys.argv[5]) - int(sys.argv[4]))
print("%-8s %12.2f %14.1f" % (sys.argv[3], 1000 * per, 1 / per if per > 0 else float("inf")))
PY
done
