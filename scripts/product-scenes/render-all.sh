#!/usr/bin/env bash
# Renders one set of scripts/product-scenes/scenes.json (tune | report) with Blender into OUTROOT/<name>.
#   scripts/product-scenes/render-all.sh tune [OUTROOT=/work/scenes] [extra render_scene.py args, e.g. --threads 4]
# A scene whose gt/scene.json already exists is skipped (delete the folder to render it again).
#   ONLY="report-sweep-white report-sweep-black" scripts/product-scenes/render-all.sh report   only those scenes of the set
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SET="${1:?usage: render-all.sh tune|report [OUTROOT] [render_scene.py args]}"
OUTROOT="${2:-/work/scenes}"
shift $(( $# >= 2 ? 2 : 1 ))
command -v blender >/dev/null || { echo "render-all: blender not on PATH (apt-get install blender)" >&2; exit 1; }
mapfile -t LINES < <(python3 - "$HERE/scenes.json" "$SET" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
if sys.argv[2] not in c["sets"]:
    sys.exit("no set %r in scenes.json (have: %s)" % (sys.argv[2], ", ".join(c["sets"])))
for s in c["sets"][sys.argv[2]]:
    print(s["name"], s["kind"], s["seed"], s.get("views", c["views"]), s.get("size", c["size"]), s.get("samples", c["samples"]),
          s.get("capture", "orbit"), s.get("backdrop", "room"), "--pale-product" if s.get("paleProduct") else "")
PY
)
for line in "${LINES[@]}"; do
  read -r name kind seed views size samples capture backdrop pale <<<"$line"
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
  out="$OUTROOT/$name"
  if [ -f "$out/gt/scene.json" ]; then echo "render-all: $name exists, skipped"; continue; fi
  mkdir -p "$out"
  start=$(date +%s)
  echo "render-all: $name ($kind, seed $seed, $capture, $backdrop backdrop, $views views, ${size}px, $samples samples) -> $out"
  blender -b --factory-startup -P "$HERE/render_scene.py" -- --scene "$name" --kind "$kind" --seed "$seed" \
      --views "$views" --size "$size" --samples "$samples" --capture "$capture" --backdrop "$backdrop" $pale --out "$out" "$@" >"$out/render.log" 2>&1 \
      || { echo "render-all: $name failed, see $out/render.log" >&2; exit 1; }
  grep -aE '^(RENDER|SCENE)' "$out/render.log" || true
  echo "render-all: $name done in $(( $(date +%s) - start )) s"
done
