"""Renders a textured mesh (.glb) unlit from the held-out cameras of a product scene, for the appearance check.

    blender -b --factory-startup -P scripts/eval/render_glb.py -- --glb model.glb --scene-dir /work/scenes/tune-mug \
        [--transform metrics.json|matrix.json] [--similarity gtFromPred.json] --out DIR [--samples 16]

Blender's own glTF importer reads the file (independent of forge3d's writer). Every material is replaced by an
emission of whatever fed its Base Color (the base-colour texture, vertex colour or factor), strength 1, no lights,
world black, view transform Standard (no tone mapping), so texture colours pass through to the PNG unchanged.
Pixel filter and samples match the photos (Blackman-Harris 1.5 px, 16 samples).

Frames: Blender's importer maps glTF (+Y up) to Blender (+Z up) by (x, y, z) -> (x, -z, y). The mesh is put back
into the scene frame with inverse(modelFromScene) (a 4x4 row-major matrix in glTF coordinates, as
mesh_eval.py --transform reads it); or, with --similarity, by mesh_eval.py's alignment.gtFromPred (GT from the GLB's
own coordinates: it already contains the inverse modelFromScene, so --transform is then not used). Cameras: transforms_test.json of the scene (camera-to-world, Blender
camera convention), so no conversion is needed for them.

Writes DIR/vNNN.png (RGBA, straight alpha: alpha = mesh coverage) per held-out view and DIR/render.json.
"""
import argparse
import json
import math
import os
import sys
import time

import bpy
import numpy
from mathutils import Matrix

# Debian's Blender 3.4.1 glTF importer still uses numpy.bool, which Debian's numpy (1.24) no longer has.
if not hasattr(numpy, "bool"):
    numpy.bool = bool


def parse():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    ap = argparse.ArgumentParser()
    ap.add_argument("--glb", required=True)
    ap.add_argument("--scene-dir", required=True)
    ap.add_argument("--transform")
    ap.add_argument("--similarity", help="JSON: a 4x4 row-major matrix GT-from-GLB, or mesh_eval.py's output "
                    "(alignment.gtFromPred); replaces --transform")
    ap.add_argument("--out", required=True)
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--all-views", action="store_true", help="every frame of transforms_train.json, not only held-out")
    return ap.parse_args(argv)


def matrix_from(path, keys):
    d = json.load(open(path))
    for k in keys:
        cur = d
        for part in k.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is not None:
            d = cur
            break
    flat = [float(x) for row in d for x in (row if isinstance(row, list) else [row])]
    if len(flat) != 16:
        raise SystemExit("%s: expected a 4x4 matrix" % path)
    return Matrix([flat[0:4], flat[4:8], flat[8:12], flat[12:16]])


def unlit(mat):
    if not mat.use_nodes:
        mat.use_nodes = True
    nt = mat.node_tree
    out = next((n for n in nt.nodes if n.type == "OUTPUT_MATERIAL"), None) or nt.nodes.new("ShaderNodeOutputMaterial")
    # where the base colour comes from: a Principled BSDF's Base Color (glTF PBR), else the Color of an Emission
    # or Background node (the importer's KHR_materials_unlit set-up), else a flagged grey
    src, how = None, "none: grey 0.8"
    for typ, sock, label in (("BSDF_PRINCIPLED", "Base Color", "Principled Base Color"), ("EMISSION", "Color", "Emission Color"),
                             ("BACKGROUND", "Color", "Background Color")):
        n = next((n for n in nt.nodes if n.type == typ), None)
        if n is not None:
            src, how = n.inputs[sock], label
            break
    em = nt.nodes.new("ShaderNodeEmission")
    em.inputs["Strength"].default_value = 1.0
    if src is not None and src.is_linked:
        nt.links.new(src.links[0].from_socket, em.inputs["Color"])
        how += " (linked: %s)" % src.links[0].from_node.type
    elif src is not None:
        em.inputs["Color"].default_value = src.default_value
        how += " (constant)"
    else:
        em.inputs["Color"].default_value = (0.8, 0.8, 0.8, 1)
    for l in list(out.inputs["Surface"].links):
        nt.links.remove(l)
    nt.links.new(em.outputs[0], out.inputs["Surface"])
    mat.blend_method = "OPAQUE"
    return how


def main():
    a = parse()
    os.makedirs(a.out, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    before = set(bpy.data.objects)
    bpy.ops.import_scene.gltf(filepath=os.path.abspath(a.glb))
    imported = [o for o in bpy.data.objects if o not in before]
    meshes = [o for o in imported if o.type == "MESH"]
    if not meshes:
        raise SystemExit(a.glb + ": no mesh imported")
    # glTF -> Blender axis conversion of the importer, undone: p_gltf = Cinv @ p_blender
    Cinv = Matrix(((1, 0, 0, 0), (0, 0, 1, 0), (0, -1, 0, 0), (0, 0, 0, 1)))
    T = Matrix.Identity(4)
    if a.transform:
        T = matrix_from(a.transform, ["crop.modelFromScene", "modelFromScene", "matrix"]).inverted() @ Cinv
    else:
        T = Cinv  # no transform: the GLB's coordinates are taken as scene coordinates
    if a.similarity:  # mesh_eval.py's gtFromPred maps the GLB's own coordinates to the GT (modelFromScene included)
        T = matrix_from(a.similarity, ["alignment.gtFromPred", "gtFromPred", "matrix"]) @ Cinv
    bpy.context.view_layer.update()
    for o in meshes:
        o.matrix_world = T @ o.matrix_world
    for o in imported:
        if o.type not in ("MESH", "EMPTY"):
            o.hide_render = True
    mats = {m for o in meshes for m in o.data.materials if m is not None}
    sources = {m.name: unlit(m) for m in mats}
    for o in meshes:
        if not o.data.materials:
            m = bpy.data.materials.new("grey")
            o.data.materials.append(m)
            sources[m.name] = "no material: " + unlit(m)
    for k, v in sources.items():
        print("MATERIAL %s: colour from %s" % (k, v), flush=True)

    info = json.load(open(os.path.join(a.scene_dir, "gt", "scene.json")))
    tf = json.load(open(os.path.join(a.scene_dir, "transforms_train.json" if a.all_views else "transforms_test.json")))
    world = bpy.data.worlds.new("black")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.0
    scene.world = world
    r = scene.render
    r.engine = "CYCLES"
    r.resolution_x, r.resolution_y = info["camera"]["width"], info["camera"]["height"]
    r.resolution_percentage = 100
    r.film_transparent = True
    r.threads_mode = "FIXED"
    r.threads = a.threads
    r.image_settings.file_format = "PNG"
    r.image_settings.color_mode = "RGBA"
    r.image_settings.color_depth = "8"
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    scene.view_settings.exposure = 0.0
    scene.view_settings.gamma = 1.0
    cy = scene.cycles
    cy.device = "CPU"
    cy.samples = a.samples
    cy.use_adaptive_sampling = False
    cy.use_denoising = False
    cy.max_bounces = 0
    cy.pixel_filter_type = "BLACKMAN_HARRIS"
    cy.filter_width = 1.5
    cam_data = bpy.data.cameras.new("cam")
    cam_data.sensor_fit = "HORIZONTAL"
    cam_data.sensor_width = 36
    cam_data.angle_x = tf["camera_angle_x"]
    cam_data.clip_start = 0.005
    cam_data.clip_end = 100
    cam = bpy.data.objects.new("cam", cam_data)
    scene.collection.objects.link(cam)
    scene.camera = cam
    t0 = time.time()
    views = []
    for fr in tf["frames"]:
        name = fr["file_path"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
        cam.matrix_world = Matrix(fr["transform_matrix"])
        r.filepath = os.path.join(os.path.abspath(a.out), name + ".png")
        bpy.ops.render.render(write_still=True)
        views.append(name)
    json.dump({"glb": os.path.abspath(a.glb), "sceneDir": os.path.abspath(a.scene_dir), "transform": a.transform,
               "similarity": a.similarity, "views": views, "samples": a.samples, "blender": bpy.app.version_string,
               "secondsPerView": round((time.time() - t0) / max(1, len(views)), 3),
               "sceneFromGltf": [list(row) for row in T], "colourSources": sources}, open(os.path.join(a.out, "render.json"), "w"), indent=1)
    print("RENDERED %d views of %s into %s" % (len(views), a.glb, a.out), flush=True)


main()
