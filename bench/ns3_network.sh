#!/usr/bin/env bash
# Cost of the ns-3 network backend on the paper's MNIST scenario (scenarios/paper/mnist_fc.json:
# fc512, 10 workers, 1 Gbps, 0.1 ms, sequential uploads), for each fidelity mode.
#
# Runs ITERATIONS iterations (default 1000) of the chosen algorithms (default all four) once
# with network.fidelity=memo and once with exact, evaluation only at the end, and prints per
# algorithm: the run's wall time, the part spent in the network backend (timed around every
# transfer), that part per 1,000 iterations, what it adds to the training's own wall time,
# and in exact mode simulated seconds and packets per wall second of the network part.
# Usage: bench/ns3_network.sh [ITERATIONS] [ALGORITHMS] [extra --set arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-1000}
algorithms=${2:-sgd,sparse,lasg,sasg}
shift 2 2>/dev/null || shift $#
bin=build/sasgsim
[ -x "$bin" ] || { echo "build/sasgsim not found: run scripts/setup.sh first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for fidelity in memo exact; do
  "$bin" run scenarios/paper/mnist_fc.json --quiet --only "$algorithms" --out "$tmp/$fidelity" \
    --set train.epochs=null --set train.iterations="$iterations" \
    --set train.eval_every="$iterations" \
    --set network.fidelity="$fidelity" "$@" >/dev/null
done

/usr/bin/python3 - "$tmp" "$iterations" "$algorithms" <<'PY'
import json, sys
root, iterations, algorithms = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
print(f"paper MNIST scenario, {iterations} iterations, 10 workers, 1 Gbps, 0.1 ms, sequential")
print(f"{'mode':6} {'algorithm':9} {'run_s':>8} {'network_s':>10} {'net_s/1000it':>12} "
      f"{'adds_to_training':>16} {'sim_s/wall_s':>12} {'packets/wall_s':>14} {'comm_time_s':>12}")
for fidelity in ("memo", "exact"):
    manifest = json.load(open(f"{root}/{fidelity}/manifest.json"))
    for alg in algorithms:
        summary = json.load(open(f"{root}/{fidelity}/{alg}/summary.json"))
        run_s = manifest["host_seconds"][alg]
        net_s = manifest["network_host_seconds"][alg]
        training_s = run_s - net_s
        net = summary["network"]
        sim_rate = f"{net['simulated_s'] / net_s:12.3f}" if fidelity == "exact" else f"{'-':>12}"
        pkt_rate = f"{net['packets_simulated'] / net_s:14.0f}" if fidelity == "exact" else f"{'-':>14}"
        print(f"{fidelity:6} {alg:9} {run_s:8.2f} {net_s:10.3f} {net_s * 1000 / iterations:12.3f} "
              f"{100 * net_s / training_s:15.2f}% {sim_rate} {pkt_rate} {summary['comm_time_s']:12.4f}")
PY
