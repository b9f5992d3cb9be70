#!/usr/bin/env bash
# GPU benchmark in one command, on a machine with an NVIDIA GPU, PyTorch (for its CUDA
# LibTorch), CMake and a C++17 compiler, and no package registry (docs/gpu.md):
#   1. unpacks the Debian packages in DEPS/debs (ns-3, fmt, nlohmann/json, CLI11; made by
#      scripts/gpu_bundle.sh) into build-gpu/prefix, unless those libraries are installed;
#   2. builds build-gpu/sasgsim against the CUDA LibTorch of python3's torch package (or the
#      LibTorch whose CMake prefix is in TORCH_PREFIX);
#   3. prints iterations per second of each algorithm (bench/iteration_speed.sh: SHORT vs LONG
#      iterations, evaluation only at the end) for ResNet-18 on synthetic CIFAR-shaped data,
#      ResNet-18 on Fashion-MNIST (DEPS/fashion-mnist) and fc512 on MNIST (DEPS/mnist), all with
#      10 workers, batch 10, device cuda.
# Usage: bench/gpu.sh [DEPS]   (DEPS defaults to .gpu; environment: TORCH_PREFIX, DEVICE=cuda,
#        RESNET_ITERATIONS="20 120", FC_ITERATIONS="200 2200", SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(realpath -m "${1:-.gpu}")
device=${DEVICE:-cuda}
read -r resnet_short resnet_long <<<"${RESNET_ITERATIONS:-20 120}"
read -r fc_short fc_long <<<"${FC_ITERATIONS:-200 2200}"
build=build-gpu
prefix=$PWD/$build/prefix
prefixes=()

unpack_deb() {  # file.deb directory
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb -x "$1" "$2"
  else  # a .deb is an ar archive holding data.tar.xz (or .zst, .gz)
    local member filter
    member=$(ar t "$1" | grep '^data\.tar')
    case "$member" in
      *.xz) filter=-J ;; *.zst) filter=--zstd ;; *.gz) filter=-z ;; *) filter= ;;
    esac
    ar p "$1" "$member" | tar -x $filter -C "$2" -f -
  fi
}

if [ -z "${SKIP_BUILD:-}" ]; then
  if compgen -G "$deps/debs/*.deb" >/dev/null; then
    echo "gpu: unpacking $(ls "$deps"/debs/*.deb | wc -l) packages from $deps/debs into $prefix" >&2
    mkdir -p "$prefix"
    for f in "$deps"/debs/*.deb; do unpack_deb "$f" "$prefix"; done
    # ns-3's exported targets name include directories of the machine it was built on.
    sed -i -e 's#;/usr/include/libxml2##g' -e 's#;/usr/include/python3\.[0-9]*##g' \
      "$prefix"/usr/lib/x86_64-linux-gnu/cmake/ns3/ns3Targets.cmake
    prefixes+=("$prefix/usr")
  fi
  torch_prefix=${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
  prefixes=("${prefixes[@]}" "$torch_prefix")  # the unpacked packages first
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSASGSIM_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$(IFS=';'; echo "${prefixes[*]}")" >&2
  cmake --build "$build" --target sasgsim -j"$(nproc)" >&2
fi
[ -d "$prefix/usr/lib/x86_64-linux-gnu" ] &&
  export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SASGSIM_BIN=$PWD/$build/sasgsim
"$SASGSIM_BIN" --version
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

common=(--set device="$device" --set train.eval_samples=1000)
workload() {  # label scenario short long [data directory]
  echo
  if [ -n "${5:-}" ] && [ ! -d "$5" ]; then
    echo "skipped $1: no $5 (docs/gpu.md)"
    return
  fi
  SCENARIO=$2 LABEL=$1 bench/iteration_speed.sh "$3" "$4" "${common[@]}" ${5:+--set data.path="$5"}
}
workload "ResNet-18, synthetic 3x32x32 data, 10 workers, batch 10" bench/gpu_resnet18_synthetic.json \
  "$resnet_short" "$resnet_long"
workload "ResNet-18, Fashion-MNIST, 10 workers, batch 10" scenarios/paper/fmnist_resnet18.json \
  "$resnet_short" "$resnet_long" "$deps/fashion-mnist"
workload "fc512, MNIST, 10 workers, batch 10" scenarios/paper/mnist_fc.json \
  "$fc_short" "$fc_long" "$deps/mnist"
