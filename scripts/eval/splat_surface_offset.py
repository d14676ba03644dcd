#!/usr/bin/env python3
"""Where a trained splat puts its Gaussians relative to the true surface: signed distance (+ outside, - inside) of
the centres of the Gaussians with opacity > 0.3 inside the object's box (+1 cm) to the closed ground truth. A
negative median means the splat draws the surface with blobs centred inside the object, so depth taken at their
centres (alpha-blended mean, median) lies inside too.

  python3 scripts/eval/splat_surface_offset.py point_cloud.ply SCENE_DIR
"""
import sys, numpy as np, json, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mesh_eval as me
from mesh_breakdown import signed_distance
ply, scene = sys.argv[1], sys.argv[2]
# minimal binary PLY vertex reader
f = open(ply, 'rb'); props = []; n = 0
while True:
    l = f.readline().decode().strip()
    if l.startswith('element vertex'): n = int(l.split()[2])
    if l.startswith('property'): props.append(l.split()[2])
    if l == 'end_header': break
a = np.frombuffer(f.read(n * 4 * len(props)), '<f4').reshape(n, len(props))
P = a[:, [props.index(k) for k in 'xyz']].astype(float)
op = 1 / (1 + np.exp(-a[:, props.index('opacity')]))
sc = np.exp(a[:, [props.index('scale_%d' % i) for i in range(3)]]).max(1)
s = json.load(open(os.path.join(scene, 'gt/scene.json')))
lo, hi = np.array(s['object']['bboxMin']), np.array(s['object']['bboxMax'])
tau = 0.01 * s['object']['diagonal']
m = (P > lo - 0.01).all(1) & (P < hi + 0.01).all(1) & (op > 0.3)
_, C = me.load_surface(os.path.join(scene, 'gt/object_closed.ply'))
cp, _, ct = me.sample_triangles(C, 200000, 3)
d = signed_distance(P[m], C, cp, ct)
w = op[m]
print('gaussians near object %d; signed dist: median %+.2f mm, opacity-weighted mean %+.2f mm; |d|<tau %.3f; median max-scale %.2f mm'
      % (m.sum(), np.median(d) * 1e3, (d * w).sum() / w.sum() * 1e3, (np.abs(d) < tau).mean(), np.median(sc[m]) * 1e3))
for q in (10, 25, 50, 75, 90): print(' p%d %+.2f mm' % (q, np.percentile(d, q) * 1e3))
