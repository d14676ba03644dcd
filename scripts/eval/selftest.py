#!/usr/bin/env python3
"""Self-test of mesh_eval.py on cases with a known answer. Prints PASS/FAIL per case; exit code 1 on any FAIL.
usage: selftest.py [GT.ply]   (default: a synthetic asymmetric mug-like mesh built here)

The GLB files here are written by this test's own minimal writer, with an interleaved (strided) vertex buffer,
16-bit indices and node transforms (matrix and TRS, parent/child), so that the reader's handling of those is
exercised too."""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def cylinder(r, h, n=64, z0=0.0, cx=0.0, cy=0.0):
    V, F = [], []
    for k in range(n):
        a = 2 * math.pi * k / n
        V += [(cx + r * math.cos(a), cy + r * math.sin(a), z0), (cx + r * math.cos(a), cy + r * math.sin(a), z0 + h)]
    V += [(cx, cy, z0), (cx, cy, z0 + h)]
    b, t = 2 * n, 2 * n + 1
    for k in range(n):
        i0, i1, j0, j1 = 2 * k, 2 * ((k + 1) % n), 2 * k + 1, 2 * ((k + 1) % n) + 1
        F += [(i0, i1, j1), (i0, j1, j0), (b, i1, i0), (t, j0, j1)]
    return np.array(V, float), np.array(F)


def torus(R, r, n=48, m=16, centre=(0, 0, 0)):
    V, F = [], []
    for i in range(n):
        u = 2 * math.pi * i / n
        for j in range(m):
            v = 2 * math.pi * j / m
            x = (R + r * math.cos(v)) * math.cos(u)
            z = (R + r * math.cos(v)) * math.sin(u)
            V.append((centre[0] + x, centre[1] + r * math.sin(v), centre[2] + z))
    for i in range(n):
        for j in range(m):
            a, b = i * m + j, ((i + 1) % n) * m + j
            c, d = ((i + 1) % n) * m + (j + 1) % m, i * m + (j + 1) % m
            F += [(a, b, c), (a, c, d)]
    return np.array(V, float), np.array(F)


def synthetic_gt():
    parts = [cylinder(0.045, 0.11, z0=0.75), torus(0.03, 0.007, centre=(0.055, 0, 0.81)), cylinder(0.012, 0.03, z0=0.86, cx=-0.02, cy=0.02)]
    V, F, off = [], [], 0
    for v, f in parts:
        V.append(v); F.append(f + off); off += len(v)
    return np.concatenate(V), np.concatenate(F)


def write_ply(path, V, F):
    with open(path, "wb") as f:
        f.write(("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\nproperty float z\n"
                 "element face %d\nproperty list uchar int vertex_indices\nend_header\n" % (len(V), len(F))).encode())
        f.write(V.astype("<f4").tobytes())
        rec = np.zeros(len(F), dtype=[("n", "u1"), ("i", "<i4", (3,))])
        rec["n"] = 3; rec["i"] = F
        f.write(rec.tobytes())


def png_rgb(rgb, w=4, h=4):
    """A small solid-colour 8-bit RGB PNG (for a base-colour texture)."""
    import zlib
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    ch = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + ch(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + ch(b"IDAT", zlib.compress(raw)) + ch(b"IEND", b"")


def write_glb(path, V, F, node_local, parent=None, texture_rgb=None):
    """V in the mesh's local frame; node_local: dict with 'matrix' (4x4 row-major) or TRS; parent: same for a parent.
    texture_rgb: (r, g, b) 0..255 gives the mesh TEXCOORD_0 and a solid base-colour texture of that colour."""
    n = len(V)
    inter = np.zeros((n, 6), "<f4")            # POSITION + a dummy NORMAL interleaved: byteStride 24
    inter[:, :3] = V
    inter[:, 5] = 1
    idx_t, ctype = ("<u2", 5123) if n < 65536 else ("<u4", 5125)
    vb = inter.tobytes()
    ib = F.astype(idx_t).tobytes()
    pad = lambda b, c=b"\0": b + c * ((4 - len(b) % 4) % 4)
    vb, ib = pad(vb), pad(ib)
    def node(d):
        if "matrix" in d:
            return {"matrix": np.asarray(d["matrix"], float).T.reshape(-1).tolist()}  # column-major
        return {k: list(map(float, v)) for k, v in d.items()}
    nodes = [dict(node(node_local), mesh=0)]
    root = 0
    if parent is not None:
        nodes.append(dict(node(parent), children=[0]))
        root = 1
    doc = {"asset": {"version": "2.0", "generator": "forge3d selftest"}, "scene": 0, "scenes": [{"nodes": [root]}],
           "nodes": nodes, "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1}, "indices": 2, "mode": 4}]}],
           "buffers": [{"byteLength": len(vb) + len(ib)}],
           "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(vb), "byteStride": 24, "target": 34962},
                           {"buffer": 0, "byteOffset": len(vb), "byteLength": len(ib), "target": 34963}],
           "accessors": [{"bufferView": 0, "byteOffset": 0, "componentType": 5126, "count": n, "type": "VEC3",
                          "min": V.min(0).tolist(), "max": V.max(0).tolist()},
                         {"bufferView": 0, "byteOffset": 12, "componentType": 5126, "count": n, "type": "VEC3"},
                         {"bufferView": 1, "componentType": ctype, "count": F.size, "type": "SCALAR"}]}
    binc = vb + ib
    if texture_rgb is not None:
        uv = pad(np.full((n, 2), 0.5, "<f4").tobytes())
        img = pad(png_rgb(texture_rgb))
        doc["bufferViews"] += [{"buffer": 0, "byteOffset": len(binc), "byteLength": len(uv)},
                               {"buffer": 0, "byteOffset": len(binc) + len(uv), "byteLength": len(png_rgb(texture_rgb))}]
        doc["accessors"].append({"bufferView": 2, "componentType": 5126, "count": n, "type": "VEC2"})
        doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = 3
        doc["meshes"][0]["primitives"][0]["material"] = 0
        doc["images"] = [{"bufferView": 3, "mimeType": "image/png"}]
        doc["samplers"] = [{"magFilter": 9728, "minFilter": 9728}]
        doc["textures"] = [{"source": 0, "sampler": 0}]
        doc["materials"] = [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}, "metallicFactor": 0.0}}]
        binc = binc + uv + img
        doc["buffers"][0]["byteLength"] = len(binc)
    js = pad(json.dumps(doc).encode(), b" ")
    total = 12 + 8 + len(js) + 8 + len(binc)
    with open(path, "wb") as f:
        f.write(struct.pack("<4sII", b"glTF", 2, total))
        f.write(struct.pack("<II", len(js), 0x4E4F534A) + js)
        f.write(struct.pack("<II", len(binc), 0x004E4942) + binc)


def rot(axis, deg):
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    R = np.eye(3)
    R[i, i] = c; R[i, j] = -s; R[j, i] = s; R[j, j] = c
    return R


def sim(s, R, t):
    M = np.eye(4); M[:3, :3] = s * R; M[:3, 3] = t
    return M


def run(args):
    p = subprocess.run([sys.executable, os.path.join(HERE, "mesh_eval.py")] + args + ["--samples", "50000"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return json.loads(p.stdout), p.stderr.strip().splitlines()[-1]


def main():
    tmp = tempfile.mkdtemp(prefix="mesh-eval-selftest-")
    if len(sys.argv) > 1:
        sys.path.insert(0, HERE)
        import mesh_eval
        V, F = mesh_eval.read_ply(sys.argv[1])
        gt = sys.argv[1]
    else:
        V, F = synthetic_gt()
        gt = os.path.join(tmp, "gt.ply")
        write_ply(gt, V, F)
    diag = float(np.linalg.norm(V.max(0) - V.min(0)))
    results = []

    def case(name, args, check):
        out, line = run(args)
        f1 = out["thresholds"]["1%"]
        ok = check(out, f1)
        results.append(ok)
        print("%s  %-58s %s" % ("PASS" if ok else "FAIL", name, line))
        return out

    # 1. GT against itself (independent samples on both sides)
    case("GT vs itself: F@1% >= 0.999, Chamfer < 0.01 % diag", [gt, gt],
         lambda o, f: f["fscore"] >= 0.999 and o["chamferPercentOfDiagonal"] < 0.01)

    # 2. the same surface as a GLB in a glTF model frame (+Y up, moved, scaled) with modelFromScene in metrics.json
    M = sim(1.0, rot(0, -90), [0.1, -0.75, 0.02])         # scene +Z up -> model +Y up
    Vm = V @ M[:3, :3].T + M[:3, 3]
    parent = {"translation": [0.3, 0.0, -0.2]}             # node graph: parent T, child matrix = inverse of it
    child = {"matrix": np.linalg.inv(sim(1, np.eye(3), [0.3, 0.0, -0.2]))}
    glb = os.path.join(tmp, "model.glb")
    write_glb(glb, Vm, F, child, parent)
    metrics = os.path.join(tmp, "metrics.json")
    json.dump({"crop": {"modelFromScene": M.tolist()}}, open(metrics, "w"))
    case("GLB (strided, u16, node graph) + --transform metrics.json: F>=0.999", [glb, gt, "--transform", metrics],
         lambda o, f: f["fscore"] >= 0.999)
    case("same GLB without --transform: F@1% < 0.05", [glb, gt], lambda o, f: f["fscore"] < 0.05)

    # 3. shifted by 0.5 % and 2 % of the diagonal along x
    for frac, check, what in ((0.005, lambda o, f: f["fscore"] >= 0.9, ">= 0.9"), (0.02, lambda o, f: f["fscore"] < 0.6, "< 0.6")):
        p = os.path.join(tmp, "shift%g.ply" % frac)
        write_ply(p, V + [frac * diag, 0, 0], F)
        case("shifted %g %% of diag: F@1%% %s" % (frac * 100, what), [p, gt], check)

    # 4. similarity: scale 2.3, rotation, translation, as a GLB with TRS; recovered by --align similarity
    R = rot(2, 37) @ rot(0, 71) @ rot(1, -22)
    S = sim(2.3, R, [1.5, -0.4, 3.0])
    Vs = V @ S[:3, :3].T + S[:3, 3]
    q = [0.0, 0.0, 0.0, 1.0]
    p = os.path.join(tmp, "sim.glb")
    write_glb(p, Vs, F, {"translation": [0, 0, 0], "rotation": q, "scale": [1, 1, 1]})
    case("similarity (s 2.3, R, t) without alignment: F@1% < 0.05", [p, gt], lambda o, f: f["fscore"] < 0.05)
    case("similarity + --align similarity: F@1% >= 0.99, scale 1/2.3", [p, gt, "--align", "similarity"],
         lambda o, f: f["fscore"] >= 0.99 and abs(o["alignment"]["scale"] * 2.3 - 1) < 0.01)

    # 4b. the same with the camera-centre start: the scene's true cameras moved by the same similarity, as a COLMAP
    #     model (only when the GT is a rendered scene's gt/object.ply with gt/colmap beside it)
    gtdir = os.path.dirname(os.path.abspath(gt))
    colmap = os.path.join(gtdir, "colmap", "images.txt")
    tfile = os.path.join(os.path.dirname(gtdir), "transforms_train.json")
    if os.path.exists(colmap) and os.path.exists(tfile):
        sys.path.insert(0, HERE)
        import mesh_eval
        cams = os.path.join(tmp, "cams")
        os.makedirs(cams)
        with open(os.path.join(cams, "images.txt"), "w") as f:
            for l in open(colmap):
                t = l.split()
                if l.startswith("#") or len(t) != 10:
                    continue
                qw, qx, qy, qz = map(float, t[1:5])
                Rwc = mesh_eval.quat_matrix([qx, qy, qz, qw])
                C = -Rwc.T @ np.array(list(map(float, t[5:8])))
                C2 = S[:3, :3] @ C + S[:3, 3]
                R2 = Rwc @ R.T
                tr = np.trace(R2)
                w = math.sqrt(max(0, 1 + tr)) / 2
                x = math.copysign(math.sqrt(max(0, 1 + R2[0, 0] - R2[1, 1] - R2[2, 2])) / 2, R2[2, 1] - R2[1, 2])
                y = math.copysign(math.sqrt(max(0, 1 - R2[0, 0] + R2[1, 1] - R2[2, 2])) / 2, R2[0, 2] - R2[2, 0])
                z = math.copysign(math.sqrt(max(0, 1 - R2[0, 0] - R2[1, 1] + R2[2, 2])) / 2, R2[1, 0] - R2[0, 1])
                tv = -R2 @ C2
                f.write("%s %.15g %.15g %.15g %.15g %.15g %.15g %.15g 1 %s\n\n" % (t[0], w, x, y, z, tv[0], tv[1], tv[2], t[9]))
        case("similarity + --align similarity from camera centres: F >= 0.99", [p, gt, "--align", "similarity",
             "--pred-cameras", cams, "--gt-cameras", tfile],
             lambda o, f: f["fscore"] >= 0.99 and o["alignment"]["cameraCentreRmsAfterInit"] < 1e-4 * diag)

    # 5. a partial prediction: the upper 30 % of the surface missing -> recall drops, precision stays
    zc = V[:, 2].min() + 0.7 * (V[:, 2].max() - V[:, 2].min())
    keep = V[F][:, :, 2].max(1) < zc
    p = os.path.join(tmp, "partial.ply")
    write_ply(p, V, F[keep])
    case("partial (top cut off): precision >= 0.99, recall < 0.9", [p, gt],
         lambda o, f: f["precision"] >= 0.99 and f["recall"] < 0.9)

    # 6. noisy vertices (Gaussian, sigma 1 % of the diagonal per vertex)
    rng = np.random.default_rng(5)
    p = os.path.join(tmp, "noisy.ply")
    write_ply(p, V + rng.normal(0, 0.01 * diag, V.shape), F)
    case("vertex noise sigma 1 % diag: 0.2 < F@1% < 0.95", [p, gt],
         lambda o, f: 0.2 < f["fscore"] < 0.95 and o["chamferPercentOfDiagonal"] > 0.2)

    n_fail = results.count(False)
    print("selftest: %d/%d PASS%s" % (len(results) - n_fail, len(results), "" if not n_fail else ", %d FAIL" % n_fail))
    sys.exit(1 if n_fail else 0)


if __name__ == "__main__":
    main()
