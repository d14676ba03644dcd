"""Self-tests of the geometric judge on primitives it builds itself: python3 -m unittest discover -s scripts/eval

Every shape in several poses, scales and with noise, hairs and an interior shell is named right; a near miss of each
shape (a slab for the cube, a 2:1 ellipsoid for the sphere, a square prism for the cylinder, a square pyramid for the
cone, a disc for the torus) must not be named as that shape; colours are named from linear COLOR_0."""
import json
import math
import os
import struct
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shape_judge  # noqa: E402


def grid_surface(f, nu, nv, wrap_u=True):
    """Triangles of a parametric surface f(u, v) on [0,1]^2 (u wraps around when wrap_u)."""
    us = np.linspace(0, 1, nu, endpoint=not wrap_u)
    vs = np.linspace(0, 1, nv)
    uu, vv = np.meshgrid(us, vs, indexing="ij")
    pts = f(uu.ravel(), vv.ravel())
    tris = []
    cols = nu if wrap_u else nu - 1
    for i in range(cols):
        i2 = (i + 1) % nu
        for j in range(nv - 1):
            a, b, c, d = i * nv + j, i2 * nv + j, i2 * nv + j + 1, i * nv + j + 1
            tris += [(a, b, c), (a, c, d)]
    return pts, np.array(tris)


def merge(*parts):
    pts, tris, base = [], [], 0
    for p, t in parts:
        pts.append(p)
        tris.append(t + base)
        base += len(p)
    return np.vstack(pts), np.vstack(tris)


def disc(radius, z, n=48, up=True):
    ang = np.linspace(0, 2 * math.pi, n, endpoint=False)
    rim = np.stack([radius * np.cos(ang), radius * np.sin(ang), np.full(n, z)], axis=1)
    pts = np.vstack([[0, 0, z], rim])
    tris = np.array([(0, 1 + i, 1 + (i + 1) % n) if up else (0, 1 + (i + 1) % n, 1 + i) for i in range(n)])
    return pts, tris


def box(sx, sy, sz):
    c = np.array([[x, y, z] for x in (-sx, sx) for y in (-sy, sy) for z in (-sz, sz)]) / 2
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    return c, np.array([t for a, b, cc, d in faces for t in ((a, b, cc), (a, cc, d))])


def ellipsoid(a, b, c):
    return grid_surface(lambda u, v: np.stack([a * np.sin(math.pi * v) * np.cos(2 * math.pi * u),
                                               b * np.sin(math.pi * v) * np.sin(2 * math.pi * u),
                                               c * np.cos(math.pi * v)], axis=1), 48, 25)


def cylinder(r, h):
    side = grid_surface(lambda u, v: np.stack([r * np.cos(2 * math.pi * u), r * np.sin(2 * math.pi * u), h * (v - 0.5)], axis=1), 48, 6)
    return merge(side, disc(r, h / 2), disc(r, -h / 2, up=False))


def cone(r, h):
    side = grid_surface(lambda u, v: np.stack([r * (1 - v) * np.cos(2 * math.pi * u), r * (1 - v) * np.sin(2 * math.pi * u),
                                               h * v - h / 4], axis=1), 48, 8)
    return merge(side, disc(r, -h / 4, up=False))


def torus(big, small):
    return grid_surface(lambda u, v: np.stack([(big + small * np.cos(2 * math.pi * v)) * np.cos(2 * math.pi * u),
                                               (big + small * np.cos(2 * math.pi * v)) * np.sin(2 * math.pi * u),
                                               small * np.sin(2 * math.pi * v)], axis=1), 64, 24)


def pyramid(side, h):
    s = side / 2
    pts = np.array([[-s, -s, -h / 4], [s, -s, -h / 4], [s, s, -h / 4], [-s, s, -h / 4], [0, 0, 3 * h / 4]])
    tris = np.array([(0, 2, 1), (0, 3, 2), (0, 1, 4), (1, 2, 4), (2, 3, 4), (3, 0, 4)])
    return pts, tris


SHAPES = {"cube": lambda k: box(k, k, k), "sphere": lambda k: ellipsoid(k / 2, k / 2, k / 2),
          "cylinder": lambda k: cylinder(k * 0.4, k * 1.1), "cone": lambda k: cone(k * 0.5, k * 1.2),
          "torus": lambda k: torus(k * 0.4, k * 0.17)}
NEAR_MISSES = {"cube": ("a 1 x 1 x 0.3 slab", lambda: box(1, 1, 0.3)),
               "sphere": ("a 2:1:1 ellipsoid", lambda: ellipsoid(1.0, 0.5, 0.5)),
               "cylinder": ("a square prism 1 x 1 x 2", lambda: box(1, 1, 2)),
               "cone": ("a square pyramid", lambda: pyramid(1.0, 1.1)),
               "torus": ("a disc (short cylinder)", lambda: cylinder(0.6, 0.35))}


def posed(mesh, rng, scale, noise=0.0, hairs=0, shell=False):
    pts, tris = mesh
    if shell:  # an interior shell, as SDS meshes carry
        pts, tris = merge((pts, tris), (pts * 0.6, tris))
    if hairs:  # thin spikes out of the surface, as SDS meshes' fringes
        extra = []
        centre = pts.mean(axis=0)
        for i in rng.choice(len(pts), hairs, replace=True):
            p = pts[i]
            out = (p - centre) / (np.linalg.norm(p - centre) + 1e-9)
            side = np.cross(out, [0.3, 0.5, 0.8])
            side = side / np.linalg.norm(side) * 0.01
            extra.append((np.array([p - side, p + side, p + out * 0.25]), np.array([(0, 1, 2)])))
        pts, tris = merge((pts, tris), *extra)
    if noise:
        pts = pts + rng.normal(scale=noise, size=pts.shape)
    rot = shape_judge._random_rotations(1, seed=int(rng.integers(1 << 30)))[0]
    return (pts @ rot.T) * scale + rng.uniform(-2, 2, size=3), tris


def write_glb(path, pts, tris, linear_rgb, ubyte_colours=False, node_translation=None):
    pos = pts.astype("<f4").tobytes()
    col = (np.round(np.tile(linear_rgb, (len(pts), 1)) * 255).astype("<u1") if ubyte_colours else
           np.tile(np.asarray(linear_rgb, dtype="<f4"), (len(pts), 1))).tobytes()
    idx = tris.astype("<u4").tobytes()
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    blob = pad(pos) + pad(col) + pad(idx)
    o1, o2 = len(pad(pos)), len(pad(pos)) + len(pad(col))
    node = {"mesh": 0}
    if node_translation is not None:
        node["translation"] = list(node_translation)
    doc = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [node],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "COLOR_0": 1}, "indices": 2}]}],
           "buffers": [{"byteLength": len(blob)}],
           "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(pos)},
                           {"buffer": 0, "byteOffset": o1, "byteLength": len(col)},
                           {"buffer": 0, "byteOffset": o2, "byteLength": len(idx)}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": len(pts), "type": "VEC3",
                          "min": pts.min(axis=0).tolist(), "max": pts.max(axis=0).tolist()},
                         {"bufferView": 1, "componentType": 5121 if ubyte_colours else 5126, "normalized": ubyte_colours,
                          "count": len(pts), "type": "VEC3"},
                         {"bufferView": 2, "componentType": 5125, "count": tris.size, "type": "SCALAR"}]}
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    body = struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", len(blob), 0x004E4942) + blob
    with open(path, "wb") as f:
        f.write(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)


def srgb_to_linear(c):
    c = np.asarray(c, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


# Everyday renderings of each colour name (sRGB), none equal to a reference.
COLOURS = {"red": (0.75, 0.12, 0.10), "green": (0.20, 0.62, 0.25), "blue": (0.15, 0.25, 0.80), "yellow": (0.92, 0.85, 0.20),
           "white": (0.93, 0.93, 0.90), "black": (0.07, 0.07, 0.08), "orange": (0.92, 0.50, 0.10), "purple": (0.50, 0.18, 0.62)}


class ShapeJudgeTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.rng = np.random.default_rng(7)

    def tearDown(self):
        self.dir.cleanup()

    def judged(self, mesh, colour=(0.5, 0.5, 0.5), **kw):
        path = os.path.join(self.dir.name, "m.glb")
        write_glb(path, mesh[0], mesh[1], srgb_to_linear(colour), **kw)
        return shape_judge.judge_file(path)

    def test_every_shape_in_several_poses_scales_and_with_noise_hairs_and_a_shell(self):
        for name, make in SHAPES.items():
            for k, (scale, noise, hairs, shell) in enumerate([(1.0, 0.0, 0, False), (0.3, 0.004, 0, False),
                                                             (4.0, 0.01, 40, True)]):
                with self.subTest(shape=name, case=k):
                    v = self.judged(posed(make(1.0), self.rng, scale, noise=noise, hairs=hairs, shell=shell))
                    self.assertEqual(name, v["shape"], v["shapeDetail"])
                    self.assertGreater(v["shapeDetail"]["iou"], 0.8, v["shapeDetail"])

    def test_a_near_miss_of_each_shape_is_not_named_as_it(self):
        for name, (what, make) in NEAR_MISSES.items():
            with self.subTest(shape=name, near_miss=what):
                v = self.judged(posed(make(), self.rng, 1.5, noise=0.003))
                self.assertNotEqual(name, v["shape"], "%s judged %s: %s" % (what, name, v["shapeDetail"]))

    def test_colours_are_named_from_linear_vertex_colours(self):
        shapes = list(SHAPES)
        for i, (name, srgb) in enumerate(COLOURS.items()):
            with self.subTest(colour=name):
                v = self.judged(posed(SHAPES[shapes[i % 5]](1.0), self.rng, 1.0), colour=srgb)
                self.assertEqual(name, v["colour"], v["colourDetail"])
                self.assertAlmostEqual(srgb[0], v["colourDetail"]["meanSrgb"][0], delta=0.01)

    def test_reading_colours_as_if_they_were_srgb_would_name_some_wrong(self):
        # the linear -> sRGB step matters: treating sRGB values as linear darkens them (orange reads as red)
        wrong = [n for n, srgb in COLOURS.items()
                 if shape_judge.name_colours(np.array([srgb_to_linear(srgb) ** 2.2]), np.ones(1))[0] != n]
        self.assertTrue(wrong)

    def test_normalised_byte_colours_and_node_transforms_are_read(self):
        mesh = posed(SHAPES["cube"](1.0), self.rng, 1.0)
        v = self.judged(mesh, colour=COLOURS["blue"], ubyte_colours=True, node_translation=(10, 0, 0))
        self.assertEqual(("cube", "blue"), (v["shape"], v["colour"]))

    def test_an_eval_folder_is_judged_against_its_suite_and_unfinished_prompts_are_not_run(self):
        d = self.dir.name
        with open(os.path.join(d, "suite.tsv"), "w") as f:
            f.write("# a suite\na red globe\tsphere\tred\na blue ring\ttorus\tblue\na green drum\tcylinder\tgreen\n")
        for i, (mesh, colour, image) in enumerate([(SHAPES["sphere"](1.0), COLOURS["red"], ("sphere", "red")),
                                                   (SHAPES["cone"](1.0), COLOURS["blue"], ("torus", "blue"))]):
            os.makedirs(os.path.join(d, "run", "%02d" % i))
            write_glb(os.path.join(d, "run", "%02d" % i, "model.glb"), mesh[0], mesh[1], srgb_to_linear(colour))
            with open(os.path.join(d, "run", "%02d" % i, "metrics.json"), "w") as f:
                json.dump({"prompt": ["a red globe", "a blue ring"][i], "quality": {"judgedShape": image[0], "judgedColour": image[1]}}, f)
        rows, missing = shape_judge.judge_eval(os.path.join(d, "run"), os.path.join(d, "suite.tsv"))
        self.assertEqual(["a green drum"], missing)
        self.assertEqual([True, False], [r["shapeRight"] and r["colourRight"] for r in rows])  # the cone is no torus
        self.assertEqual([True, True], [r["imageJudge"]["right"] for r in rows])
        s = shape_judge._summary(rows)
        self.assertEqual((2, 1, 2, 1), (s["prompts"], s["bothRight"], s["imageJudgeBothRight"], s["bothJudgesRight"]))

    def test_wilson_interval(self):
        lo, hi = shape_judge._wilson(110, 128)  # the figure the docs quote: 79-91 %
        self.assertEqual((79, 91), (round(100 * lo), round(100 * hi)))

    def test_not_a_glb_is_refused(self):
        path = os.path.join(self.dir.name, "x.glb")
        with open(path, "wb") as f:
            f.write(b"not a glb at all")
        with self.assertRaises((ValueError, struct.error)):
            shape_judge.read_glb(path)


if __name__ == "__main__":
    unittest.main()
