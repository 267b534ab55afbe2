#!/usr/bin/env bash
# Packs every publishable package as it would be published: each builds itself first (prepack),
# pnpm rewrites workspace:* to versions and applies publishConfig. One .tgz per package in the
# given directory, by default .cache/tarballs. Prints the directory. Used by `pnpm check:packages`
# and the consumer test.
#   scripts/pack.sh [destination]
set -euo pipefail
cd "$(dirname "$0")/.."
dest="$(realpath -m "${1:-.cache/tarballs}")"
rm -rf "$dest"
mkdir -p "$dest"
pnpm -r --filter './packages/**' pack --pack-destination "$dest" >&2
echo "$dest"
