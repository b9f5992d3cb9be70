#!/usr/bin/env bash
# The paper's testbed profile against its Table III (ResNet-18, 10 workers, 1 Gbps, Gloo,
# rank 0 as server and worker 0, sequential receives): communication time per 100 iterations.
#
# 1. fit: SGD and Sparse with the profile's network but no per-message cost at 1 Gbps give the
#    network-only times N_sgd, N_sparse per iteration. Table III's T = N / beta + 9 c (nine
#    uploads cross the network; beta = bandwidth / 1 Gbps scales the wire time) gives
#    beta = (N_sgd - N_sparse) / (T_sgd - T_sparse) and c = (T_sparse - N_sparse / beta) / 9.
# 2. check: all four algorithms with the profile as committed, per 100 iterations, against
#    Table III; LASG and SASG are predictions from the skip rates of this run.
# Usage: bench/paper_testbed.sh [ITERATIONS]   (default 30; ResNet-18 on CPU, minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-30}
bin=${SASGSIM_BIN:-build/sasgsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scenario=bench/paper_testbed_resnet18.json

"$bin" run "$scenario" --quiet --only sgd,sparse --out "$tmp/fit" \
  --set train.iterations=5 --set train.eval_every=5 --set network.bandwidth=1Gbps \
  --set network.costs.receive_per_message=0s >/dev/null
"$bin" run "$scenario" --quiet --out "$tmp/check" \
  --set train.iterations="$iterations" --set train.eval_every="$iterations" >/dev/null

/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
import pandas as pd
root = sys.argv[1]
paper = {"sgd": 327.45, "sparse": 15.94, "lasg": 286.72, "sasg": 13.09}
def per_iteration(run, alg):
    it = pd.read_csv(f"{root}/{run}/{alg}/iterations.csv")
    return it["comm_time_s"].mean(), it["uploads"].mean()
n_sgd, _ = per_iteration("fit", "sgd")
n_sparse, _ = per_iteration("fit", "sparse")
t_sgd, t_sparse = paper["sgd"] / 100, paper["sparse"] / 100
beta = (n_sgd - n_sparse) / (t_sgd - t_sparse)
c = (t_sparse - n_sparse / beta) / 9
up = pd.read_csv(f"{root}/fit/sparse/uploads.csv")
print(f"network only at 1 Gbps, per iteration: sgd {n_sgd:.4f} s, sparse {n_sparse:.4f} s "
      f"(sparse upload {int(up['payload_bytes'].median())} bytes)")
print(f"fit: bandwidth = {beta:.4f} Gbps, receive_per_message = {c * 1e3:.3f} ms")
profile = json.load(open("scenarios/profiles/paper_testbed.json"))
print(f"profile as committed: bandwidth {profile['bandwidth']}, "
      f"receive_per_message {profile['costs']['receive_per_message']}")
print(f"{'algorithm':9} {'s/100 it':>9} {'paper':>8} {'error':>7} {'uploads/it':>10}")
for alg, ref in paper.items():
    t, uploads = per_iteration("check", alg)
    label = "" if alg in ("sgd", "sparse") else "  (prediction: this run's skip rate)"
    print(f"{alg:9} {100 * t:9.2f} {ref:8.2f} {100 * (100 * t - ref) / ref:+6.1f}% "
          f"{uploads:10.2f}{label}")
PY
