#!/usr/bin/env bash
# Called by api-service's Maven build (generate-resources): builds the viewer into $1 (the API's static/viewer) when
# npm is there; without npm, or when npm cannot install the pinned packages (offline), the API is built without
# the viewer and its share pages say so. FORGE3D_VIEWER_REQUIRED=1 turns both into a build failure.
# Before that, the TypeScript types the viewer is checked against (web/api-types, generated from openapi.yaml by
# openapi-typescript) must be those openapi.yaml gives: stale types fail the build whenever the generator is there.
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
fresh() { [ -f "$1/node_modules/.package-lock.json" ] && [ ! "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; }
if ! fresh ../api-types; then
  npm ci --prefix ../api-types --no-audit --no-fund --loglevel=error || skip "npm ci of web/api-types failed"
fi
if ! npm --prefix ../api-types run --silent check; then
  echo "viewer: web/api-types/openapi.d.ts is stale: openapi.yaml changed; run 'npm --prefix web/api-types run generate' and commit it" >&2
  exit 1
fi
if ! fresh .; then
  npm ci --no-audit --no-fund --loglevel=error || skip "npm ci failed"
fi
# A type error is the code's fault, not the machine's: it fails the build.
if ! npm run --silent typecheck; then
  echo "viewer: the type check failed (tsc -p web/viewer/tsconfig.json)" >&2
  exit 1
fi
node build.mjs "--outdir=$out" || skip "the viewer build failed"
