#!/bin/bash
# The validation benchmark, all of it (as root): real Linux TCP in network namespaces, the
# same patterns through sasgsim's ns-3 backend, then docs/validation.md.
#   bench/validation/run.sh [real_tcp.py run options, e.g. --only "rate_bps==1e8"]
# Needs build/bench/ns3_transfer (waits for it), ip, tc, ethtool, ping, python3-pandas.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 1; }
for tool in ip tc ethtool ping; do
  command -v $tool >/dev/null || { echo "run.sh: $tool missing (apt-get install iproute2 ethtool iputils-ping)" >&2; exit 1; }
done
cleanup() { $py "$here/real_tcp.py" cleanup || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$here/data"
start=$(date +%s)
$py "$here/real_tcp.py" run --out "$here/data/real.csv" "$@"
cleanup
rm -f "$here"/data/simulated*.csv
$py "$here/simulated.py" --real "$here/data/real.csv" --out "$here/data/simulated.csv" --jobs 2
$py "$here/report.py" --data "$here/data" --duration-s $(( $(date +%s) - start ))
