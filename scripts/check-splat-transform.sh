#!/usr/bin/env bash
# Checks that PlayCanvas splat-transform (an independent reader of the Inria 3DGS PLY layout and of SPZ) reads our
# output: it must convert it to CSV with one row per Gaussian and the columns we wrote, and convert it back to PLY
# with the same count. For an SPZ, pass the PLY of the same scene as well: the counts must agree.
# Uses the version pinned in scripts/gltf/package-lock.json when installed (npm ci --prefix scripts/gltf), else npx.
#   scripts/check-splat-transform.sh out/point_cloud.ply
#   scripts/check-splat-transform.sh out/scene.spz out/scene.ply
set -euo pipefail
IN="${1:?usage: $0 PATH/point_cloud.ply | PATH/scene.spz [PATH/scene.ply]}"
[ -f "$IN" ] || { echo "no such file: $IN" >&2; exit 1; }
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ -x "$HERE/gltf/node_modules/.bin/splat-transform" ]; then
  st() { node "$HERE/gltf/node_modules/.bin/splat-transform" "$@"; }
else
  version=$(node -e "console.log(require('$HERE/gltf/package.json').dependencies['@playcanvas/splat-transform'])")
  st() { npx -y "@playcanvas/splat-transform@$version" "$@"; }
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ply_count() { head -c 4096 "$1" | tr -d '\r' | awk '/^element vertex/ {print $3; exit}'; }
case "$IN" in
  *.spz)
    # SPZ v2/v3: gzip around a 16-byte header whose bytes 8..11 are the count (little endian)
    # (gzip dies of SIGPIPE once head has its 12 bytes; that is not a failure)
    expected=$({ gzip -dc "$IN" 2>/dev/null || true; } | head -c 12 | od -An -tu4 -j8 | tr -d ' ')
    if [ -n "${2:-}" ]; then
      plyn=$(ply_count "$2")
      [ "$expected" = "$plyn" ] || { echo "FAIL: SPZ header says $expected Gaussians, the PLY $plyn" >&2; exit 1; }
    fi ;;
  *) expected=$(ply_count "$IN") ;;
esac
st -q -w "$IN" "$TMP/out.csv"
rows=$(($(wc -l < "$TMP/out.csv") - 1))
header=$(head -1 "$TMP/out.csv")
echo "splat-transform read $rows Gaussians (the file says $expected); columns: $(echo "$header" | tr ',' '\n' | wc -l)"
for col in x y z f_dc_0 opacity scale_0 rot_3; do
  echo "$header" | tr ',' '\n' | grep -qx "$col" || { echo "FAIL: column $col missing" >&2; exit 1; }
done
[ "$rows" = "$expected" ] || { echo "FAIL: row count $rows != $expected" >&2; exit 1; }
# round trip through splat-transform's own PLY writer must keep the count
st -q -w "$IN" "$TMP/round.ply"
back=$(ply_count "$TMP/round.ply")
[ "$back" = "$expected" ] || { echo "FAIL: splat-transform wrote $back Gaussians" >&2; exit 1; }
echo "OK: splat-transform converts $(basename "$IN") (CSV and PLY round trip, $expected Gaussians)"
