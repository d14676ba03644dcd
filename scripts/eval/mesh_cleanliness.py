#!/usr/bin/env python3
"""Cleanliness figures of GLB meshes, for text-to-3D exports (issue 19 item 5): vertices, triangles, connected
pieces, and vertices "well inside" the object: deeper than 3 voxels (of a 64^3 grid over the mesh) from the space
outside it, found by voxelising the triangles and flood-filling the outside from the border (shape_judge.solidify,
so interior shells count as inside). A clean outer surface has one piece and no vertex well inside.

    python3 scripts/eval/mesh_cleanliness.py out/a/model.glb out/b/model.glb ...
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shape_judge  # noqa: E402  (the reader and voxeliser only; nothing of forge3d)

DEPTH = 3


def pieces(tri, n):
    parent = np.arange(n)

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for a, b, c in tri:
        ra, rb, rc = find(a), find(b), find(c)
        parent[rb] = ra
        parent[find(rc)] = ra
    return len({find(v) for v in np.unique(tri)})


def figures(path):
    mesh = shape_judge.read_glb(path)
    pos, tri = mesh[0], mesh[1]
    solid, outside, origin, voxel = shape_judge.solidify(pos, tri)
    # distance in voxels from the outside, by repeated 6-neighbour growth
    depth = np.full(outside.shape, 99, dtype=np.int32)
    front = outside.copy()
    depth[front] = 0
    for d in range(1, DEPTH + 1):
        front = shape_judge._neighbours_any(front)
        depth[front & (depth == 99)] = d
    idx = np.clip(np.floor((pos - origin) / voxel).astype(int), 0, outside.shape[0] - 1)
    deep = int((depth[idx[:, 0], idx[:, 1], idx[:, 2]] > DEPTH).sum())
    return {"glb": path, "vertices": int(len(pos)), "triangles": int(len(tri)), "pieces": pieces(tri, len(pos)),
            "wellInside": deep, "wellInsideShare": round(deep / max(1, len(pos)), 4)}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(figures(p)))
