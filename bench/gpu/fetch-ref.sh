#!/usr/bin/env bash
# fetch-ref.sh - brings the PyTorch reference (github.com/SamsungSAILMontreal/TinyRecursiveModels)
# into bench/gpu/ref/TinyRecursiveModels (git-ignored, never committed), model code only, for
# check.sh's torch-ref step: copy it into the bundle (ref/TinyRecursiveModels) or pass --ref.
#
# usage: bench/gpu/fetch-ref.sh [SOURCE]   SOURCE: a git URL or a local clone (default: the GitHub URL)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-https://github.com/SamsungSAILMontreal/TinyRecursiveModels}
dst=$here/ref/TinyRecursiveModels
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --depth 1 "$src" "$tmp/repo"
rm -rf "$dst"
mkdir -p "$dst"
cp -r "$tmp/repo/models" "$tmp/repo/LICENSE" "$tmp/repo/README.md" "$dst/"
echo "$(git -C "$tmp/repo" rev-parse HEAD) $src" > "$dst/SOURCE"
echo "fetch-ref: $dst ($(du -sh "$dst" | cut -f1), commit $(cut -c1-12 "$dst/SOURCE"))"
