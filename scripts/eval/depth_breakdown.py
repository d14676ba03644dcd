#!/usr/bin/env python3
"""Per-pixel error of depth maps rendered from a splat (as `forge3d mesh` renders them for fusion, dumped with
-Dforge3d.mesh.dumpDepth=DIR): each pixel inside the object's true silhouette is back-projected with its mean depth
(sum w z / alpha) and its median depth (where transmittance falls to 1/2), and its signed distance to the closed
ground-truth surface is measured (+ outside). Also split by the depth spread along the ray (std / depth).

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
    px = raw[18:].reshape(h, w, 4)
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
        alpha, acc, med, sq = px[..., 0], px[..., 1], px[..., 2], px[..., 3]
        ok = m & (alpha >= 0.5)
        ys, xs = np.nonzero(ok)
        mean = acc[ok] / alpha[ok]
        std = np.sqrt(np.maximum(0, sq[ok] / alpha[ok] - mean ** 2))
        rays = np.stack([(xs + 0.5 - cx) / fx, (ys + 0.5 - cy) / fy, np.ones(len(xs))], 1)
        centre = -r.T @ t
        for label, z in (("mean", mean), ("median", np.where(med[ok] > 0, med[ok], mean))):
            pts = (rays * z[:, None]) @ r + centre  # x_world = R^T x_cam + C
            d = signed_distance(pts, C, cp, ctri)
            rows.append((name, label, d, std / mean, m.sum(), ok.sum()))
    for label in ("mean", "median"):
        d = np.concatenate([x[2] for x in rows if x[1] == label])
        rel = np.concatenate([x[3] for x in rows if x[1] == label])
        print("%-6s pixels %d: |d|<tau %.3f  median %+.2f mm  mean|d| %.2f mm  outside>tau %.3f inside>tau %.3f" % (
            label, len(d), (np.abs(d) < tau).mean(), np.median(d) * 1e3, np.abs(d).mean() * 1e3, (d > tau).mean(), (d < -tau).mean()))
        for lo, hi in ((0, 0.002), (0.002, 0.005), (0.005, 0.01), (0.01, 0.02), (0.02, 1)):
            s = (rel >= lo) & (rel < hi)
            if s.any():
                print("   spread %5.3f..%-5.3f share %.3f  |d|<tau %.3f  median %+.2f mm  out>tau %.3f in>tau %.3f" % (
                    lo, hi, s.mean(), (np.abs(d[s]) < tau).mean(), np.median(d[s]) * 1e3, (d[s] > tau).mean(), (d[s] < -tau).mean()))
    cov = sum(x[5] for x in rows if x[1] == "mean") / max(1, sum(x[4] for x in rows if x[1] == "mean"))
    print("silhouette pixels with alpha >= 0.5: %.3f" % cov)


if __name__ == "__main__":
    main()
