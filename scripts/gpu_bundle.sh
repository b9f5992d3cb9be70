#!/usr/bin/env bash
# Collects, on a Debian 12 machine with a package registry, what a GPU machine without one
# needs to build and benchmark sasgsim (docs/gpu.md): the Debian packages of ns-3 and its
# libraries, fmt, nlohmann/json and CLI11 (DIR/debs), MNIST (DIR/mnist, gzipped) and
# Fashion-MNIST (DIR/fashion-mnist). About 54 MB. Usage: scripts/gpu_bundle.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.gpu}
packages=(ns3 libns3.37 libns3-dev libgsl27 libgslcblas0 libsqlite3-0 libfmt9 libfmt-dev
          nlohmann-json3-dev libcli11-dev)
mkdir -p "$dir/debs" "$dir/mnist" "$dir/fashion-mnist"
(cd "$dir/debs" && apt-get download "${packages[@]}")
scripts/fetch_mnist.sh
for f in data/mnist/*-ubyte; do gzip -9 -c "$f" >"$dir/mnist/$(basename "$f").gz"; done
fm=/usr/share/datasets/fashion-mnist
if [ ! -d "$fm" ]; then
  echo "gpu_bundle: $fm missing: apt-get install dataset-fashion-mnist" >&2
  exit 1
fi
cp "$fm"/*-ubyte.gz "$dir/fashion-mnist/"
du -sh "$dir"
echo "gpu_bundle: copy $dir to the GPU machine's checkout, then run bench/gpu.sh $dir" >&2
