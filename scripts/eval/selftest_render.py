#!/usr/bin/env python3
"""Self-test of the appearance path (render_glb.py in Blender + mesh_appearance.py) on a rendered product scene:
the scene's own GT surface, written as a GLB in a glTF model frame (+Y up, moved) with a solid base-colour texture
(200, 100, 50) and its modelFromScene in a metrics.json, rendered from the held-out cameras. PASS when the
silhouette IoU against the GT masks is >= 0.97 (frames, cameras and transform agree) and the rendered colour inside
the mesh is the texture colour within 1/255 (unlit, no tone mapping). usage: selftest_render.py SCENE_DIR"""
import json, os, subprocess, sys, tempfile
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mesh_eval, selftest, mesh_appearance

scene = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="render-selftest-")
V, F = mesh_eval.read_ply(os.path.join(scene, "gt", "object_closed.ply"))
M = selftest.sim(1.0, selftest.rot(0, -90), [0.02, -0.8, 0.01])  # scene (+Z up) -> model (+Y up), moved
glb = os.path.join(tmp, "model.glb")
selftest.write_glb(glb, V @ M[:3, :3].T + M[:3, 3], F, {"translation": [0, 0, 0]}, texture_rgb=(200, 100, 50))
json.dump({"crop": {"modelFromScene": M.tolist()}}, open(os.path.join(tmp, "metrics.json"), "w"))
# Blender's embedded Python must not pick up another interpreter's prefix (e.g. pyenv puts its versions/*/bin first
# on PATH for its children): give it PATH without pyenv folders
env = dict(os.environ, PATH=":".join(p for p in os.environ.get("PATH", "").split(":") if ".pyenv" not in p))
r = subprocess.run(["blender", "-b", "--factory-startup", "-P", os.path.join(HERE, "render_glb.py"), "--", "--glb", glb,
                    "--scene-dir", scene, "--transform", os.path.join(tmp, "metrics.json"), "--out", os.path.join(tmp, "r")],
                   capture_output=True, text=True, env=env)
if "RENDERED" not in r.stdout:
    print(r.stdout[-3000:], r.stderr[-3000:]); print("FAIL  render_glb.py did not render"); sys.exit(1)
out = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "mesh_appearance.py"), "--scene-dir", scene,
                                 "--mesh-renders", os.path.join(tmp, "r")], capture_output=True, text=True, check=True).stdout)
iou = out["mesh"]["meanSilhouetteIoU"]
errs = []
for v in out["views"]:
    im = mesh_appearance.read_png(os.path.join(tmp, "r", v["view"] + ".png"))
    inside = im[..., 3] > 0.999
    errs.append(np.abs(im[inside][:, :3] * 255 - [200, 100, 50]).max())
ok_iou, ok_col = iou >= 0.97, max(errs) <= 1.0
print("%s  silhouette IoU of the GT surface as a GLB (via modelFromScene) vs GT masks: %.4f (>= 0.97)" % ("PASS" if ok_iou else "FAIL", iou))
print("%s  unlit texture colour passes through: max error %.2f / 255 over %d views (<= 1)" % ("PASS" if ok_col else "FAIL", max(errs), len(errs)))
sys.exit(0 if ok_iou and ok_col else 1)
