"""Synthetic product scene for judging forge3d's mesh export against known geometry.

Run inside Blender (tested with Debian's Blender 3.4.1):
    blender -b --factory-startup -P scripts/product-scenes/render_scene.py -- \
        --scene tune-mug --seed 1 --views 60 --size 400 --out /work/scenes/tune-mug [--kind mug] [--samples 24]

Builds everything procedurally (no downloaded assets): one product object standing on a textured table top in a
textured room, lights, and cameras orbiting the product on three elevation rings. Writes, under --out:

    images/v000.png ...            opaque RGB photos (no alpha), the views in index order
    transforms_train.json          NeRF-synthetic layout: camera_angle_x + ALL frames in index order; the project's
                                   loader holds out index % 8 == 0 itself, so its held-out set is exactly the test set
    transforms_test.json           the held-out frames only (index % 8 == 0), same format
    gt/object.ply                  the product's surface (evaluated, triangulated, world coordinates, metres),
                                   without the faces that lie flat on the table (they are never visible)
    gt/object_closed.ply           the same with the contact faces kept (a closed surface)
    gt/scene.json                  bbox, diagonal, table plane, up axis, cameras, test views, render settings
    gt/masks/v000.png ...          the product's silhouette (0/255 greyscale PNG) for every view (not only test)
    gt/colmap/{cameras,images,points3D}.txt   the true cameras as a COLMAP text model (for `forge3d sfm-eval --gt`)

Blender's world frame: right-handed, +Z up, metres. transform_matrix is camera-to-world in Blender/OpenGL camera
convention (camera looks along its -Z, +Y up in the image, +X right), as NeRF-synthetic.
"""
import argparse
import json
import math
import os
import random
import struct
import sys
import time
import zlib

import bmesh
import bpy
import numpy as np
from mathutils import Matrix, Vector

TABLE_HEIGHT = 0.75  # metres; the table top plane z = TABLE_HEIGHT, normal +Z


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    ap = argparse.ArgumentParser()
    ap.add_argument("--scene", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--views", type=int, default=60)
    ap.add_argument("--size", type=int, default=400)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kind", help="mug|vase|bottle|shoe|toy|box (default: the word after the first '-' of --scene)")
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--shared-noise", action="store_true",
                    help="one sampling seed for every view (how scenes were rendered before 2026-12-07 08:30 UTC)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fill", type=float, default=0.62,
                    help="bounding-sphere diameter of the product as a fraction of the frame width")
    ap.add_argument("--only", type=int, default=-1, help="render only the first N views (timing tests)")
    ap.add_argument("--hold-out-every", type=int, default=8)
    ap.add_argument("--capture", choices=("orbit", "turntable"), default="orbit",
                    help="orbit: the camera walks around the product in a still room; turntable: the product turns "
                         "on a disc in front of a fixed camera (one fixed camera per elevation ring), so the room, "
                         "the table and the lights stay still in the photos")
    ap.add_argument("--pale-product", action="store_true",
                    help="near-white and grey product colours (a white product on a white sweep)")
    ap.add_argument("--backdrop", choices=("room", "white", "black"), default="room",
                    help="room: a textured table in a textured room; white / black: a studio sweep, the product on a "
                         "seamless plain paper cyclorama (flat floor curving up into a wall all round), few features "
                         "but the product's own")
    return ap.parse_args(argv)


# ---------------------------------------------------------------------------------------------------------------
# geometry

def lathe(name, profile, segments=96):
    """Solid of revolution about +Z of a profile [(r, z), ...] whose first and last points lie on the axis (r = 0):
    a closed manifold surface. Returns the object."""
    assert profile[0][0] == 0 and profile[-1][0] == 0
    bm = bmesh.new()
    rings = []
    for r, z in profile[1:-1]:
        ring = [bm.verts.new((r * math.cos(2 * math.pi * k / segments), r * math.sin(2 * math.pi * k / segments), z))
                for k in range(segments)]
        rings.append(ring)
    bottom = bm.verts.new((0, 0, profile[0][1]))
    top = bm.verts.new((0, 0, profile[-1][1]))
    for k in range(segments):
        k1 = (k + 1) % segments
        bm.faces.new((bottom, rings[0][k1], rings[0][k]))
        for a, b in zip(rings[:-1], rings[1:]):
            bm.faces.new((a[k], a[k1], b[k1], b[k]))
        bm.faces.new((rings[-1][k], rings[-1][k1], top))
    bm.normal_update()
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    me = bpy.data.meshes.new(name)
    bm.to_mesh(me)
    bm.free()
    ob = bpy.data.objects.new(name, me)
    bpy.context.scene.collection.objects.link(ob)
    return ob


def arc(cx, cz, rad, a0, a1, n):
    """Points (r, z) on a circular arc, angles in degrees."""
    return [(cx + rad * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cz + rad * math.sin(math.radians(a0 + (a1 - a0) * i / n)))
            for i in range(n + 1)]


def add_prim(kind, **kw):
    getattr(bpy.ops.mesh, "primitive_%s_add" % kind)(**kw)
    return bpy.context.active_object


def boolean(host, other, op):
    m = host.modifiers.new("%s_%s" % (op, other.name), "BOOLEAN")
    m.operation = op
    m.object = other
    m.solver = "EXACT"
    other.hide_render = True
    other.hide_viewport = True


def bake(ob, name):
    """The evaluated mesh (modifiers applied) of ob as a new plain object; ob and its boolean operands are removed."""
    dg = bpy.context.evaluated_depsgraph_get()
    ev = ob.evaluated_get(dg)
    me = bpy.data.meshes.new_from_object(ev, depsgraph=dg)
    me.transform(ob.matrix_world)
    out = bpy.data.objects.new(name, me)
    bpy.context.scene.collection.objects.link(out)
    helpers = [ob] + [m.object for m in ob.modifiers if m.type == "BOOLEAN" and m.object]
    for h in helpers:
        bpy.data.objects.remove(h, do_unlink=True)
    return out


def bevel(ob, width, segments=3):
    m = ob.modifiers.new("bevel", "BEVEL")
    m.width = width
    m.segments = segments
    m.limit_method = "ANGLE"


def apply_mods(ob):
    """Bake modifiers of an operand in place (bevel before it is used in a boolean)."""
    dg = bpy.context.evaluated_depsgraph_get()
    me = bpy.data.meshes.new_from_object(ob.evaluated_get(dg), depsgraph=dg)
    old = ob.data
    ob.modifiers.clear()
    ob.data = me
    bpy.data.meshes.remove(old)


def make_product(kind, rng):
    u = lambda a, b: rng.uniform(a, b)
    if kind == "mug":
        R, H, w = u(0.042, 0.05), u(0.10, 0.12), 0.006
        outer = lathe("outer", [(0, 0)] + arc(R - 0.004, 0.004, 0.004, -90, 0, 4)[0:] + [(R, H - 0.002)] +
                      arc(R - 0.002, H - 0.002, 0.002, 0, 90, 3) + [(0, H)])
        cavity = lathe("cavity", [(0, 0.008)] + arc(R - w - 0.006, 0.014, 0.006, -90, 0, 4) + [(R - w, H + 0.02), (0, H + 0.02)])
        handle = add_prim("torus", major_radius=0.032 * H / 0.11, minor_radius=0.0065, major_segments=64, minor_segments=16,
                          location=(R + 0.008, 0, 0.53 * H), rotation=(math.pi / 2, 0, 0))
        boolean(outer, handle, "UNION")
        boolean(outer, cavity, "DIFFERENCE")
        return bake(outer, "product")
    if kind == "vase":
        H = u(0.20, 0.24)
        rb, rm, rn, rl = u(0.035, 0.045), u(0.065, 0.08), u(0.022, 0.028), u(0.032, 0.038)
        prof = [(0, 0)] + arc(rb - 0.004, 0.004, 0.004, -90, 0, 3)
        for i in range(1, 25):  # body: bulge then neck then flared lip
            t = i / 25
            r = rb + (rm - rb) * math.sin(math.pi * min(1, t / 0.7) * 0.5) if t < 0.45 else \
                rn + (rm - rn) * 0.5 * (1 + math.cos(math.pi * min(1, (t - 0.45) / 0.35)))
            if t > 0.8:
                r = rn + (rl - rn) * ((t - 0.8) / 0.2) ** 1.5
            prof.append((r, 0.006 + (H - 0.006) * t))
        prof += [(rl, H), (rl - 0.004, H), (rn - 0.004, H - 0.02), (rn - 0.004, H - 0.045), (0, H - 0.05)]
        ob = lathe("vase", prof)
        return bake(ob, "product")
    if kind == "bottle":
        H = u(0.22, 0.26)
        rb, rn = u(0.036, 0.042), u(0.012, 0.015)
        hb = 0.55 * H
        prof = [(0, 0)] + arc(rb - 0.005, 0.005, 0.005, -90, 0, 4) + [(rb, hb)]
        prof += [(rn + (rb - rn) * 0.5 * (1 + math.cos(math.pi * i / 10)), hb + 0.2 * H * i / 10) for i in range(1, 11)]
        prof += [(rn, 0.86 * H), (rn + 0.003, 0.865 * H), (rn + 0.003, H - 0.002)] + arc(rn + 0.001, H - 0.002, 0.002, 0, 90, 3) + [(0, H)]
        return bake(lathe("bottle", prof), "product")
    if kind == "shoe":
        L, W = u(0.26, 0.30), u(0.09, 0.11)
        sole = add_prim("cube", size=1, location=(0, 0, 0.0125))
        sole.scale = (L, W, 0.025)
        bevel(sole, 0.008)
        apply_mods(sole)
        upper = add_prim("uv_sphere", radius=1, segments=48, ring_count=24, location=(0.03 * L, 0, 0.025))
        upper.scale = (0.45 * L, 0.45 * W, 0.075)
        ankle = add_prim("cylinder", radius=0.045, depth=0.11, vertices=48, location=(-0.3 * L, 0, 0.065))
        ankle.scale = (1.0, W / 0.1, 1)
        cut = add_prim("cube", size=1, location=(0, 0, 0.003 - 0.1))  # the upper's lower half: flat sole bottom
        cut.scale = (1, 1, 0.2)
        boolean(sole, upper, "UNION")
        boolean(sole, ankle, "UNION")
        boolean(sole, cut, "DIFFERENCE")
        return bake(sole, "product")
    if kind == "toy":  # a robot of primitives standing on two feet
        s = u(0.9, 1.1)
        legs = [add_prim("cube", size=1, location=(0, y * 0.025 * s, 0.03 * s)) for y in (-1, 1)]
        for lg in legs:
            lg.scale = (0.035 * s, 0.03 * s, 0.06 * s)
        body = add_prim("cube", size=1, location=(0, 0, 0.10 * s))
        body.scale = (0.06 * s, 0.10 * s, 0.09 * s)
        bevel(body, 0.005)
        apply_mods(body)
        head = add_prim("uv_sphere", radius=0.035 * s, segments=40, ring_count=20, location=(0, 0, 0.175 * s))
        arms = [add_prim("cylinder", radius=0.012 * s, depth=0.09 * s, vertices=24,
                         location=(0.01 * s, y * 0.06 * s, 0.10 * s), rotation=(y * 0.35, 0, 0)) for y in (-1, 1)]
        ant = add_prim("cylinder", radius=0.003 * s, depth=0.04 * s, vertices=12, location=(0, 0, 0.215 * s))
        knob = add_prim("uv_sphere", radius=0.008 * s, segments=16, ring_count=8, location=(0, 0, 0.235 * s))
        for o in legs + [head] + arms + [ant, knob]:
            boolean(body, o, "UNION")
        return bake(body, "product")
    if kind == "box":
        a, b, c = u(0.10, 0.13), u(0.06, 0.08), u(0.16, 0.20)
        box = add_prim("cube", size=1, location=(0, 0, c / 2))
        box.scale = (a, b, c)
        bevel(box, 0.003)
        cap = add_prim("cylinder", radius=0.022, depth=0.03, vertices=48, location=(0, 0, c + 0.0149))
        apply_mods(box)
        boolean(box, cap, "UNION")
        return bake(box, "product")
    raise SystemExit("unknown kind " + kind)


# ---------------------------------------------------------------------------------------------------------------
# materials (Cycles node trees, all procedural)

def new_mat(name):
    m = bpy.data.materials.new(name)
    m.use_nodes = True
    nt = m.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    return m, nt, bsdf


def link(nt, a, b):
    nt.links.new(a, b)


def node(nt, t, **kw):
    n = nt.nodes.new(t)
    for k, v in kw.items():
        if k in n.inputs:
            n.inputs[k].default_value = v
        else:
            setattr(n, k, v)
    return n


def contrast(nt, fac, lo=0.35, hi=0.65):
    mr = node(nt, "ShaderNodeMapRange")
    mr.inputs["From Min"].default_value = lo
    mr.inputs["From Max"].default_value = hi
    link(nt, fac, mr.inputs["Value"])
    return mr.outputs["Result"]


def mix(nt, fac, c1, c2, blend="MIX"):
    m = node(nt, "ShaderNodeMixRGB", blend_type=blend)
    for i, c in ((1, c1), (2, c2)):
        if isinstance(c, (tuple, list)):
            m.inputs[i].default_value = tuple(c) + (1,) if len(c) == 3 else c
        else:
            link(nt, c, m.inputs[i])
    if isinstance(fac, (int, float)):
        m.inputs[0].default_value = fac
    else:
        link(nt, fac, m.inputs[0])
    return m.outputs[0]


PALE_PRODUCT = False


def rand_colour(rng, sat=(0.4, 0.8), val=(0.35, 0.8)):
    import colorsys
    r, g, b = colorsys.hsv_to_rgb(rng.random(), rng.uniform(*sat), rng.uniform(*val))
    return (r ** 2.2, g ** 2.2, b ** 2.2)  # linear


def product_material(rng, size):
    m, nt, bsdf = new_mat("product")
    tc = node(nt, "ShaderNodeTexCoord")
    k = 1.0 / size  # pattern scales relative to the product's size
    noise = node(nt, "ShaderNodeTexNoise", Scale=rng.uniform(5, 8) * k, Detail=5.0, Roughness=0.6)
    link(nt, tc.outputs["Object"], noise.inputs["Vector"])
    # --pale-product: near-white and grey (a white product on a white sweep, the hard case for a mask estimate)
    pale = dict(sat=(0.0, 0.08), val=(0.8, 0.95)) if PALE_PRODUCT else {}
    c1, c2 = rand_colour(rng, **pale), rand_colour(rng, **pale)
    col = mix(nt, contrast(nt, noise.outputs["Fac"]), c1, c2)
    vor = node(nt, "ShaderNodeTexVoronoi", Scale=rng.uniform(18, 26) * k * 0.2)
    link(nt, tc.outputs["Object"], vor.inputs["Vector"])
    speck = node(nt, "ShaderNodeMath", operation="LESS_THAN")
    speck.inputs[1].default_value = 0.18
    link(nt, vor.outputs["Distance"], speck.inputs[0])
    col = mix(nt, speck.outputs[0], col, rand_colour(rng, **(pale or dict(val=(0.7, 0.95)))))
    chk = node(nt, "ShaderNodeTexChecker", Scale=rng.uniform(2.5, 3.5) * k)
    link(nt, tc.outputs["Object"], chk.inputs["Vector"])
    col = mix(nt, 0.35, col, chk.outputs["Color"], "OVERLAY")
    link(nt, col, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.6
    bsdf.inputs["Specular"].default_value = 0.25
    return m


def table_material(rng, style):
    m, nt, bsdf = new_mat("table")
    tc = node(nt, "ShaderNodeTexCoord")
    if style == "wood":
        wave = node(nt, "ShaderNodeTexWave", Scale=rng.uniform(2.5, 4.0), Distortion=rng.uniform(6, 10), Detail=4.0)
        link(nt, tc.outputs["Object"], wave.inputs["Vector"])
        c1, c2 = (0.30, 0.14, 0.05), (0.10, 0.04, 0.015)
        col = mix(nt, wave.outputs["Fac"], c1, c2)
    else:  # mosaic: irregular cells of random colour at two sizes (a regular tile grid defeated SfM: tune-vase-tiles)
        base = rand_colour(rng, val=(0.3, 0.6))
        v1 = node(nt, "ShaderNodeTexVoronoi", Scale=rng.uniform(7, 10))
        link(nt, tc.outputs["Object"], v1.inputs["Vector"])
        v2 = node(nt, "ShaderNodeTexVoronoi", Scale=rng.uniform(25, 35))
        link(nt, tc.outputs["Object"], v2.inputs["Vector"])
        col = mix(nt, 0.55, base, v1.outputs["Color"])
        col = mix(nt, 0.3, col, v2.outputs["Color"])
    fine = node(nt, "ShaderNodeTexNoise", Scale=rng.uniform(60, 90), Detail=4.0)
    link(nt, tc.outputs["Object"], fine.inputs["Vector"])
    col = mix(nt, 0.45, col, contrast(nt, fine.outputs["Fac"], 0.3, 0.7), "OVERLAY")
    link(nt, col, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.55
    return m


def wall_material(rng):
    m, nt, bsdf = new_mat("wall")
    tc = node(nt, "ShaderNodeTexCoord")
    br = node(nt, "ShaderNodeTexBrick", Scale=1.6)
    br.inputs["Color1"].default_value = rand_colour(rng, sat=(0.2, 0.5), val=(0.5, 0.8)) + (1,)
    br.inputs["Color2"].default_value = rand_colour(rng, sat=(0.2, 0.5), val=(0.3, 0.6)) + (1,)
    # bricks are 2D (x, y): on a vertical wall that gave plain stripes; use (x + y, z) so walls get brick courses
    sep = node(nt, "ShaderNodeSeparateXYZ")
    link(nt, tc.outputs["Object"], sep.inputs[0])
    add = node(nt, "ShaderNodeMath", operation="ADD")
    link(nt, sep.outputs["X"], add.inputs[0])
    link(nt, sep.outputs["Y"], add.inputs[1])
    comb = node(nt, "ShaderNodeCombineXYZ")
    link(nt, add.outputs[0], comb.inputs["X"])
    link(nt, sep.outputs["Z"], comb.inputs["Y"])
    link(nt, comb.outputs[0], br.inputs["Vector"])
    n = node(nt, "ShaderNodeTexNoise", Scale=20.0, Detail=4.0)
    link(nt, tc.outputs["Object"], n.inputs["Vector"])
    col = mix(nt, 0.3, br.outputs["Color"], n.outputs["Color"], "OVERLAY")
    link(nt, col, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.9
    return m


def floor_material(rng):
    m, nt, bsdf = new_mat("floor")
    tc = node(nt, "ShaderNodeTexCoord")
    chk = node(nt, "ShaderNodeTexChecker", Scale=3.0)
    chk.inputs["Color1"].default_value = rand_colour(rng, val=(0.5, 0.7)) + (1,)
    chk.inputs["Color2"].default_value = (0.08, 0.08, 0.08, 1)
    link(nt, tc.outputs["Object"], chk.inputs["Vector"])
    n = node(nt, "ShaderNodeTexNoise", Scale=15.0, Detail=6.0)
    link(nt, tc.outputs["Object"], n.inputs["Vector"])
    link(nt, mix(nt, 0.35, chk.outputs["Color"], n.outputs["Color"], "OVERLAY"), bsdf.inputs["Base Color"])
    return m


SWEEP_ALBEDO = {"white": 0.80, "black": 0.012}  # linear: white seamless paper, black velvet-like paper
SWEEP_KEY_WATTS = {"white": 35.0, "black": 110.0}  # the white sweep lights the product by bounces; the black one hardly


def sweep_material(colour):
    """Plain matte paper: one colour, with a barely visible large-scale mottle (+-1.5 %, blotches of ~30 cm) as real
    paper has; nothing SfM could match at product distance."""
    m, nt, bsdf = new_mat("sweep_" + colour)
    tc = node(nt, "ShaderNodeTexCoord")
    a = SWEEP_ALBEDO[colour]
    n = node(nt, "ShaderNodeTexNoise", Scale=3.0, Detail=1.0)
    link(nt, tc.outputs["Object"], n.inputs["Vector"])
    col = mix(nt, n.outputs["Fac"], (a * 0.985,) * 3, (a * 1.015,) * 3)
    link(nt, col, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.95
    bsdf.inputs["Specular"].default_value = 0.1
    return m


def sweep_obj(centre_xy, z0, mat, floor_r=0.9, cove_r=0.5, wall_h=2.5, segments=128):
    """A seamless cyclorama around the product: a flat floor disc of radius floor_r at height z0, a quarter-circle
    cove of radius cove_r curving up, then a vertical wall wall_h high, closed by a flat ceiling. One smooth surface
    of revolution (normals inward), so no seam, edge or corner gives a feature."""
    prof = [(0.0, z0)] + [(floor_r * i / 6, z0) for i in range(1, 7)]
    prof += [(floor_r + cove_r * math.sin(math.radians(a)), z0 + cove_r * (1 - math.cos(math.radians(a))))
             for a in range(6, 91, 6)]
    prof += [(floor_r + cove_r, z0 + cove_r + wall_h * i / 4) for i in range(1, 5)]
    top = z0 + cove_r + wall_h
    prof += [(floor_r + cove_r - (floor_r + cove_r) * i / 6, top) for i in range(1, 6)] + [(0.0, top)]
    ob = lathe("sweep", prof, segments)
    ob.data.transform(Matrix.Translation((centre_xy[0], centre_xy[1], 0)))
    for p in ob.data.polygons:
        p.use_smooth = True
    ob.data.flip_normals()  # the camera is inside
    ob.data.materials.append(mat)
    return ob


def box_obj(name, size, loc, mat):
    ob = add_prim("cube", size=1, location=loc)
    ob.name = name
    ob.data.transform(Matrix.Diagonal(Vector(size)).to_4x4())  # real size in the mesh: Object texture coords in metres
    ob.data.materials.append(mat)
    return ob


# ---------------------------------------------------------------------------------------------------------------
# output helpers (no PIL in Blender's Python: a minimal PNG writer)

def write_png_grey(path, a):
    """a: HxW uint8, row 0 = top."""
    h, w = a.shape
    raw = b"".join(b"\x00" + a[y].tobytes() for y in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def write_ply(path, verts, tris):
    with open(path, "wb") as f:
        f.write(("ply\nformat binary_little_endian 1.0\ncomment forge3d product-scenes ground truth, metres, +Z up\n"
                 "element vertex %d\nproperty float x\nproperty float y\nproperty float z\n"
                 "element face %d\nproperty list uchar int vertex_indices\nend_header\n" % (len(verts), len(tris))).encode())
        f.write(np.asarray(verts, dtype="<f4").tobytes())
        rec = np.zeros(len(tris), dtype=[("n", "u1"), ("i", "<i4", (3,))])
        rec["n"] = 3
        rec["i"] = tris
        f.write(rec.tobytes())


def mesh_arrays(ob):
    me = ob.data
    me.calc_loop_triangles()
    v = np.array([ob.matrix_world @ x.co for x in me.vertices], dtype=np.float64)
    t = np.array([tuple(lt.vertices) for lt in me.loop_triangles], dtype=np.int64)
    return v, t


def rot_to_quat(R):
    m = np.asarray(R, dtype=np.float64)
    tr = np.trace(m)
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    q = np.array(q)
    return q if q[0] >= 0 else -q


# ---------------------------------------------------------------------------------------------------------------

def main():
    global PALE_PRODUCT
    a = parse_args()
    PALE_PRODUCT = a.pale_product
    kind = a.kind or a.scene.split("-", 1)[-1].split("-")[0]
    rng = random.Random(a.seed)
    out = os.path.abspath(a.out)
    for d in ("images", "gt/masks", "gt/colmap"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene

    # --- product, placed on the table with a random turn about +Z and a small offset
    prod = make_product(kind, rng)
    v, _ = mesh_arrays(prod)
    turn = Matrix.Rotation(rng.uniform(0, 2 * math.pi), 4, "Z")
    off = Vector((rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03), TABLE_HEIGHT - v[:, 2].min()))
    prod.data.transform(Matrix.Translation(off) @ turn)
    prod.data.update()
    for p in prod.data.polygons:
        p.use_smooth = True
    prod.data.use_auto_smooth = True
    prod.data.auto_smooth_angle = math.radians(40)
    v, t = mesh_arrays(prod)
    bmin, bmax = v.min(0), v.max(0)
    diag = float(np.linalg.norm(bmax - bmin))
    size = float((bmax - bmin).max())
    prod.data.materials.append(product_material(rng, size))
    prod.pass_index = 1

    # --- table, room, lights
    style = "wood" if a.seed % 2 == 1 else "mosaic"
    tmat = table_material(rng, style)
    turntable = a.capture == "turntable"
    # On a turntable the product stands on a disc 8 mm proud of the table (the table top is lowered by as much).
    drop = 0.008 if turntable else 0.0
    sweep = a.backdrop != "room"
    if sweep:  # a studio sweep instead of table and room (the table's and room's draws above keep rng in step)
        wall_material(rng), floor_material(rng)
        style = "sweep-" + a.backdrop
        sweep_obj(((bmin[0] + bmax[0]) / 2, (bmin[1] + bmax[1]) / 2), TABLE_HEIGHT - drop, sweep_material(a.backdrop))
    else:
        box_obj("table_top", (2.4, 1.8, 0.04), (0, 0, TABLE_HEIGHT - 0.02 - drop), tmat)
        for sx in (-1, 1):
            for sy in (-1, 1):
                box_obj("leg", (0.06, 0.06, TABLE_HEIGHT - 0.04), (sx * 1.1, sy * 0.8, (TABLE_HEIGHT - 0.04) / 2), tmat)
        wmat, fmat = wall_material(rng), floor_material(rng)
        box_obj("floor", (8, 8, 0.02), (0, 0, -0.01), fmat)
        box_obj("ceiling", (8, 8, 0.02), (0, 0, 3.01), wmat)
        for i, (sz, loc) in enumerate([((8, 0.02, 3), (0, 4, 1.5)), ((8, 0.02, 3), (0, -4, 1.5)),
                                       ((0.02, 8, 3), (4, 0, 1.5)), ((0.02, 8, 3), (-4, 0, 1.5))]):
            box_obj("wall%d" % i, sz, loc, wmat)
    sun_az = rng.uniform(0, 2 * math.pi)
    bpy.ops.object.light_add(type="SUN", rotation=(math.radians(40), 0, sun_az))
    sun = bpy.context.active_object
    bpy.context.active_object.data.energy = 1.6
    bpy.context.active_object.data.angle = math.radians(15)
    bpy.ops.object.light_add(type="AREA", location=(0.3, -0.2, 2.6))
    bpy.context.active_object.data.energy = 120
    bpy.context.active_object.data.size = 1.5
    if sweep:  # the sun cannot reach inside the closed sweep: one big soft key light above instead, as in a studio,
        # bright enough that white paper comes out near white (not clipped: the product's shadow stays visible)
        key = bpy.context.active_object
        key.location = ((bmin[0] + bmax[0]) / 2 + 0.3, (bmin[1] + bmax[1]) / 2 - 0.2, TABLE_HEIGHT + 1.6)
        key.data.energy = SWEEP_KEY_WATTS[a.backdrop]
        bpy.data.objects.remove(sun, do_unlink=True)
    # Everything but the product (and the turntable's disc) stays still relative to a turntable's camera.
    still = [ob for ob in scene.objects if ob is not prod]
    if turntable:
        drng = random.Random(a.seed * 31 + 5)  # its own generator: orbit scenes render exactly as before
        disc_r = max(0.08, 0.75 * float(max(bmax[0] - bmin[0], bmax[1] - bmin[1])))
        disc = add_prim("cylinder", radius=disc_r, depth=drop, vertices=96,
                        location=((bmin[0] + bmax[0]) / 2, (bmin[1] + bmax[1]) / 2, TABLE_HEIGHT - drop / 2))
        disc.name = "turntable"
        disc.data.materials.append(table_material(drng, "mosaic"))
    world = bpy.data.worlds.new("world")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.7, 0.72, 0.8, 1)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.45
    scene.world = world

    # --- render settings
    r = scene.render
    r.engine = "CYCLES"
    r.resolution_x = r.resolution_y = a.size
    r.resolution_percentage = 100
    r.film_transparent = False
    r.use_persistent_data = True
    r.threads_mode = "FIXED"
    r.threads = a.threads
    r.image_settings.file_format = "PNG"
    r.image_settings.color_mode = "RGB"
    r.image_settings.color_depth = "8"
    r.image_settings.compression = 15
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    cy = scene.cycles
    cy.device = "CPU"
    cy.samples = a.samples
    cy.use_adaptive_sampling = True
    cy.adaptive_threshold = 0.03
    cy.use_denoising = False  # Debian's Blender 3.4.1 has no OpenImageDenoise
    cy.max_bounces = 2
    cy.diffuse_bounces = 1
    cy.glossy_bounces = 1
    cy.transmission_bounces = 0
    cy.volume_bounces = 0
    cy.transparent_max_bounces = 2
    cy.caustics_reflective = cy.caustics_refractive = False
    cy.seed = a.seed
    cy.pixel_filter_type = "BLACKMAN_HARRIS"

    cam_data = bpy.data.cameras.new("cam")
    cam_data.sensor_fit = "HORIZONTAL"
    cam_data.sensor_width = 36
    cam_data.lens = 45
    cam_data.clip_start = 0.01
    cam_data.clip_end = 50
    cam = bpy.data.objects.new("cam", cam_data)
    scene.collection.objects.link(cam)
    scene.camera = cam
    fov = cam_data.angle_x

    # --- camera rings
    centre = (bmin + bmax) / 2
    radius = diag / 2
    dist = radius / (a.fill * math.tan(fov / 2))
    elev = [20.0, 35.0, 50.0]
    per_ring = a.views / len(elev)
    crng = random.Random(a.seed * 7919 + 1)
    c2ws = []
    for i in range(a.views):
        ring, k = i % 3, i // 3
        az = math.radians(360.0 * k / per_ring + 120.0 / per_ring * ring + crng.uniform(-2, 2))
        el = math.radians(elev[ring] + crng.uniform(-2, 2))
        d = dist * crng.uniform(0.95, 1.05)
        tgt = Vector(centre) + Vector([crng.uniform(-0.01, 0.01) * size for _ in range(3)])
        if turntable:  # a fixed camera: only the turntable's angle varies (the draws above keep orbit scenes as they were)
            el, d, tgt = math.radians(elev[ring]), dist, Vector(centre)
        pos = tgt + d * Vector((math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)))
        rot = (tgt - pos).to_track_quat("-Z", "Y").to_matrix().to_4x4()
        c2ws.append(Matrix.Translation(pos) @ rot)

    n = a.views if a.only < 0 else min(a.only, a.views)
    t0 = time.time()
    still_base = {ob.name: ob.matrix_world.copy() for ob in still}

    def place_still(i):
        """Turntable: the room moves rigidly with the camera, so that it looks exactly the same in every photo of a
        ring (the ring's first photo sees it where it was built): a fixed camera, a turning product."""
        if not turntable:
            return
        follow = c2ws[i] @ c2ws[i % 3].inverted()
        for ob in still:
            ob.matrix_world = follow @ still_base[ob.name]

    for i in range(n):
        cam.matrix_world = c2ws[i]
        place_still(i)
        # Each photo its own sampling noise, as a camera's sensor gives: with one seed for all views the grain is
        # the same pattern at the same pixels in every photo, and SIFT matches it as a backdrop that stood still
        # (46-54 % of the matches on the white sweeps, docs/sfm.md). Scenes rendered before 2026-12-07 08:30 UTC
        # (every scene in scenes.json) have the shared pattern; --shared-noise renders them that way again.
        if not a.shared_noise:
            cy.seed = a.seed * 1000 + i
        r.filepath = os.path.join(out, "images", "v%03d.png" % i)
        bpy.ops.render.render(write_still=True)
    photo_s = (time.time() - t0) / max(1, n)
    print("RENDER photos: %d views, %.2f s per view" % (n, photo_s), flush=True)

    # --- silhouettes: product only, white emission on black, box filter; coverage thresholded at 0.5
    for ob in scene.objects:
        if ob.type in ("MESH", "LIGHT") and ob is not prod:
            ob.hide_render = True
    emit = bpy.data.materials.new("mask")
    emit.use_nodes = True
    nt = emit.node_tree
    nt.nodes.remove(nt.nodes["Principled BSDF"])
    em = nt.nodes.new("ShaderNodeEmission")
    nt.links.new(em.outputs[0], nt.nodes["Material Output"].inputs["Surface"])
    prod.data.materials[0] = emit
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0
    cy.samples = 16
    cy.use_adaptive_sampling = False
    cy.max_bounces = 0
    cy.pixel_filter_type = "BOX"
    cy.filter_width = 1.0
    r.image_settings.color_mode = "BW"
    tmp = os.path.join(out, "gt", "masks", "_tmp.png")
    t0 = time.time()
    for i in range(n):
        cam.matrix_world = c2ws[i]
        r.filepath = tmp
        bpy.ops.render.render(write_still=True)
        img = bpy.data.images.load(tmp)
        px = np.array(img.pixels[:], dtype=np.float32).reshape(a.size, a.size, img.channels)[::-1, :, 0]
        bpy.data.images.remove(img)
        write_png_grey(os.path.join(out, "gt", "masks", "v%03d.png" % i), np.where(px >= 0.5, 255, 0).astype(np.uint8))
    if os.path.exists(tmp):
        os.remove(tmp)
    mask_s = (time.time() - t0) / max(1, n)
    print("RENDER masks: %.2f s per view" % mask_s, flush=True)

    # --- poses (NeRF-synthetic) and the COLMAP ground truth
    test = [i for i in range(a.views) if a.hold_out_every > 0 and i % a.hold_out_every == 0]
    frames = [{"file_path": "./images/v%03d" % i, "transform_matrix": [list(map(float, row)) for row in c2ws[i]]}
              for i in range(a.views)]
    with open(os.path.join(out, "transforms_train.json"), "w") as f:
        json.dump({"camera_angle_x": fov, "frames": frames}, f, indent=1)
    with open(os.path.join(out, "transforms_test.json"), "w") as f:
        json.dump({"camera_angle_x": fov, "frames": [frames[i] for i in test]}, f, indent=1)
    focal = 0.5 * a.size / math.tan(fov / 2)
    with open(os.path.join(out, "gt/colmap/cameras.txt"), "w") as f:
        f.write("# CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]\n1 PINHOLE %d %d %.10f %.10f %.10f %.10f\n"
                % (a.size, a.size, focal, focal, a.size / 2, a.size / 2))
    with open(os.path.join(out, "gt/colmap/images.txt"), "w") as f:
        f.write("# IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME (world-to-camera, OpenCV camera)\n")
        for i in range(a.views):
            c2w = np.array(c2ws[i])
            Rcv = (c2w[:3, :3] @ np.diag([1.0, -1.0, -1.0])).T
            tcv = -Rcv @ c2w[:3, 3]
            q = rot_to_quat(Rcv)
            f.write("%d %s %s 1 v%03d.png\n\n" % (i + 1, " ".join("%.12f" % x for x in q), " ".join("%.12f" % x for x in tcv), i))
    open(os.path.join(out, "gt/colmap/points3D.txt"), "w").write("# empty: cameras only\n")

    # --- ground-truth surface
    fz = v[t][:, :, 2]
    e1, e2 = v[t[:, 1]] - v[t[:, 0]], v[t[:, 2]] - v[t[:, 0]]
    nrm = np.cross(e1, e2)
    area = 0.5 * np.linalg.norm(nrm, axis=1)
    nz = nrm[:, 2] / np.maximum(1e-20, np.linalg.norm(nrm, axis=1))
    contact = (fz.max(1) < TABLE_HEIGHT + 1e-4) & (nz < -0.99)
    write_ply(os.path.join(out, "gt/object_closed.ply"), v, t)
    keep = t[~contact]
    used = np.unique(keep)
    remap = -np.ones(len(v), dtype=np.int64)
    remap[used] = np.arange(len(used))
    write_ply(os.path.join(out, "gt/object.ply"), v[used], remap[keep])

    info = {
        "name": a.scene, "kind": kind, "seed": a.seed, "capture": a.capture, "backdrop": a.backdrop,
        "units": "metres (Blender units)", "upAxis": "+Z", "frame": "Blender world: right-handed, +Z up",
        "object": {
            "mesh": "gt/object.ply", "closedMesh": "gt/object_closed.ply",
            "bboxMin": bmin.tolist(), "bboxMax": bmax.tolist(), "diagonal": diag,
            "centre": centre.tolist(),
            "triangles": int(len(keep)), "area": float(area[~contact].sum()),
            "contactTrianglesRemoved": int(contact.sum()), "contactArea": float(area[contact].sum()),
        },
        "table": {"height": TABLE_HEIGHT, "normal": [0.0, 0.0, 1.0], "topMin": [-1.2, -0.9], "topMax": [1.2, 0.9],
                  "style": style},
        "camera": {
            "width": a.size, "height": a.size, "cameraAngleX": fov, "fx": focal, "fy": focal, "cx": a.size / 2, "cy": a.size / 2,
            "convention": "transform_matrix = camera-to-world, Blender/OpenGL camera (looks along -Z, +Y up, +X right)",
            "elevationsDeg": elev, "distance": dist, "lookAt": centre.tolist(),
        },
        "views": a.views, "holdOutEvery": a.hold_out_every, "testViews": test,
        "trainViews": [i for i in range(a.views) if i not in test],
        "images": "images/v%03d.png", "masks": "gt/masks/v%03d.png (0 or 255, product silhouette, every view)",
        "render": {"blender": bpy.app.version_string, "engine": "CYCLES CPU", "samples": a.samples, "denoise": False,
                   "threads": a.threads, "secondsPerPhoto": round(photo_s, 3), "secondsPerMask": round(mask_s, 3),
                   "renderedViews": n, "viewTransform": "Standard"},
    }
    with open(os.path.join(out, "gt/scene.json"), "w") as f:
        json.dump(info, f, indent=1)
    print("SCENE %s kind=%s diag=%.4f m triangles=%d contact=%d dist=%.3f m, %.2f s/photo"
          % (a.scene, kind, diag, len(keep), contact.sum(), dist, photo_s), flush=True)


main()
