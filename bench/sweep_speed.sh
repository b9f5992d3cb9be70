#!/usr/bin/env bash
# Cost of a bandwidth sweep against one run: scenarios/sweep_bandwidth.json (the quickstart at
# 5 bandwidths, all four algorithms) with `sasgsim sweep`, against `sasgsim run` of its first
# point alone. Points that differ only in the network share one training run and replay its
# uploads, so the sweep should cost about one run plus 5 replays.
# Usage: bench/sweep_speed.sh [extra --set arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/sasgsim
[ -x "$bin" ] || { echo "build/sasgsim not found: run scripts/setup.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
t0=$(now)
"$bin" run scenarios/sweep_bandwidth.json --quiet --set sweep=null --out "$tmp/one" "$@" >/dev/null
t1=$(now)
"$bin" sweep scenarios/sweep_bandwidth.json --quiet --no-plots --out "$tmp/sweep" "$@" >/dev/null
t2=$(now)
/usr/bin/python3 - "$t0" "$t1" "$t2" "$tmp/sweep" <<'PY'
import json, sys
t0, t1, t2 = map(float, sys.argv[1:4])
plan = json.load(open(sys.argv[4] + "/sweep.json"))
points = len(plan["points"]); trained = sum(p["trained"] for p in plan["points"])
one, sweep = t1 - t0, t2 - t1
print(f"one point (sasgsim run):          {one:7.1f} s")
print(f"{points} points (sasgsim sweep):       {sweep:7.1f} s  ({trained} training run, {points - trained} replays)")
print(f"sweep / one point:                {sweep / one:7.2f}  (target < 1.5)")
PY
