#!/usr/bin/env bash
# Submits one synthetic product scene (scripts/product-scenes) to a running forge3d API as a photos-to-splat job,
# waits, downloads the artifacts and judges model.glb against the scene's ground truth. Starts nothing itself.
#
#   API=http://127.0.0.1:8080 KEY=... scripts/bench-product-mesh.sh /work/scenes/tune-mug [posed|photos]
#
#   posed   the photos + transforms_train.json (all views, index order; the worker holds out index % 8 == 0, which
#           is the scene's test set) in one zip: SfM is skipped, the job's scene frame is the GT frame
#   photos  the photos only: SfM poses them; the mesh is aligned to the GT by a similarity (camera centres, then ICP)
#
# env: API (default http://127.0.0.1:8080), KEY (default: ~/.forge3d/api-key), PRESET (standard), FIELDS (extra
#      form fields, space-separated k=v, e.g. "iterations=2000 seed=1"), OUT (result folder, default
#      /tmp/bench-product-mesh/<scene>-<mode>-<UTC time>), POLL (seconds, 10), TIMEOUT (seconds, 21600),
#      SPLAT_EVAL=1 to also render the splat with /work/shared/tools/splat_eval.py on the held-out views (posed only;
#      slow: ~0.1 ms per Gaussian and view) for the splat's own masked PSNR on the same pixels,
#      MASKS=1 to upload the scene's ground-truth object masks (gt/masks/<view>.png, as masks/ in the zip: training
#      sees the object alone and the mesh is carved to the masks' hull; an upper bound for masks a user brings),
#      MASKS_DIR=DIR to upload those masks instead (e.g. made by scripts/eval/degrade_masks.py),
#      JOB=<id> to skip the submission and judge an existing job; with NO_DOWNLOAD=1 also no polling or download
#      (judges what OUT already holds: model.glb, metrics.json, cameras/, scene.ply).
# Writes OUT/{artifacts...,mesh_eval.json,appearance.json,summary.json} and prints a summary.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCENE="${1:?usage: bench-product-mesh.sh SCENE_DIR [posed|photos]}"
SCENE="$(cd "$SCENE" && pwd)"
MODE="${2:-posed}"
case "$MODE" in posed|photos) ;; *) echo "mode must be posed or photos" >&2; exit 2;; esac
[ -f "$SCENE/gt/scene.json" ] || { echo "$SCENE: no gt/scene.json (render it with scripts/product-scenes)" >&2; exit 2; }
API="${API:-http://127.0.0.1:8080}"
KEY="${KEY:-$(cat "$HOME/.forge3d/api-key" 2>/dev/null || true)}"
[ -n "$KEY" ] || { echo "set KEY (the API key)" >&2; exit 2; }
PRESET="${PRESET:-standard}"
NAME="$(basename "$SCENE")"
OUT="${OUT:-/tmp/bench-product-mesh/$NAME-$MODE-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
AUTH="Authorization: Bearer $KEY"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

if [ -z "${JOB:-}" ]; then
  ZIP="$OUT/upload-$MODE.zip"
  rm -f "$ZIP"
  if [ "$MODE" = posed ]; then
    (cd "$SCENE" && zip -q -j "$ZIP" images/*.png transforms_train.json)
  else
    (cd "$SCENE" && zip -q -j "$ZIP" images/*.png)
  fi
  if [ "${MASKS:-0}" = 1 ]; then
    MDIR="${MASKS_DIR:-$SCENE/gt/masks}"
    [ -d "$MDIR" ] || { echo "$MDIR: no masks folder" >&2; exit 2; }
    STAGE="$(mktemp -d)"; mkdir "$STAGE/masks"; cp "$MDIR"/*.png "$STAGE/masks/"
    (cd "$STAGE" && zip -q -r "$ZIP" masks); rm -rf "$STAGE"
  fi
  ARGS=(-F type=photos-to-splat -F "preset=$PRESET" -F "archive=@$ZIP")
  for kv in ${FIELDS:-}; do ARGS+=(-F "$kv"); done
  log "submitting $NAME ($MODE, preset $PRESET${FIELDS:+, $FIELDS}${MASKS:+, masks}; $(du -h "$ZIP" | cut -f1) zip) to $API"
  RESP=$(curl -sS -H "$AUTH" "${ARGS[@]}" "$API/v1/jobs")
  JOB=$(echo "$RESP" | jq -r '.id // empty')
  [ -n "$JOB" ] || { echo "job not created: $RESP" >&2; exit 1; }
fi
echo "$JOB" > "$OUT/job-id"
log "job $JOB"

START=$(date +%s); LAST=""
while [ "${NO_DOWNLOAD:-0}" != 1 ]; do
  J=$(curl -sS -H "$AUTH" "$API/v1/jobs/$JOB")
  STATE=$(echo "$J" | jq -r .state)
  LINE=$(echo "$J" | jq -c '{state, stage, progress, etaSeconds, message}')
  [ "$LINE" != "$LAST" ] && log "$LINE"; LAST="$LINE"
  case "$STATE" in SUCCEEDED|FAILED|CANCELED) break;; esac
  if [ $(( $(date +%s) - START )) -gt "${TIMEOUT:-21600}" ]; then echo "timed out waiting for $JOB" >&2; exit 1; fi
  sleep "${POLL:-10}"
done
WALL=$(( $(date +%s) - START ))
if [ "${NO_DOWNLOAD:-0}" = 1 ]; then STATE=SUCCEEDED; else echo "$J" > "$OUT/job.json"; fi
[ "$STATE" = SUCCEEDED ] || { echo "job $JOB $STATE: $(echo "$J" | jq -c '.error // .message')" >&2; exit 1; }

if [ "${NO_DOWNLOAD:-0}" != 1 ]; then
  for a in $(curl -sS -H "$AUTH" "$API/v1/jobs/$JOB/artifacts" | jq -r '.items[].name'); do
    mkdir -p "$OUT/$(dirname "$a")"
    curl -sS -f -H "$AUTH" -o "$OUT/$a" "$API/v1/jobs/$JOB/artifacts/$a"
  done
fi
log "artifacts: $(cd "$OUT" && find . -type f ! -name 'upload-*' ! -name job.json ! -name job-id | sed 's|^\./||' | sort | tr '\n' ' ')"

GEOM="" APP="" TRANSFORM=()
if [ -f "$OUT/metrics.json" ] && jq -e '.crop.modelFromScene' "$OUT/metrics.json" >/dev/null 2>&1; then
  TRANSFORM=(--transform "$OUT/metrics.json")
fi
if [ ! -f "$OUT/model.glb" ]; then
  log "no model.glb artifact: nothing to judge yet (scene.ply and metrics.json are in $OUT)"
else
  [ ${#TRANSFORM[@]} -gt 0 ] || log "warning: metrics.json has no crop.modelFromScene: the GLB's coordinates are taken as the job's scene frame"
  if [ "$MODE" = posed ]; then
    python3 "$HERE/eval/mesh_eval.py" "$OUT/model.glb" "$SCENE/gt/object.ply" --scene "$SCENE/gt/scene.json" \
        "${TRANSFORM[@]}" > "$OUT/mesh_eval.json"
  else
    CAMS=()
    [ -f "$OUT/cameras/images.txt" ] && CAMS=(--pred-cameras "$OUT/cameras" --gt-cameras "$SCENE/transforms_train.json")
    python3 "$HERE/eval/mesh_eval.py" "$OUT/model.glb" "$SCENE/gt/object.ply" --scene "$SCENE/gt/scene.json" \
        "${TRANSFORM[@]}" --align similarity "${CAMS[@]}" > "$OUT/mesh_eval.json"
    # The same with the camera-centre similarity alone, the figure to lead with: it shares nothing with the mesh.
    # ICP can slide a mesh with extra surfaces (a hollow shell) off the object, and with its free scale it shrank
    # a mesh 4-5 mm too fat all round onto the object (report-shoe, docs/product-scenes.md).
    if [ ${#CAMS[@]} -gt 0 ]; then
      python3 "$HERE/eval/mesh_eval.py" "$OUT/model.glb" "$SCENE/gt/object.ply" --scene "$SCENE/gt/scene.json" \
          "${TRANSFORM[@]}" --align similarity "${CAMS[@]}" --no-icp > "$OUT/mesh_eval_cameras.json"
    fi
  fi
  GEOM="$OUT/mesh_eval.json"
  [ "$MODE" = photos ] && [ -f "$OUT/mesh_eval_cameras.json" ] && GEOM="$OUT/mesh_eval_cameras.json"
  SIM=()
  [ "$MODE" = photos ] && SIM=(--similarity "$GEOM")
  # (PATH without pyenv folders: Blender's embedded Python must not take another interpreter's prefix)
  PATH="$(echo "$PATH" | tr ':' '\n' | grep -v '\.pyenv' | paste -sd:)" blender -b --factory-startup -P "$HERE/eval/render_glb.py" -- --glb "$OUT/model.glb" --scene-dir "$SCENE" \
      "${TRANSFORM[@]}" "${SIM[@]}" --out "$OUT/mesh-renders" > "$OUT/render_glb.log" 2>&1 \
      || { echo "render_glb failed, see $OUT/render_glb.log" >&2; exit 1; }
  SPLAT=()
  if [ "${SPLAT_EVAL:-0}" = 1 ] && [ "$MODE" = posed ]; then
    log "splat_eval.py on the held-out views (slow)"
    # The delivered scene.ply is in the model frame (cropped, upright): the scene's cameras are moved into that frame
    # (camera-to-world M * C, M = crop.modelFromScene, rigid for a posed upload) rather than the splat out of it.
    SPLAT_SCENE="$OUT/splat-scene"
    rm -rf "$SPLAT_SCENE" && mkdir -p "$SPLAT_SCENE" && ln -s "$SCENE/images" "$SPLAT_SCENE/images"
    python3 - "$OUT/metrics.json" "$SCENE/transforms_train.json" "$SPLAT_SCENE/transforms_train.json" <<'PY'
import json, sys
import numpy as np
m = json.load(open(sys.argv[1]))
M = np.array(m.get("crop", {}).get("modelFromScene", np.eye(4).ravel().tolist()), dtype=float).reshape(4, 4)
s = np.cbrt(np.linalg.det(M[:3, :3]))
if abs(s - 1) > 1e-6:
    sys.exit("modelFromScene has scale %.6f: a posed upload keeps its scale" % s)
t = json.load(open(sys.argv[2]))
for f in t["frames"]:
    f["transform_matrix"] = (M @ np.array(f["transform_matrix"], dtype=float)).tolist()
json.dump(t, open(sys.argv[3], "w"))
PY
    /usr/bin/python3 /work/shared/tools/splat_eval.py "$OUT/scene.ply" "$SPLAT_SCENE" --downscale 1 --save "$OUT/splat-renders" \
        > "$OUT/splat_eval.txt"
    SPLAT=(--splat-renders "$OUT/splat-renders")
  fi
  python3 "$HERE/eval/mesh_appearance.py" --scene-dir "$SCENE" --mesh-renders "$OUT/mesh-renders" "${SPLAT[@]}" \
      > "$OUT/appearance.json"
  APP="$OUT/appearance.json"
fi

HERE="$HERE" SCENE="$SCENE" python3 - "$OUT" "$JOB" "$MODE" "$NAME" "$WALL" "$GEOM" "$APP" <<'PY'
import json, os, sys
out, job, mode, name, wall, geom, app = sys.argv[1:8]
m = json.load(open(os.path.join(out, "metrics.json"))) if os.path.exists(os.path.join(out, "metrics.json")) else {}
s = {"scene": name, "mode": mode, "job": job, "wallSeconds": int(wall),
     "job_psnr": m.get("psnr"), "job_ssim": m.get("ssim"), "imagesRegistered": m.get("imagesRegistered"),
     "gaussians": m.get("gaussians"), "modelGlb": os.path.exists(os.path.join(out, "model.glb"))}
sys.path.insert(0, os.path.join(os.environ["HERE"], "eval"))
import mesh_eval, numpy as np
if mode == "posed" and os.path.exists(os.path.join(out, "cameras", "images.txt")):
    # the job's cameras must be the uploaded ones: the job's scene frame is then the GT frame
    a = mesh_eval.camera_centres_colmap(os.path.join(out, "cameras"))
    b = mesh_eval.camera_centres_transforms(os.path.join(os.environ["SCENE"], "transforms_train.json"))
    s["cameraCentreMaxErrorPosed"] = max(float(np.linalg.norm(a[k] - b[k])) for k in a if k in b)
if geom:
    g = json.load(open(geom))
    s["geometry"] = {k: g["thresholds"][k] for k in g["thresholds"]}
    s["chamferPercentOfDiagonal"] = g["chamferPercentOfDiagonal"]
    s["alignment"] = g["alignment"]
    if geom.endswith("mesh_eval_cameras.json"):
        i = json.load(open(os.path.join(out, "mesh_eval.json")))
        s["geometryAfterIcp"] = {k: i["thresholds"][k] for k in i["thresholds"]}
        s["chamferPercentOfDiagonalAfterIcp"] = i["chamferPercentOfDiagonal"]
if app:
    a = json.load(open(app))
    s["appearance"] = {k: a[k] for k in ("mesh", "splat", "meshMinusSplatDb") if k in a}
json.dump(s, open(os.path.join(out, "summary.json"), "w"), indent=1)
line = "%s %s job %s: %ss, job PSNR %s" % (name, mode, job, wall, s["job_psnr"])
if geom:
    f = s["geometry"].get("1%", {})
    line += ", F@1%% %.4f (P %.4f R %.4f), Chamfer %.3f %% diag" % (f.get("fscore", 0), f.get("precision", 0), f.get("recall", 0), s["chamferPercentOfDiagonal"])
    if "geometryAfterIcp" in s:
        line += " (camera-aligned; after ICP F@1%% %.4f)" % s["geometryAfterIcp"].get("1%", {}).get("fscore", 0)
if app and "mesh" in s["appearance"]:
    line += ", mesh masked PSNR %.2f dB" % s["appearance"]["mesh"]["meanPsnr"]
    if "splat" in s["appearance"]:
        line += " (splat %.2f dB, %+.2f)" % (s["appearance"]["splat"]["meanPsnr"], s["appearance"]["meshMinusSplatDb"])
print(line)
PY
echo "results: $OUT"
