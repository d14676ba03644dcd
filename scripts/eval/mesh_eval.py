#!/usr/bin/env python3
"""Geometry of a predicted mesh against a ground-truth surface: precision / recall / F-score at distance thresholds
and the Chamfer distance, on points sampled uniformly by area. Independent of forge3d's Java code: the glTF binary
(.glb) and PLY readers are written here from the specifications (python3 + numpy + scipy only).

usage:
  mesh_eval.py PRED.glb|PRED.ply GT.ply [--scene gt/scene.json] [--transform metrics.json|matrix.json]
               [--align none|similarity|rigid] [--pred-cameras COLMAP_DIR --gt-cameras transforms_train.json]
               [--samples 200000] [--seed 0] [--taus 0.005,0.01,0.02] [--save-aligned OUT.ply]

Frames. The GT is in the scene frame (for forge3d's product scenes: Blender world, +Z up, metres). --transform
takes the exporter's `modelFromScene` (4x4, row-major; a metrics.json with crop.modelFromScene, a JSON object with
modelFromScene, or a bare matrix as 4 rows or 16 numbers) and applies its inverse to the mesh, bringing it back into
the scene frame of the job. With a posed upload that is the GT frame. With photos only (SfM) the job's scene frame is
SfM's, so use --align similarity: an initial similarity from the camera centres (--pred-cameras: the job's COLMAP
model; --gt-cameras: the scene's transforms_train.json) when given, else a coarse search over 24 axis-aligned
rotations of the principal axes with centroid + RMS-radius scale, then ICP with scale (Umeyama per iteration) on
nearest-neighbour pairs in both directions, each direction trimmed to its closest --trim fraction.

Precision is measured against the closed GT surface (--gt-closed, default scene.json's object.closedMesh: the
product with the faces that lie on the table) and recall against GT (the visible surface, those faces removed): a
predicted point on the product's hidden bottom is on the true surface, but nobody can be asked to recover it.
Distances: from each sample to the other surface's triangles (the triangles of its 6 nearest samples, so exact
unless the closest triangle is further away than them, and never above the point-to-sample distance); for a PLY
without faces (a point cloud) the distance to its nearest point. Threshold tau is a fraction of the GT's bounding-box diagonal (from --scene's object.diagonal, else the GT mesh's
vertices). Prints one JSON object on stdout and a one-line summary on stderr.
"""
import argparse
import base64
import json
import math
import os
import struct
import sys
import time

import numpy as np
from scipy.spatial import cKDTree

# ----------------------------------------------------------------------------------------------------------------
# glTF 2.0 binary reader (spec: https://registry.khronos.org/glTF/specs/2.0/glTF-2.0.html)

COMPONENT = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16, 5125: np.uint32, 5126: np.float32}
NCOMP = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}


def read_glb(path):
    data = open(path, "rb").read()
    magic, version, length = struct.unpack_from("<4sII", data, 0)
    if magic != b"glTF":
        raise ValueError("%s: not a binary glTF (magic %r)" % (path, magic))
    if version != 2:
        raise ValueError("%s: glTF version %d, only 2 is read" % (path, version))
    if length != len(data):
        raise ValueError("%s: header length %d != file size %d" % (path, length, len(data)))
    off, doc, bin_chunk = 12, None, None
    while off < length:
        clen, ctype = struct.unpack_from("<II", data, off)
        chunk = data[off + 8: off + 8 + clen]
        if ctype == 0x4E4F534A:
            doc = json.loads(chunk.decode("utf-8"))
        elif ctype == 0x004E4942 and bin_chunk is None:
            bin_chunk = chunk
        off += 8 + clen
    if doc is None:
        raise ValueError(path + ": no JSON chunk")
    unknown = set(doc.get("extensionsRequired", [])) - {"KHR_mesh_quantization", "KHR_materials_unlit", "KHR_texture_transform"}
    if unknown:  # e.g. Draco or meshopt compression: the geometry is not in plain accessors
        raise ValueError("%s: requires glTF extensions this reader does not decode: %s" % (path, ", ".join(sorted(unknown))))
    buffers = []
    for i, b in enumerate(doc.get("buffers", [])):
        uri = b.get("uri")
        if uri is None:
            if i != 0 or bin_chunk is None:
                raise ValueError(path + ": buffer %d has no uri and is not the GLB BIN chunk" % i)
            buffers.append(bin_chunk)
        elif uri.startswith("data:"):
            buffers.append(base64.b64decode(uri.split(",", 1)[1]))
        else:
            buffers.append(open(os.path.join(os.path.dirname(path), uri), "rb").read())
    return doc, buffers


def accessor(doc, buffers, idx):
    acc = doc["accessors"][idx]
    if "sparse" in acc:
        raise ValueError("sparse accessors are not supported")
    dt = np.dtype(COMPONENT[acc["componentType"]]).newbyteorder("<")
    n, k = acc["count"], NCOMP[acc["type"]]
    if "bufferView" not in acc:
        return np.zeros((n, k), dtype=dt)
    bv = doc["bufferViews"][acc["bufferView"]]
    buf = buffers[bv["buffer"]]
    start = bv.get("byteOffset", 0) + acc.get("byteOffset", 0)
    elem = dt.itemsize * k
    stride = bv.get("byteStride", 0) or elem
    if n and start + (n - 1) * stride + elem > bv.get("byteOffset", 0) + bv["byteLength"]:
        raise ValueError("accessor %d overruns its bufferView" % idx)
    if stride == elem:
        a = np.frombuffer(buf, dtype=dt, count=n * k, offset=start).reshape(n, k)
    else:
        raw = np.frombuffer(buf, dtype=np.uint8, count=(n - 1) * stride + elem, offset=start)
        rows = np.lib.stride_tricks.as_strided(raw, shape=(n, elem), strides=(stride, 1))
        a = np.frombuffer(rows.copy().tobytes(), dtype=dt).reshape(n, k)
    if acc.get("normalized") and dt.kind in "iu":
        a = a.astype(np.float64) / np.iinfo(dt).max
        if dt.kind == "i":
            a = np.maximum(a, -1.0)
    return a


def quat_matrix(q):
    x, y, z, w = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


def node_matrix(n):
    if "matrix" in n:
        return np.array(n["matrix"], dtype=np.float64).reshape(4, 4).T  # glTF stores column-major
    M = np.eye(4)
    S = np.diag(n.get("scale", [1, 1, 1]))
    R = quat_matrix(n.get("rotation", [0, 0, 0, 1]))
    M[:3, :3] = R @ S
    M[:3, 3] = n.get("translation", [0, 0, 0])
    return M


def glb_triangles(path, info=None):
    """World-space triangles (T x 3 x 3) of every triangle primitive reachable from the default scene."""
    doc, buffers = read_glb(path)
    scenes = doc.get("scenes")
    if scenes:
        roots = scenes[doc.get("scene", 0)].get("nodes", [])
    else:
        child = {c for n in doc.get("nodes", []) for c in n.get("children", [])}
        roots = [i for i in range(len(doc.get("nodes", []))) if i not in child]
    tris, stats = [], {"primitives": 0, "texcoord": False, "baseColorTexture": False, "vertexColour": False}
    stack = [(r, np.eye(4)) for r in roots]
    seen = 0
    while stack:
        ni, parent = stack.pop()
        seen += 1
        if seen > 100000:
            raise ValueError("node graph too large or cyclic")
        n = doc["nodes"][ni]
        M = parent @ node_matrix(n)
        for c in n.get("children", []):
            stack.append((c, M))
        if "mesh" not in n:
            continue
        for prim in doc["meshes"][n["mesh"]]["primitives"]:
            mode = prim.get("mode", 4)
            if mode not in (4, 5, 6):
                continue
            P = accessor(doc, buffers, prim["attributes"]["POSITION"]).astype(np.float64)
            idx = accessor(doc, buffers, prim["indices"]).reshape(-1).astype(np.int64) if "indices" in prim \
                else np.arange(len(P))
            if mode == 4:
                f = idx[: len(idx) // 3 * 3].reshape(-1, 3)
            elif mode == 5:
                f = np.array([(idx[i], idx[i + 1], idx[i + 2]) if i % 2 == 0 else (idx[i + 1], idx[i], idx[i + 2])
                              for i in range(len(idx) - 2)]).reshape(-1, 3)
            else:
                f = np.array([(idx[0], idx[i], idx[i + 1]) for i in range(1, len(idx) - 1)]).reshape(-1, 3)
            if len(f) and (f.max() >= len(P) or f.min() < 0):
                raise ValueError("index out of range in a primitive")
            Pw = P @ M[:3, :3].T + M[:3, 3]
            tris.append(Pw[f])
            stats["primitives"] += 1
            stats["texcoord"] |= "TEXCOORD_0" in prim["attributes"]
            stats["vertexColour"] |= "COLOR_0" in prim["attributes"]
            mat = doc.get("materials", [])[prim["material"]] if "material" in prim else {}
            stats["baseColorTexture"] |= "baseColorTexture" in mat.get("pbrMetallicRoughness", {})
    if info is not None:
        info.update(stats)
    return np.concatenate(tris) if tris else np.zeros((0, 3, 3))


# ----------------------------------------------------------------------------------------------------------------
# PLY reader (binary little/big endian or ascii; vertex x y z; optional face lists)

PLY_T = {"char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2", "ushort": "u2",
         "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4", "float": "f4", "float32": "f4",
         "double": "f8", "float64": "f8"}


def read_ply(path):
    """Returns (vertices V x 3, faces F x 3 triangulated as fans, or None when the file has no faces)."""
    f = open(path, "rb")
    if f.readline().strip() != b"ply":
        raise ValueError(path + ": not a PLY")
    fmt, elements = None, []
    while True:
        line = f.readline()
        if not line:
            raise ValueError(path + ": no end_header")
        t = line.decode("ascii", "replace").split()
        if not t:
            continue
        if t[0] == "format":
            fmt = t[1]
        elif t[0] == "element":
            elements.append([t[1], int(t[2]), []])
        elif t[0] == "property":
            elements[-1][2].append(t[1:])
        elif t[0] == "end_header":
            break
    end = "<" if fmt == "binary_little_endian" else ">"
    V, F = None, None
    if fmt == "ascii":
        toks = f.read().split()
        pos = 0
    for name, count, props in elements:
        is_list = any(p[0] == "list" for p in props)
        if fmt != "ascii" and not is_list:
            dt = np.dtype([(p[1], end + PLY_T[p[0]]) for p in props])
            arr = np.frombuffer(f.read(dt.itemsize * count), dtype=dt, count=count)
            if name == "vertex":
                V = np.stack([arr["x"], arr["y"], arr["z"]], 1).astype(np.float64)
            continue
        rows = []
        for _ in range(count):
            row = {}
            for p in props:
                if p[0] == "list":
                    if fmt == "ascii":
                        n = int(toks[pos]); pos += 1
                        row[p[3]] = [float(x) for x in toks[pos:pos + n]]; pos += n
                    else:
                        ct, it = np.dtype(end + PLY_T[p[1]]), np.dtype(end + PLY_T[p[2]])
                        n = int(np.frombuffer(f.read(ct.itemsize), dtype=ct)[0])
                        row[p[3]] = np.frombuffer(f.read(it.itemsize * n), dtype=it).tolist()
                else:
                    if fmt == "ascii":
                        row[p[1]] = float(toks[pos]); pos += 1
                    else:
                        dt = np.dtype(end + PLY_T[p[0]])
                        row[p[1]] = float(np.frombuffer(f.read(dt.itemsize), dtype=dt)[0])
            rows.append(row)
        if name == "vertex":
            V = np.array([[r["x"], r["y"], r["z"]] for r in rows], dtype=np.float64)
        elif name == "face":
            key = "vertex_indices" if rows and "vertex_indices" in rows[0] else "vertex_index"
            F = np.array([(int(r[key][0]), int(r[key][i]), int(r[key][i + 1]))
                          for r in rows for i in range(1, len(r[key]) - 1)], dtype=np.int64).reshape(-1, 3)
    if V is None:
        raise ValueError(path + ": no vertex element")
    return V, F


def load_surface(path, info=None):
    """('triangles', T x 3 x 3) or ('points', N x 3) for a PLY without faces."""
    if path.lower().endswith(".glb"):
        return "triangles", glb_triangles(path, info)
    V, F = read_ply(path)
    if F is None or len(F) == 0:
        return "points", V
    return "triangles", V[F]


# ----------------------------------------------------------------------------------------------------------------

def sample_triangles(T, n, seed):
    rng = np.random.default_rng(seed)
    area = 0.5 * np.linalg.norm(np.cross(T[:, 1] - T[:, 0], T[:, 2] - T[:, 0]), axis=1)
    if area.sum() <= 0:
        raise ValueError("the mesh has zero area")
    idx = rng.choice(len(T), size=n, p=area / area.sum())
    r1, r2 = rng.random(n), rng.random(n)
    s = np.sqrt(r1)
    a, b, c = 1 - s, s * (1 - r2), s * r2
    t = T[idx]
    return a[:, None] * t[:, 0] + b[:, None] * t[:, 1] + c[:, None] * t[:, 2], float(area.sum()), idx


def sample_surface(kind, data, n, seed):
    """(points, area or None, triangle index per point or None)"""
    if kind == "triangles":
        return sample_triangles(data, n, seed)
    rng = np.random.default_rng(seed)
    return data[rng.choice(len(data), size=min(n, len(data)), replace=False)], None, None


def closest_on_triangles(p, a, b, c):
    """Closest points on triangles (a, b, c) to points p, all N x 3 (Ericson, Real-Time Collision Detection 5.1.5)."""
    ab, ac, ap = b - a, c - a, p - a
    d1, d2 = (ab * ap).sum(1), (ac * ap).sum(1)
    bp = p - b
    d3, d4 = (ab * bp).sum(1), (ac * bp).sum(1)
    cp = p - c
    d5, d6 = (ab * cp).sum(1), (ac * cp).sum(1)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    out = np.empty_like(p)
    done = np.zeros(len(p), bool)

    def put(mask, val):
        m = mask & ~done
        out[m] = val[m]
        done[m] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        put((d1 <= 0) & (d2 <= 0), a)
        put((d3 >= 0) & (d4 <= d3), b)
        put((d6 >= 0) & (d5 <= d6), c)
        v = d1 / (d1 - d3)
        put((vc <= 0) & (d1 >= 0) & (d3 <= 0), a + v[:, None] * ab)
        w = d2 / (d2 - d6)
        put((vb <= 0) & (d2 >= 0) & (d6 <= 0), a + w[:, None] * ac)
        w2 = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        put((va <= 0) & ((d4 - d3) >= 0) & ((d5 - d6) >= 0), b + w2[:, None] * (c - b))
        den = 1.0 / (va + vb + vc)
        v, w = vb * den, vc * den
        put(np.ones(len(p), bool), a + v[:, None] * ab + w[:, None] * ac)
    bad = ~np.isfinite(out).all(1)  # degenerate triangles: fall back to the nearest vertex
    if bad.any():
        cand = np.stack([a[bad], b[bad], c[bad]], 1)
        k = ((cand - p[bad][:, None]) ** 2).sum(2).argmin(1)
        out[bad] = cand[np.arange(bad.sum()), k]
    return out


def surface_distance(query, samples, tri_of_sample, T, k=6, chunk=200000):
    """Distance from query points to a surface given by its samples; with the triangles (T, and the triangle of each
    sample) the distance to the triangles of the k nearest samples, exact whenever the closest triangle is among
    them and never above the nearest-sample distance. Without triangles: the nearest-sample distance."""
    tree = cKDTree(samples)
    if T is None:
        return tree.query(query)[0]
    out = np.empty(len(query))
    for s in range(0, len(query), chunk):
        q = query[s:s + chunk]
        d0, j = tree.query(q, k=k)
        best = d0[:, 0].copy()
        for col in range(k):
            t = T[tri_of_sample[j[:, col]]]
            cpt = closest_on_triangles(q, t[:, 0], t[:, 1], t[:, 2])
            best = np.minimum(best, np.linalg.norm(cpt - q, axis=1))
        out[s:s + chunk] = best
    return out


def umeyama(src, dst, with_scale=True):
    """s, R, t minimising |dst - (s R src + t)|^2 (Umeyama 1991)."""
    mu_s, mu_d = src.mean(0), dst.mean(0)
    xs, xd = src - mu_s, dst - mu_d
    C = xd.T @ xs / len(src)
    U, D, Vt = np.linalg.svd(C)
    S = np.eye(3)
    if np.linalg.det(U) * np.linalg.det(Vt) < 0:
        S[2, 2] = -1
    R = U @ S @ Vt
    var = (xs ** 2).sum() / len(src)
    s = float(np.trace(np.diag(D) @ S) / var) if with_scale else 1.0
    t = mu_d - s * R @ mu_s
    return s, R, t


def sim_matrix(s, R, t):
    M = np.eye(4)
    M[:3, :3] = s * R
    M[:3, 3] = t
    return M


def apply(M, P):
    return P @ M[:3, :3].T + M[:3, 3]


def icp(src, dst, M0, iters=40, trim=0.9, with_scale=True, dst_tree=None, tol=1e-7):
    """Similarity (or rigid) ICP, pairs from both directions, each trimmed to its closest `trim` fraction.
    Returns (M, trimmed RMS error of the last iteration)."""
    tree_d = dst_tree or cKDTree(dst)
    M, prev = M0.copy(), None
    err = float("inf")
    for _ in range(iters):
        S = apply(M, src)
        d1, j1 = tree_d.query(S)
        d2, j2 = cKDTree(S).query(dst)
        k1 = d1 <= np.quantile(d1, trim)
        k2 = d2 <= np.quantile(d2, trim)
        a = np.concatenate([src[k1], src[j2[k2]]])
        b = np.concatenate([dst[j1[k1]], dst[k2]])
        s, R, t = umeyama(a, b, with_scale)
        M = sim_matrix(s, R, t)
        err = float(np.sqrt((np.concatenate([d1[k1], d2[k2]]) ** 2).mean()))
        if prev is not None and abs(prev - err) <= tol * max(1e-12, prev):
            break
        prev = err
    return M, err


def signed_permutations():
    out = []
    import itertools
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            D = np.zeros((3, 3))
            for i, (p, s) in enumerate(zip(perm, signs)):
                D[i, p] = s
            if np.linalg.det(D) > 0:
                out.append(D)
    return out  # the 24 rotations of the cube


def coarse_similarity(src, dst, with_scale=True, n=3000, seed=1):
    rng = np.random.default_rng(seed)
    s_sub = src[rng.choice(len(src), min(n, len(src)), replace=False)]
    d_sub = dst[rng.choice(len(dst), min(n, len(dst)), replace=False)]
    cs, cd = s_sub.mean(0), d_sub.mean(0)
    es = np.linalg.eigh(np.cov((s_sub - cs).T))[1]
    ed = np.linalg.eigh(np.cov((d_sub - cd).T))[1]
    es[:, 2] *= np.sign(np.linalg.det(es))  # proper rotations, so that ed D es^T is one for every D below
    ed[:, 2] *= np.sign(np.linalg.det(ed))
    scale = math.sqrt(((d_sub - cd) ** 2).sum(1).mean() / ((s_sub - cs) ** 2).sum(1).mean()) if with_scale else 1.0
    tree = cKDTree(d_sub)
    best = None
    for D in signed_permutations():
        R = ed @ D @ es.T
        M0 = sim_matrix(scale, R, cd - scale * R @ cs)
        M, err = icp(s_sub, d_sub, M0, iters=15, with_scale=with_scale, dst_tree=tree)
        if best is None or err < best[1]:
            best = (M, err)
    return best[0]


def camera_centres_colmap(model_dir):
    import os
    p = os.path.join(model_dir, "images.txt")
    out = {}
    # an image line has 10 fields (names without spaces); its 2D-point line after it has 3 per point (never 10)
    for l in open(p):
        t = l.split()
        if l.startswith("#") or len(t) != 10:
            continue
        qw, qx, qy, qz = map(float, t[1:5])
        tv = np.array(list(map(float, t[5:8])))
        R = quat_matrix([qx, qy, qz, qw])
        out[t[9].rsplit("/", 1)[-1].rsplit(".", 1)[0]] = -R.T @ tv
    return out


def camera_centres_transforms(path):
    d = json.load(open(path))
    return {f["file_path"].rsplit("/", 1)[-1].rsplit(".", 1)[0]: np.array(f["transform_matrix"])[:3, 3] for f in d["frames"]}


def load_matrix(path):
    d = json.load(open(path))
    if isinstance(d, dict):
        if "crop" in d and isinstance(d["crop"], dict) and "modelFromScene" in d["crop"]:
            d = d["crop"]["modelFromScene"]
        elif "modelFromScene" in d:
            d = d["modelFromScene"]
        elif "matrix" in d:
            d = d["matrix"]
        else:
            raise ValueError(path + ": no crop.modelFromScene / modelFromScene / matrix")
    M = np.array(d, dtype=np.float64).reshape(4, 4)
    if not np.allclose(M[3], [0, 0, 0, 1]):
        raise ValueError(path + ": last row of modelFromScene is not 0 0 0 1")
    return M


def write_points_ply(path, P):
    with open(path, "wb") as f:
        f.write(("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
                 "property float z\nend_header\n" % len(P)).encode())
        f.write(P.astype("<f4").tobytes())


def evaluate(pred_pts, gt_pts, diag, taus, pred_tris=None, pred_tri_of=None, gt_tris=None, gt_tri_of=None, closed=None):
    """Distances from each set of samples to the other surface (to its triangles when given, see surface_distance).
    closed: (samples, triangle of each sample, triangles) of the closed GT, for the prediction-to-GT direction."""
    if closed is not None:
        d_pg = surface_distance(pred_pts, closed[0], closed[1], closed[2])
    else:
        d_pg = surface_distance(pred_pts, gt_pts, gt_tri_of, gt_tris)
    d_gp = surface_distance(gt_pts, pred_pts, pred_tri_of, pred_tris)
    res = {}
    for tau in taus:
        th = tau * diag
        p, r = float((d_pg < th).mean()), float((d_gp < th).mean())
        res["%g%%" % (tau * 100)] = {"tau": th, "precision": p, "recall": r, "fscore": 2 * p * r / (p + r) if p + r > 0 else 0.0}
    cd = 0.5 * (float(d_pg.mean()) + float(d_gp.mean()))
    return res, {"chamfer": cd, "chamferPercentOfDiagonal": 100 * cd / diag,
                 "accuracyMean": float(d_pg.mean()), "completenessMean": float(d_gp.mean()),
                 "accuracyMedian": float(np.median(d_pg)), "completenessMedian": float(np.median(d_gp))}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred")
    ap.add_argument("gt")
    ap.add_argument("--scene", help="gt/scene.json (object.diagonal); default: the GT mesh's bbox diagonal")
    ap.add_argument("--transform", help="metrics.json with crop.modelFromScene, or a 4x4 row-major matrix JSON")
    ap.add_argument("--align", choices=["none", "similarity", "rigid"], default="none")
    ap.add_argument("--pred-cameras", help="COLMAP text model dir of the job's cameras (SfM frame), for --align init")
    ap.add_argument("--gt-cameras", help="transforms_train.json of the scene, for --align init")
    ap.add_argument("--samples", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--taus", default="0.005,0.01,0.02")
    ap.add_argument("--trim", type=float, default=0.9)
    ap.add_argument("--no-icp", action="store_true",
                    help="with --align and cameras: keep the camera-centre similarity, no ICP refinement after it")
    ap.add_argument("--gt-closed", help="closed GT surface for the precision direction (default: scene.json's "
                    "object.closedMesh when --scene is given; 'none' to use GT for both)")
    ap.add_argument("--save-aligned", help="write the aligned predicted samples as a PLY point cloud")
    a = ap.parse_args(argv)
    t0 = time.time()

    ginfo = {}
    gkind, gdata = load_surface(a.gt, ginfo)
    if gkind != "triangles":
        raise SystemExit("the GT must be a mesh with faces")
    gverts = gdata.reshape(-1, 3)
    diag = float(np.linalg.norm(gverts.max(0) - gverts.min(0)))
    if a.scene:
        diag = float(json.load(open(a.scene))["object"]["diagonal"])
    pinfo = {}
    pkind, pdata = load_surface(a.pred, pinfo)
    if pkind == "triangles" and len(pdata) == 0:
        raise SystemExit(a.pred + ": no triangles")

    # every transform below maps the prediction's frame to the GT frame
    M = np.eye(4)
    if a.transform:
        M = np.linalg.inv(load_matrix(a.transform))
    pred_pts, pred_area, pred_tri_of = sample_surface(pkind, pdata, a.samples, a.seed)
    gt_pts, gt_area, gt_tri_of = sample_surface(gkind, gdata, a.samples, a.seed + 1)
    align = {"mode": a.align}
    if a.align != "none":
        ws = a.align == "similarity"
        if a.pred_cameras and a.gt_cameras:
            pc, gc = camera_centres_colmap(a.pred_cameras), camera_centres_transforms(a.gt_cameras)
            names = sorted(set(pc) & set(gc))
            if len(names) < 3:
                raise SystemExit("fewer than 3 cameras in common between %s and %s" % (a.pred_cameras, a.gt_cameras))
            # the cameras are in the job's scene frame: scene(job) -> GT, composed after the model -> scene(job) step
            A, B = np.array([pc[n] for n in names]), np.array([gc[n] for n in names])
            s, R, t = umeyama(A, B, ws)
            M0 = sim_matrix(s, R, t) @ M
            align["init"] = "cameras (%d in common)" % len(names)
            align["cameraCentreRmsAfterInit"] = float(np.sqrt(((apply(sim_matrix(s, R, t), A) - B) ** 2).sum(1).mean()))
        else:
            M0 = coarse_similarity(apply(M, pred_pts), gt_pts, ws) @ M
            align["init"] = "principal axes, 24 rotations, short ICP each"
        if a.no_icp:
            if not (a.pred_cameras and a.gt_cameras):
                raise SystemExit("--no-icp needs --pred-cameras and --gt-cameras")
            M = M0
            align["icp"] = False
        else:
            rng = np.random.default_rng(a.seed + 2)
            sub_p = pred_pts[rng.choice(len(pred_pts), min(20000, len(pred_pts)), replace=False)]
            sub_g = gt_pts[rng.choice(len(gt_pts), min(20000, len(gt_pts)), replace=False)]
            M, err = icp(sub_p, sub_g, M0, iters=60, trim=a.trim, with_scale=ws)
            align["icpTrimmedRms"] = err
        align["scale"] = float(np.cbrt(np.linalg.det(M[:3, :3])))
        align["gtFromPred"] = M.tolist()
        print("alignment (GT from prediction, row-major):\n" + "\n".join(" ".join("%12.6f" % x for x in r) for r in M),
              file=sys.stderr)
    pred_pts = apply(M, pred_pts)
    pred_tris = apply(M, pdata.reshape(-1, 3)).reshape(-1, 3, 3) if pkind == "triangles" else None
    if a.save_aligned:
        write_points_ply(a.save_aligned, pred_pts)
    taus = [float(x) for x in a.taus.split(",")]
    closed, closed_path = None, a.gt_closed
    if closed_path is None and a.scene:
        c = json.load(open(a.scene))["object"].get("closedMesh")
        cand = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.scene))), c) if c else None
        closed_path = cand if cand and os.path.exists(cand) else None
    if closed_path and closed_path != "none":
        ck, cdata = load_surface(closed_path)
        cpts, _, ctri = sample_surface(ck, cdata, a.samples, a.seed + 3)
        closed = (cpts, ctri, cdata)
    res, cd = evaluate(pred_pts, gt_pts, diag, taus, pred_tris, pred_tri_of, gdata, gt_tri_of, closed)
    out = {"pred": a.pred, "gt": a.gt, "diagonal": diag, "samples": a.samples, "seed": a.seed,
           "predKind": pkind, "predTriangles": int(len(pdata)) if pkind == "triangles" else None,
           "predArea": pred_area, "gtArea": gt_area, "predInfo": pinfo,
           "transform": a.transform, "alignment": align,
           "precisionAgainst": closed_path if closed is not None else a.gt, "thresholds": res, **cd, "seconds": round(time.time() - t0, 2)}
    json.dump(out, sys.stdout, indent=1)
    print()
    k = "%g%%" % 1
    r1 = res.get(k) or list(res.values())[0]
    print("F@1%%=%.4f (P %.4f R %.4f)  F@0.5%%=%s  F@2%%=%s  Chamfer %.5g (%.3f %% of diag %.4g)  [%s, align %s]"
          % (r1["fscore"], r1["precision"], r1["recall"],
             "%.4f" % res["0.5%"]["fscore"] if "0.5%" in res else "-", "%.4f" % res["2%"]["fscore"] if "2%" in res else "-",
             cd["chamfer"], cd["chamferPercentOfDiagonal"], diag, a.pred, a.align), file=sys.stderr)
    return out


if __name__ == "__main__":
    main()
