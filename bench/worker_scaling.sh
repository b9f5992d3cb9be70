#!/usr/bin/env bash
# SASG (or another algorithm) with many workers: milliseconds per iteration and peak memory, for
# the batched path (train.worker_gradients "batched") and the per-worker one, at each worker
# count. fc512 on MNIST, batch 10 (scenarios/quickstart.json), no evaluation until the end, the
# analytic network (the training side is what is measured here).
# Per iteration: the difference of two runs' host times (SHORT and LONG iterations) over the
# difference in iterations. Memory: the longer run's peak resident set (/usr/bin/time); its
# growth from the first worker count to the last, per added worker, is the memory per worker.
# Usage: bench/worker_scaling.sh [SHORT] [LONG] [WORKERS...]   (default 4 12 100 1000)
# Environment: SASGSIM_BIN (default build/sasgsim), ALGORITHM (default sasg),
# PATHS (default "batched per_worker").
set -euo pipefail
cd "$(dirname "$0")/.."
short=${1:-4}
long=${2:-12}
shift 2 2>/dev/null || shift $#
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000)
bin=${SASGSIM_BIN:-build/sasgsim}
algorithm=${ALGORITHM:-sasg}
paths=${PATHS:-batched per_worker}
[ -x "$bin" ] || { echo "$bin not found: run scripts/setup.sh first (or set SASGSIM_BIN)" >&2; exit 1; }
[ "$long" -gt "$short" ] || { echo "LONG ($long) must be larger than SHORT ($short)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # path workers iterations out_dir: prints the peak resident set in KiB
  /usr/bin/time -f %M -o "$4.rss" "$bin" run scenarios/quickstart.json --quiet --out "$4" \
    --only "$algorithm" --set train.epochs=null --set train.iterations="$3" \
    --set train.eval_every="$3" --set workers="$2" --set train.eval_samples=1000 \
    --set train.worker_gradients="$1" --set network='{"backend": "analytic"}' >/dev/null
  cat "$4.rss"
}
host_s() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["host_seconds"][sys.argv[2]])' "$1/manifest.json" "$algorithm"; }

echo "$algorithm, fc512 on MNIST, batch 10, iterations $short vs $long, $(nproc) cores"
printf "%-11s %8s %13s %13s\n" path workers ms/iteration peak_MiB
for path in $paths; do
  first_rss="" first_m=""
  for m in "${counts[@]}"; do
    run "$path" "$m" "$short" "$tmp/s" >/dev/null
    rss=$(run "$path" "$m" "$long" "$tmp/l")
    per=$(python3 -c "print(1000 * ($(host_s "$tmp/l") - $(host_s "$tmp/s")) / ($long - $short))")
    printf "%-11s %8d %13.1f %13.1f\n" "$path" "$m" "$per" "$(python3 -c "print($rss / 1024)")"
    if [ -z "$first_rss" ]; then first_rss=$rss first_m=$m; fi
    last_rss=$rss last_m=$m
  done
  if [ "$last_m" != "$first_m" ]; then
    python3 -c "print('%-11s memory per worker: %.2f MiB (peak growth from %d to %d workers)' % ('$path', ($last_rss - $first_rss) / 1024 / ($last_m - $first_m), $first_m, $last_m))"
  fi
done
