#!/usr/bin/env bash
# Milliseconds per training iteration for each algorithm: fc512 on MNIST, 10 workers, batch 10
# (scenarios/quickstart.json), on this machine's CPU.
#
# Each algorithm runs twice, for SHORT and LONG iterations, with evaluation only at the end;
# the per-iteration cost is the difference of the two host times divided by the difference
# in iterations, so model construction, data loading and the final evaluation cancel out.
# Usage: bench/iteration_speed.sh [SHORT] [LONG] [extra --set arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
short=${1:-200}
long=${2:-1200}
shift 2 2>/dev/null || shift $#
bin=build/sasgsim
[ -x "$bin" ] || { echo "build/sasgsim not found: run scripts/setup.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # iterations out_dir [extra arguments]
  local n=$1 out=$2
  shift 2
  "$bin" run scenarios/quickstart.json --quiet --out "$out" \
    --set train.iterations="$n" --set train.eval_every="$n" "$@" >/dev/null
}
host_seconds() {  # out_dir algorithm
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]+"/manifest.json"))["host_seconds"][sys.argv[2]])' "$1" "$2"
}

run "$short" "$tmp/short" "$@"
run "$long" "$tmp/long" "$@"
threads=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["threads"])' "$tmp/long/manifest.json")
echo "fc512 MNIST, 10 workers, batch 10, threads=$threads, $(nproc) cores, iterations $short vs $long"
printf "%-8s %12s\n" algorithm ms/iteration
for alg in sgd sparse lasg sasg; do
  a=$(host_seconds "$tmp/short" "$alg")
  b=$(host_seconds "$tmp/long" "$alg")
  /usr/bin/python3 -c "import sys; print('%-8s %12.2f' % (sys.argv[1], 1000*(float(sys.argv[3])-float(sys.argv[2]))/(int(sys.argv[5])-int(sys.argv[4]))))" "$alg" "$a" "$b" "$short" "$long"
done
