#!/usr/bin/env python3
"""An independent judge of a text-to-3D result: names its shape from the mesh's geometry and its colour from the
mesh's own vertex colours. It shares no code with forge3d's generator, prior, training renders or its image judge
(ShapeColourJudge); numpy and the standard library only.

    python3 scripts/eval/shape_judge.py model.glb [more.glb ...]        # one JSON line per file
    python3 scripts/eval/shape_judge.py --eval out/a --tsv a.tsv [--eval out/b --tsv b.tsv] [--out verdicts.json]
        # every finished out/a/NN/model.glb against the suite's expected shape and colour, beside the image judge

Shape: the mesh is voxelised (64^3 over its bounding cube; triangles sampled at under half a voxel), the outside is
flood-filled from the border, and what the outside does not reach is the solid (interior shells and cavities count
as solid). A one-voxel opening removes hairs, and the largest 6-connected piece is kept. Primitives are then fitted
to the solid by its moments (centroid, principal axes, second moments give each primitive's sizes in closed form;
the cube's and the pyramid's turn about their axes is searched), each refined over five scales, and scored by voxel
IoU with the solid. Families: cuboid (a cube when its sides differ by at most 1.5x), ellipsoid (a sphere likewise),
cylinder, cone, torus, and square pyramid; the best IoU names the shape; a cuboid or ellipsoid out of proportion, a
pyramid, or a best IoU under 0.5 is "other", which matches no expected shape.

Colour: glTF COLOR_0 is linear (glTF 2.0, 3.3.3 "COLOR_n ... linear"); it is converted to sRGB (IEC 61966-2-1),
then to CIELAB (D65), and each vertex on the outer surface (within a voxel of the flood-filled outside), weighted by
its share of triangle area, votes for the nearest reference colour by CIE94 (textile weights, kL = 2: lightness
counts half, since a dark red is still red). References: the X11 colour table (rgb.txt, also CSS Color 4's values
except that CSS's green and purple are the darker web colours): red 255,0,0; green 0,255,0; blue 0,0,255; yellow
255,255,0; white 255,255,255; black 0,0,0; orange 255,165,0; purple 160,32,240. Without COLOR_0 the material's
baseColorFactor (linear too) is used.
"""
import argparse
import json
import math
import os
import struct
import sys
from collections import deque

import numpy as np

SHAPES = ("cube", "sphere", "cylinder", "cone", "torus")
REFERENCES = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
              "white": (255, 255, 255), "black": (0, 0, 0), "orange": (255, 165, 0), "purple": (160, 32, 240)}
GRID = 64
ASPECT_LIMIT = 1.5
MIN_IOU = 0.5


# ---------------------------------------------------------------- GLB reading (glTF 2.0 binary container)

_COMPONENT = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16, 5125: np.uint32, 5126: np.float32}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def read_glb(path):
    """Returns (positions Nx3 float64, triangles Mx3 int, colours Nx3 linear in [0,1] or None) of all mesh
    primitives in the default scene, with node transforms applied."""
    with open(path, "rb") as f:
        data = f.read()
    magic, version, length = struct.unpack_from("<III", data, 0)
    if magic != 0x46546C67 or version != 2:
        raise ValueError("%s is not a glTF 2.0 binary (.glb)" % path)
    off, doc, binary = 12, None, b""
    while off < length:
        clen, ctype = struct.unpack_from("<II", data, off)
        chunk = data[off + 8: off + 8 + clen]
        if ctype == 0x4E4F534A:
            doc = json.loads(chunk.decode("utf-8"))
        elif ctype == 0x004E4942:
            binary = chunk
        off += 8 + clen
    if doc is None:
        raise ValueError("%s has no JSON chunk" % path)

    def accessor(i):
        acc = doc["accessors"][i]
        view = doc["bufferViews"][acc["bufferView"]]
        dtype = np.dtype(_COMPONENT[acc["componentType"]]).newbyteorder("<")
        width = _WIDTH[acc["type"]]
        count = acc["count"]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        stride = view.get("byteStride", 0) or dtype.itemsize * width
        raw = np.frombuffer(binary, dtype=np.uint8, count=stride * (count - 1) + dtype.itemsize * width, offset=start)
        rows = np.lib.stride_tricks.as_strided(raw, shape=(count, dtype.itemsize * width), strides=(stride, 1))
        out = np.ascontiguousarray(rows).view(dtype).reshape(count, width)
        if acc.get("normalized") and dtype.kind in "ui":
            out = out.astype(np.float64) / np.iinfo(dtype).max
        return out.astype(np.float64) if dtype.kind == "f" or acc.get("normalized") else out.astype(np.int64)

    def local_matrix(node):
        if "matrix" in node:
            return np.array(node["matrix"], dtype=np.float64).reshape(4, 4).T
        m = np.eye(4)
        if "scale" in node:
            m = np.diag(list(node["scale"]) + [1.0]) @ m
        if "rotation" in node:
            x, y, z, w = node["rotation"]
            r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                          [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                          [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
            rm = np.eye(4)
            rm[:3, :3] = r
            m = rm @ m
        if "translation" in node:
            t = np.eye(4)
            t[:3, 3] = node["translation"]
            m = t @ m
        return m

    positions, triangles, colours = [], [], []
    any_colour = False

    def visit(ni, parent):
        nonlocal any_colour
        node = doc["nodes"][ni]
        m = parent @ local_matrix(node)
        if "mesh" in node:
            for prim in doc["meshes"][node["mesh"]]["primitives"]:
                if prim.get("mode", 4) != 4:
                    continue
                p = accessor(prim["attributes"]["POSITION"])[:, :3]
                p = (np.c_[p, np.ones(len(p))] @ m.T)[:, :3]
                idx = accessor(prim["indices"]).reshape(-1, 3) if "indices" in prim else np.arange(len(p)).reshape(-1, 3)
                if "COLOR_0" in prim["attributes"]:
                    c = accessor(prim["attributes"]["COLOR_0"])[:, :3]
                    any_colour = True
                else:
                    factor = (1.0, 1.0, 1.0)
                    if "material" in prim:
                        factor = doc["materials"][prim["material"]].get("pbrMetallicRoughness", {}).get("baseColorFactor", [1, 1, 1, 1])[:3]
                    c = np.tile(np.array(factor, dtype=np.float64), (len(p), 1))
                base = sum(len(x) for x in positions)
                positions.append(p)
                triangles.append(idx + base)
                colours.append(c)
        for child in node.get("children", []):
            visit(child, m)

    scene = doc.get("scenes", [{"nodes": list(range(len(doc.get("nodes", []))))}])[doc.get("scene", 0)]
    for ni in scene["nodes"]:
        visit(ni, np.eye(4))
    if not positions:
        raise ValueError("%s has no triangle mesh" % path)
    return np.vstack(positions), np.vstack(triangles), np.vstack(colours), any_colour


# ---------------------------------------------------------------- solid from the surface

def _shift(a, axis, step):
    out = np.zeros_like(a)
    src = [slice(None)] * 3
    dst = [slice(None)] * 3
    if step > 0:
        src[axis], dst[axis] = slice(0, -step), slice(step, None)
    else:
        src[axis], dst[axis] = slice(-step, None), slice(0, step)
    out[tuple(dst)] = a[tuple(src)]
    return out


def _neighbours_any(a):
    out = a.copy()
    for axis in range(3):
        out |= _shift(a, axis, 1) | _shift(a, axis, -1)
    return out


def _neighbours_all(a):
    out = a.copy()
    for axis in range(3):
        out &= _shift(a, axis, 1) & _shift(a, axis, -1)
    return out


def surface_samples(pos, tri, spacing):
    """Points on every triangle, on a barycentric lattice finer than `spacing`, and each point's triangle."""
    a, b, c = pos[tri[:, 0]], pos[tri[:, 1]], pos[tri[:, 2]]
    longest = np.max(np.stack([np.linalg.norm(b - a, axis=1), np.linalg.norm(c - b, axis=1),
                               np.linalg.norm(a - c, axis=1)]), axis=0)
    steps = np.maximum(1, np.ceil(longest / spacing)).astype(int)
    pts, owner = [], []
    for n in np.unique(steps):
        sel = np.nonzero(steps == n)[0]
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = i + j <= n
        u, v = (i[keep] / n)[None, :, None], (j[keep] / n)[None, :, None]
        p = a[sel][:, None, :] * (1 - u - v) + b[sel][:, None, :] * u + c[sel][:, None, :] * v
        pts.append(p.reshape(-1, 3))
        owner.append(np.repeat(sel, keep.sum()))
    return np.vstack(pts), np.concatenate(owner)


def largest_component(mask):
    """The largest 6-connected component of a boolean grid (breadth-first search over its voxels)."""
    n = mask.shape[0]
    flat = mask.ravel()
    label = np.full(flat.shape, -1, dtype=np.int64)
    best, best_size, current = -1, 0, 0
    strides = (n * n, n, 1)
    for start in np.flatnonzero(flat):
        if label[start] >= 0:
            continue
        size, queue = 0, deque([start])
        label[start] = current
        while queue:
            v = queue.popleft()
            size += 1
            x, rem = divmod(v, n * n)
            y, z = divmod(rem, n)
            for coord, stride in ((x, strides[0]), (y, strides[1]), (z, strides[2])):
                if coord > 0 and flat[v - stride] and label[v - stride] < 0:
                    label[v - stride] = current
                    queue.append(v - stride)
                if coord < n - 1 and flat[v + stride] and label[v + stride] < 0:
                    label[v + stride] = current
                    queue.append(v + stride)
        if size > best_size:
            best, best_size = current, size
        current += 1
    return (label == best).reshape(mask.shape)


def solidify(pos, tri, grid=GRID):
    """Voxel solid of a triangle soup: (solid mask, outside mask, voxel centres' coordinates, voxel size, origin)."""
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    size = float(np.max(hi - lo)) or 1.0
    voxel = size / (grid - 4)
    origin = (lo + hi) / 2 - voxel * grid / 2
    pts, _ = surface_samples(pos, tri, voxel * 0.45)
    idx = np.clip(np.floor((pts - origin) / voxel).astype(int), 0, grid - 1)
    surface = np.zeros((grid,) * 3, dtype=bool)
    surface[idx[:, 0], idx[:, 1], idx[:, 2]] = True
    outside = np.zeros_like(surface)
    outside[0, :, :] = outside[-1, :, :] = outside[:, 0, :] = outside[:, -1, :] = outside[:, :, 0] = outside[:, :, -1] = True
    outside &= ~surface
    while True:  # 6-connected flood fill of the empty space from the border
        grown = _neighbours_any(outside) & ~surface
        if grown.sum() == outside.sum():
            break
        outside = grown
    solid = ~outside
    opened = _neighbours_any(_neighbours_all(solid)) & solid  # opening by one voxel: drops hairs
    if opened.any():
        solid = opened
    solid = largest_component(solid)
    return solid, outside, origin, voxel


# ---------------------------------------------------------------- primitive fits

def _rotation_about(axis_vectors, angle):
    """Frame whose third column is axis_vectors[:,2], turned by `angle` about it."""
    c, s = math.cos(angle), math.sin(angle)
    u, v, w = axis_vectors[:, 0], axis_vectors[:, 1], axis_vectors[:, 2]
    return np.stack([c * u + s * v, -s * u + c * v, w], axis=1)


def _random_rotations(count, seed=0):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(count, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], axis=1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], axis=1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], axis=1)], axis=1)


def _small_rotation(axis, angle):
    """Rotation by `angle` (radians) about `axis` (Rodrigues)."""
    k = axis / np.linalg.norm(axis)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * kx + (1 - math.cos(angle)) * kx @ kx


class Fitter:
    def __init__(self, solid, origin, voxel):
        n = solid.shape[0]
        g = (np.indices(solid.shape).reshape(3, -1).T + 0.5) * voxel + origin
        self.solid = solid.ravel()
        self.points = g[self.solid]
        self.centre = self.points.mean(axis=0)
        # evaluate primitives only near the solid: its bounding box grown by half its size
        lo, hi = self.points.min(axis=0), self.points.max(axis=0)
        pad = (hi - lo) * 0.5 + voxel
        near = np.all((g >= lo - pad) & (g <= hi + pad), axis=1)
        # IoU is counted on every other voxel in each direction (an eighth of them): enough to rank the fits
        every_other = np.all(np.indices(solid.shape).reshape(3, -1).T % 2 == 0, axis=1)
        near &= every_other
        self.grid = g[near] - self.centre
        self.inside = self.solid[near]
        self.count = self.inside.sum()
        cov = np.cov((self.points - self.centre).T)
        evals, evecs = np.linalg.eigh(cov)
        self.evals, self.evecs = evals, evecs

    def iou(self, inside):
        inter = np.count_nonzero(inside & self.inside)
        union = np.count_nonzero(inside | self.inside)
        return inter / union if union else 0.0

    def variances(self, frame):
        q = (self.points - self.centre) @ frame
        return q.var(axis=0), q

    def best_scale(self, test):
        best = (0.0, 1.0)
        for s in (0.88, 0.94, 1.0, 1.06, 1.12):
            score = self.iou(test(s))
            if score > best[0]:
                best = (score, s)
        return best

    def axis_frames(self):
        """Frames with each principal axis as the third column (the symmetry axis of a solid of revolution)."""
        e = self.evecs
        return [np.stack([e[:, (k + 1) % 3], e[:, (k + 2) % 3], e[:, k]], axis=1) for k in range(3)]

    # each fit returns (iou, parameters)
    def fit_cuboid(self):
        pts = self.points - self.centre
        sub = pts[np.linspace(0, len(pts) - 1, min(len(pts), 1500)).astype(int)]

        def tightest(frames):
            ext = np.einsum("pi,rij->rpj", sub, frames)
            span = ext.max(axis=1) - ext.min(axis=1)
            return frames[int(np.argmin(span.prod(axis=1)))]
        # the smallest bounding box over random turns, then over small turns of the best one
        frame = tightest(np.concatenate([self.evecs[None], _random_rotations(600, seed=1)]))
        for k, angle in enumerate((0.12, 0.04)):
            small = np.array([_small_rotation(axis, angle) for axis in np.random.default_rng(k).normal(size=(60, 3))])
            frame = tightest(np.concatenate([frame[None], frame[None] @ small]))
        var, _ = self.variances(frame)
        half = np.sqrt(3 * var)
        q = self.grid @ frame
        score, s = self.best_scale(lambda s: np.all(np.abs(q) <= half * s, axis=1))
        return score, {"sides": (2 * half * s).tolist(), "aspect": float(half.max() / half.min())}

    def fit_ellipsoid(self):
        var, _ = self.variances(self.evecs)
        radii = np.sqrt(5 * var)
        q = self.grid @ self.evecs
        score, s = self.best_scale(lambda s: np.sum((q / (radii * s)) ** 2, axis=1) <= 1)
        return score, {"radii": (radii * s).tolist(), "aspect": float(radii.max() / radii.min())}

    def fit_cylinder(self):
        best = (0.0, {})
        for frame in self.axis_frames():
            var, _ = self.variances(frame)
            r, h = math.sqrt(2 * (var[0] + var[1])), math.sqrt(3 * var[2])
            q = self.grid @ frame
            rho2 = q[:, 0] ** 2 + q[:, 1] ** 2
            score, s = self.best_scale(lambda s: (rho2 <= (r * s) ** 2) & (np.abs(q[:, 2]) <= h * s))
            if score > best[0]:
                best = (score, {"radius": r * s, "height": 2 * h * s})
        return best

    def fit_cone(self):
        best = (0.0, {})
        for frame in self.axis_frames():
            var, _ = self.variances(frame)
            r, height = math.sqrt(10 * (var[0] + var[1]) / 3), math.sqrt(80 * var[2] / 3)
            for sign in (1, -1):
                q = self.grid @ frame
                z = sign * q[:, 2]
                rho = np.sqrt(q[:, 0] ** 2 + q[:, 1] ** 2)

                def test(s, z=z, rho=rho):
                    hh, rr = height * s, r * s
                    return (z >= -hh / 4) & (z <= 3 * hh / 4) & (rho <= rr * (3 * hh / 4 - z) / hh)
                score, s = self.best_scale(test)
                if score > best[0]:
                    best = (score, {"radius": r * s, "height": height * s})
        return best

    def fit_torus(self):
        best = (0.0, {})
        for frame in self.axis_frames():
            var, _ = self.variances(frame)
            tube2 = 4 * var[2]
            ring2 = var[0] + var[1] - 1.25 * tube2
            if ring2 <= 0:
                continue
            r, big = math.sqrt(tube2), math.sqrt(ring2)
            q = self.grid @ frame
            rho = np.sqrt(q[:, 0] ** 2 + q[:, 1] ** 2)
            score, s = self.best_scale(lambda s: (rho - big * s) ** 2 + q[:, 2] ** 2 <= (r * s) ** 2)
            if score > best[0]:
                best = (score, {"ring": big * s, "tube": r * s, "hole": bool(big > r)})
        return best

    def fit_pyramid(self):
        best = (0.0, {})
        for frame in self.axis_frames():
            var, _ = self.variances(frame)
            a, height = math.sqrt(5 * (var[0] + var[1]) / 2), math.sqrt(80 * var[2] / 3)
            for turn in np.linspace(0, math.pi / 2, 9, endpoint=False):
                f = _rotation_about(frame, turn)
                q = self.grid @ f
                for sign in (1, -1):
                    z = sign * q[:, 2]

                    def test(s, z=z, q=q):
                        hh, aa = height * s, a * s
                        lim = aa * (3 * hh / 4 - z) / hh
                        return (z >= -hh / 4) & (z <= 3 * hh / 4) & (np.abs(q[:, 0]) <= lim) & (np.abs(q[:, 1]) <= lim)
                    score, s = self.best_scale(test)
                    if score > best[0]:
                        best = (score, {"base": 2 * a * s, "height": height * s})
        return best


def judge_shape(pos, tri):
    solid, outside, origin, voxel = solidify(pos, tri)
    # Floaters far from the object stretch the grid; when the kept piece spans under 70 % of it, voxelise again the
    # triangles that touch the piece's bounding box (grown by 3 voxels), at full resolution.
    where = np.argwhere(solid)
    if len(where) and (where.max(axis=0) - where.min(axis=0) + 1).max() < 0.7 * (solid.shape[0] - 4):
        lo = origin + (where.min(axis=0) - 3) * voxel
        hi = origin + (where.max(axis=0) + 4) * voxel
        inside = np.all((pos >= lo) & (pos <= hi), axis=1)
        keep = inside[tri].all(axis=1)
        if keep.sum() >= 4:
            solid, outside, origin, voxel = solidify(pos, tri[keep])
    fitter = Fitter(solid, origin, voxel)
    fits = {"cuboid": fitter.fit_cuboid(), "ellipsoid": fitter.fit_ellipsoid(), "cylinder": fitter.fit_cylinder(),
            "cone": fitter.fit_cone(), "torus": fitter.fit_torus(), "pyramid": fitter.fit_pyramid()}
    family = max(fits, key=lambda k: fits[k][0])
    score, params = fits[family]
    if score < MIN_IOU:
        shape = "other"
    elif family == "cuboid":
        shape = "cube" if params["aspect"] <= ASPECT_LIMIT else "other"
    elif family == "ellipsoid":
        shape = "sphere" if params["aspect"] <= ASPECT_LIMIT else "other"
    elif family == "torus":
        shape = "torus" if params["hole"] else "other"
    elif family == "pyramid":
        shape = "other"
    else:
        shape = family
    ranked = sorted(fits.values(), key=lambda f: -f[0])
    return {"shape": shape, "family": family, "iou": round(score, 4), "margin": round(ranked[0][0] - ranked[1][0], 4),
            "fits": {k: round(v[0], 4) for k, v in fits.items()}, "params": params,
            "solidVoxels": int(solid.sum())}, (solid, outside, origin, voxel)


# ---------------------------------------------------------------- colour

def linear_to_srgb(c):
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def srgb_to_lab(srgb):
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def cie94(ref, samples, k_l=2.0, k1=0.048, k2=0.014):
    """CIE94 colour difference from one reference Lab to many samples (textile weights by default)."""
    dl = ref[0] - samples[:, 0]
    c1 = math.hypot(ref[1], ref[2])
    c2 = np.hypot(samples[:, 1], samples[:, 2])
    dc = c1 - c2
    da, db = ref[1] - samples[:, 1], ref[2] - samples[:, 2]
    dh2 = np.maximum(da ** 2 + db ** 2 - dc ** 2, 0)
    return np.sqrt((dl / k_l) ** 2 + (dc / (1 + k1 * c1)) ** 2 + dh2 / (1 + k2 * c1) ** 2)


_REF_NAMES = list(REFERENCES)
_REF_LAB = srgb_to_lab(np.array([REFERENCES[k] for k in _REF_NAMES], dtype=np.float64) / 255.0)


def name_colours(linear_rgb, weights):
    lab = srgb_to_lab(linear_to_srgb(linear_rgb))
    dist = np.stack([cie94(_REF_LAB[i], lab) for i in range(len(_REF_NAMES))], axis=1)
    nearest = np.argmin(dist, axis=1)
    votes = np.bincount(nearest, weights=weights, minlength=len(_REF_NAMES))
    votes = votes / votes.sum() if votes.sum() > 0 else votes
    return _REF_NAMES[int(np.argmax(votes))], {n: round(float(v), 4) for n, v in zip(_REF_NAMES, votes) if v > 0}


def judge_colour(pos, tri, colours, voxel_state):
    solid, outside, origin, voxel = voxel_state
    area = 0.5 * np.linalg.norm(np.cross(pos[tri[:, 1]] - pos[tri[:, 0]], pos[tri[:, 2]] - pos[tri[:, 0]]), axis=1)
    weight = np.zeros(len(pos))
    for k in range(3):
        np.add.at(weight, tri[:, k], area / 3)
    idx = np.clip(np.floor((pos - origin) / voxel).astype(int), 0, solid.shape[0] - 1)
    near_outside = _neighbours_any(outside)
    outer = near_outside[idx[:, 0], idx[:, 1], idx[:, 2]] & (weight > 0)
    if not outer.any():
        outer = weight > 0
    name, votes = name_colours(colours[outer], weight[outer])
    mean = linear_to_srgb((colours[outer] * weight[outer, None]).sum(axis=0) / weight[outer].sum())
    return {"colour": name, "votes": votes, "meanSrgb": [round(float(x), 3) for x in mean]}


def judge_file(path):
    pos, tri, colours, has_colour = read_glb(path)
    shape, state = judge_shape(pos, tri)
    colour = judge_colour(pos, tri, colours, state)
    colour["from"] = "COLOR_0" if has_colour else "material"
    return {"file": path, "vertices": len(pos), "triangles": len(tri), "shape": shape["shape"], "colour": colour["colour"],
            "shapeDetail": shape, "colourDetail": colour}


# ---------------------------------------------------------------- command line

def _wilson(k, n, z=1.959964):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def read_suite(tsv):
    """(prompt, shape, colour) rows of a prompt suite TSV ('#' comments), as eval-text-to-3d reads it."""
    rows = []
    with open(tsv, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                prompt, shape, colour = [x.strip() for x in line.rstrip("\n").split("\t")[:3]]
                rows.append((prompt, shape.lower(), colour.lower()))
    return rows


def judge_eval(folder, tsv):
    """Judges every finished prompt folder (NN/ with metrics.json and model.glb) of an eval-text-to-3d output against
    the suite it ran (its --prompts TSV), beside the image judge's verdict from the folder's metrics.json. Works on a
    run that was stopped (eval.json is written only at the end); unfinished prompts are listed as not run."""
    rows, missing = [], []
    for i, (prompt, shape, colour) in enumerate(read_suite(tsv)):
        d = os.path.join(folder, "%02d" % i)
        if not (os.path.isfile(os.path.join(d, "metrics.json")) and os.path.isfile(os.path.join(d, "model.glb"))):
            missing.append(prompt)
            continue
        with open(os.path.join(d, "metrics.json"), encoding="utf-8") as f:
            metrics = json.load(f)
        if metrics.get("prompt") not in (None, prompt):
            raise ValueError("%s ran %r, the suite's line %d is %r" % (d, metrics.get("prompt"), i + 1, prompt))
        v = judge_file(os.path.join(d, "model.glb"))
        q = metrics.get("quality", {})
        rows.append({"prompt": prompt, "expectedShape": shape, "expectedColour": colour,
                     "shape": v["shape"], "colour": v["colour"], "shapeRight": v["shape"] == shape,
                     "colourRight": v["colour"] == colour, "iou": v["shapeDetail"]["iou"], "family": v["shapeDetail"]["family"],
                     "fits": v["shapeDetail"]["fits"], "votes": v["colourDetail"]["votes"], "meanSrgb": v["colourDetail"]["meanSrgb"],
                     "imageJudge": {"shape": q.get("judgedShape"), "colour": q.get("judgedColour"),
                                    "right": q.get("judgedShape") == shape and q.get("judgedColour") == colour}})
    return rows, missing


def _summary(rows):
    both = sum(r["shapeRight"] and r["colourRight"] for r in rows)
    image = sum(r["imageJudge"]["right"] for r in rows)
    return {"prompts": len(rows), "shapeRight": sum(r["shapeRight"] for r in rows),
            "colourRight": sum(r["colourRight"] for r in rows), "bothRight": both,
            "wilson95": [round(x, 4) for x in _wilson(both, len(rows))],
            "imageJudgeBothRight": image, "imageJudgeWilson95": [round(x, 4) for x in _wilson(image, len(rows))],
            "bothJudgesRight": sum(r["shapeRight"] and r["colourRight"] and r["imageJudge"]["right"] for r in rows)}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Judge text-to-3D meshes by geometry and vertex colour.")
    ap.add_argument("glb", nargs="*")
    ap.add_argument("--eval", action="append", default=[], help="an eval-text-to-3d output folder (repeatable)")
    ap.add_argument("--tsv", action="append", default=[], help="the prompt suite that folder ran (one per --eval)")
    ap.add_argument("--out", help="write the --eval verdicts here as JSON")
    args = ap.parse_args(argv)
    for path in args.glb:
        print(json.dumps(judge_file(path)))
    if args.eval:
        if len(args.tsv) != len(args.eval):
            ap.error("give one --tsv (the suite it ran) per --eval folder")
        rows, missing = [], []
        for folder, tsv in zip(args.eval, args.tsv):
            r, m = judge_eval(folder, tsv)
            rows += r
            missing += m
        summary = _summary(rows)
        summary.update({"folders": args.eval, "suites": args.tsv, "notRun": missing, "results": rows})
        for r in rows:
            print("%-48s expected %-6s %-8s geometric %-6s %-8s %-5s iou=%.3f | image %-6s %-8s %s" % (
                r["prompt"], r["expectedColour"], r["expectedShape"], r["colour"], r["shape"],
                "ok" if r["shapeRight"] and r["colourRight"] else "WRONG", r["iou"],
                r["imageJudge"]["colour"], r["imageJudge"]["shape"], "ok" if r["imageJudge"]["right"] else "WRONG"))
        s = summary
        print("geometric judge: %d prompts; shape %d, colour %d, both %d (95%% Wilson %.0f-%.0f %%); image judge both %d "
              "(95%% Wilson %.0f-%.0f %%); both judges %d; not run %d" % (
                  s["prompts"], s["shapeRight"], s["colourRight"], s["bothRight"], 100 * s["wilson95"][0], 100 * s["wilson95"][1],
                  s["imageJudgeBothRight"], 100 * s["imageJudgeWilson95"][0], 100 * s["imageJudgeWilson95"][1],
                  s["bothJudgesRight"], len(missing)))
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                json.dump(summary, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
