#!/usr/bin/env bash
# Checks that PlayCanvas splat-transform (an independent reader of the Inria 3DGS PLY layout) reads our PLY:
# it must convert it to CSV with one row per Gaussian and the same columns we wrote, and its per-column summary
# must agree with ours on the count. Needs Node/npx and network access to npm the first time.
#   scripts/check-splat-transform.sh out/point_cloud.ply
set -euo pipefail
PLY="${1:?usage: $0 PATH/point_cloud.ply}"
[ -f "$PLY" ] || { echo "no such file: $PLY" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
expected=$(head -c 4096 "$PLY" | tr -d '\r' | awk '/^element vertex/ {print $3; exit}')
npx -y @playcanvas/splat-transform -q -w "$PLY" "$TMP/out.csv"
rows=$(($(wc -l < "$TMP/out.csv") - 1))
header=$(head -1 "$TMP/out.csv")
echo "splat-transform read $rows Gaussians (PLY header says $expected); columns: $(echo "$header" | tr ',' '\n' | wc -l)"
for col in x y z f_dc_0 f_rest_44 opacity scale_0 rot_3; do
  echo "$header" | tr ',' '\n' | grep -qx "$col" || { echo "FAIL: column $col missing" >&2; exit 1; }
done
[ "$rows" = "$expected" ] || { echo "FAIL: row count $rows != $expected" >&2; exit 1; }
# round trip through splat-transform's own PLY writer must keep the count
npx -y @playcanvas/splat-transform -q -w "$PLY" "$TMP/round.ply"
back=$(head -c 4096 "$TMP/round.ply" | tr -d '\r' | awk '/^element vertex/ {print $3; exit}')
[ "$back" = "$expected" ] || { echo "FAIL: splat-transform wrote $back Gaussians" >&2; exit 1; }
echo "OK: splat-transform converts our PLY (CSV and PLY round trip, $expected Gaussians)"
