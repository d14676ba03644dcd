#!/usr/bin/env python3
"""Where a mesh loses its F-score: precision and recall at 1 % of the GT diagonal per height band (the scene's +Z,
from the table up), and the signed distance of the prediction to the closed GT (+ outside, - inside), so that an
inflated or shrunken surface shows as a bias rather than as noise.

  python3 scripts/eval/mesh_breakdown.py model.glb SCENE_DIR --transform metrics.json [--bands 8]
"""
import argparse, json, os, sys
import numpy as np
from scipy.spatial import cKDTree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesh_eval as me


def signed_distance(q, T, samples, tri_of, k=6):
    """Distance to the closest of the k nearest samples' triangles, signed by that triangle's normal."""
    tree = cKDTree(samples)
    _, j = tree.query(q, k=k)
    best = np.full(len(q), np.inf)
    sign = np.ones(len(q))
    for col in range(k):
        t = T[tri_of[j[:, col]]]
        c = me.closest_on_triangles(q, t[:, 0], t[:, 1], t[:, 2])
        d = np.linalg.norm(c - q, axis=1)
        n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
        s = np.sign(((q - c) * n).sum(1))
        better = d < best
        best[better] = d[better]
        sign[better] = np.where(s[better] == 0, 1, s[better])
    return best * sign


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pred")
    ap.add_argument("scene_dir")
    ap.add_argument("--transform")
    ap.add_argument("--bands", type=int, default=8)
    ap.add_argument("--samples", type=int, default=100000)
    a = ap.parse_args()
    sc = json.load(open(os.path.join(a.scene_dir, "gt", "scene.json")))
    diag = sc["object"]["diagonal"]
    tau = 0.01 * diag
    _, G = me.load_surface(os.path.join(a.scene_dir, "gt", "object.ply"))
    _, C = me.load_surface(os.path.join(a.scene_dir, "gt", "object_closed.ply"))
    _, P = me.load_surface(a.pred)
    M = np.linalg.inv(me.load_matrix(a.transform)) if a.transform else np.eye(4)
    P = me.apply(M, P.reshape(-1, 3)).reshape(-1, 3, 3)
    pp, _, ptri = me.sample_triangles(P, a.samples, 0)
    gp, _, gtri = me.sample_triangles(G, a.samples, 1)
    cp, _, ctri = me.sample_triangles(C, a.samples, 3)
    d_pg = signed_distance(pp, C, cp, ctri)
    d_gp = me.surface_distance(gp, pp, ptri, P)
    z0, z1 = sc["object"]["bboxMin"][2], sc["object"]["bboxMax"][2]
    edges = np.linspace(z0, z1, a.bands + 1)
    edges[0], edges[-1] = -np.inf, np.inf
    print("tau %.2f mm; overall P %.4f R %.4f; signed pred->GT: median %+.2f mm, mean |d| %.2f mm, outside>tau %.3f, inside>tau %.3f"
          % (tau * 1e3, (np.abs(d_pg) < tau).mean(), (d_gp < tau).mean(), np.median(d_pg) * 1e3, np.abs(d_pg).mean() * 1e3,
             (d_pg > tau).mean(), (d_pg < -tau).mean()))
    print("%-17s %7s %6s %8s %8s %7s %6s" % ("height (mm)", "pred%", "P", "med(mm)", "out>tau", "gt%", "R"))
    for b in range(a.bands):
        mp = (pp[:, 2] >= edges[b]) & (pp[:, 2] < edges[b + 1])
        mg = (gp[:, 2] >= edges[b]) & (gp[:, 2] < edges[b + 1])
        lo = max(edges[b], z0 - 0.01) - z0
        hi = min(edges[b + 1], z1 + 0.01) - z0
        print("%7.1f..%-8.1f %7.3f %6.3f %+8.2f %8.3f %7.3f %6.3f" % (
            lo * 1e3, hi * 1e3, mp.mean(), (np.abs(d_pg[mp]) < tau).mean() if mp.any() else np.nan,
            np.median(d_pg[mp]) * 1e3 if mp.any() else np.nan, (d_pg[mp] > tau).mean() if mp.any() else np.nan,
            mg.mean(), (d_gp[mg] < tau).mean() if mg.any() else np.nan))


if __name__ == "__main__":
    main()
