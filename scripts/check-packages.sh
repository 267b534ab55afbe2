#!/usr/bin/env bash
# Packs every package and lints each tarball as it would be published: publint (package.json,
# exports, files) and Are the Types Wrong (types resolve like the JavaScript; ESM only, so the
# esm-only profile). Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
scripts/pack.sh "$dir" >/dev/null
status=0
for tarball in "$dir"/*.tgz; do
  echo "── $(basename "$tarball")"
  out="$(pnpm exec publint run "$tarball" --strict 2>&1)" || status=1
  # publint prints "All good!" when it has nothing to say; anything else is a finding.
  grep -q 'All good' <<<"$out" || { echo "$out"; status=1; }
  pnpm exec attw "$tarball" --profile esm-only --format ascii --no-summary --no-emoji || status=1
done
exit "$status"
