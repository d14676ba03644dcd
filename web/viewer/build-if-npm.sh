#!/usr/bin/env bash
# Called by api-service's Maven build (generate-resources): builds the viewer into $1 (the API's static/viewer) when
# npm is there; without npm, or when npm cannot install the pinned packages (offline), the API is built without
# the viewer and its share pages say so. FORGE3D_VIEWER_REQUIRED=1 turns both into a build failure.
set -uo pipefail
cd "$(dirname "$0")"
out="$1"
required="${FORGE3D_VIEWER_REQUIRED:-0}"
skip() {
  echo "viewer: $1; api-service is built without the viewer bundle (share pages say so)" >&2
  [ "$required" = 1 ] && exit 1
  exit 0
}
command -v npm >/dev/null 2>&1 || skip "npm not found"
# npm ci only when the installed tree is not the locked one (it deletes node_modules first).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || skip "npm ci failed"
fi
npm run --silent build -- "--outdir=$out" || skip "the viewer build failed"
