#!/usr/bin/env python3
"""Per-pixel error of the depth maps that `forge3d mesh` fuses (dumped by running it with
-Dforge3d.mesh.dumpDepth=DIR, e.g. JAVA_TOOL_OPTIONS): each pixel fully inside the object's true silhouette is
back-projected with its depth (sum w z / alpha, the alpha-blended mean) and its signed distance to the closed
ground-truth surface is measured (+ outside the object, - inside).

  python3 scripts/eval/depth_breakdown.py DUMP_DIR SCENE_DIR
"""
import glob, json, os, struct, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesh_eval as me
import mesh_appearance as ma
from mesh_breakdown import signed_distance


def read_dump(path):
    raw = np.fromfile(path, dtype="<f4")
    w, h = int(raw[0]), int(raw[1])
    fx, fy, cx, cy = raw[2:6]
    r = raw[6:15].astype(float).reshape(3, 3)
    t = raw[15:18].astype(float)
    px = raw[18:].reshape(h, w, 2)
    return w, h, (fx, fy, cx, cy), r, t, px


def main():
    dump, scene = sys.argv[1], sys.argv[2]
    sc = json.load(open(os.path.join(scene, "gt", "scene.json")))
    tau = 0.01 * sc["object"]["diagonal"]
    _, C = me.load_surface(os.path.join(scene, "gt", "object_closed.ply"))
    cp, _, ctri = me.sample_triangles(C, 200000, 3)
    rows = []
    for f in sorted(glob.glob(os.path.join(dump, "*.f32"))):
        name = os.path.basename(f)[:-4]
        w, h, (fx, fy, cx, cy), r, t, px = read_dump(f)
        mask = ma.read_png(os.path.join(scene, "gt", "masks", name + ".png"))
        mask = np.asarray(mask, float)
        if mask.ndim == 3:
            mask = mask[..., 0]
        fy_, fx_ = mask.shape[0] // h, mask.shape[1] // w
        m = mask.reshape(h, fy_, w, fx_).min(axis=(1, 3)) > 0.5  # fully inside the silhouette
        alpha, acc = px[..., 0], px[..., 1]
        ok = m & (alpha >= 0.5)
        ys, xs = np.nonzero(ok)
        z = acc[ok] / alpha[ok]
        rays = np.stack([(xs + 0.5 - cx) / fx, (ys + 0.5 - cy) / fy, np.ones(len(xs))], 1)
        centre = -r.T @ t
        pts = (rays * z[:, None]) @ r + centre  # x_world = R^T x_cam + C
        rows.append((name, signed_distance(pts, C, cp, ctri), m.sum(), ok.sum()))
    d = np.concatenate([x[1] for x in rows])
    print("depth pixels %d in %d views: |d|<tau %.3f  median %+.2f mm  mean|d| %.2f mm  outside>tau %.3f inside>tau %.3f" % (
        len(d), len(rows), (np.abs(d) < tau).mean(), np.median(d) * 1e3, np.abs(d).mean() * 1e3, (d > tau).mean(), (d < -tau).mean()))
    for q in (10, 25, 50, 75, 90):
        print("  p%d %+.2f mm" % (q, np.percentile(d, q) * 1e3))
    cov = sum(x[3] for x in rows) / max(1, sum(x[2] for x in rows))
    print("silhouette pixels with alpha >= 0.5: %.3f" % cov)


if __name__ == "__main__":
    main()
