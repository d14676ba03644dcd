#!/usr/bin/env python3
"""Scores estimated object masks against ground-truth masks (white = object), photo by photo.

  python3 scripts/eval/mask_eval.py EST_DIR GT_DIR [--threshold 0.5]

For each ground-truth mask with an estimate of the same name: IoU, the share of the object the estimate misses
(what would be cut from the mesh's volume) and the area it adds outside the object, as a share of the object's area.
A photo without an estimate is listed as such. Prints one line per photo and the medians and worst cases.
Shares no code with forge3d's estimator (reads PNGs with the eval scripts' own decoder)."""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mesh_appearance import read_png  # noqa: E402


def grey(path):
    a = read_png(path)
    return a[..., :3].mean(axis=2) if a.shape[2] >= 3 else a[..., 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("est")
    ap.add_argument("gt")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    rows, missing = [], []
    for name in sorted(os.listdir(a.gt)):
        if not name.endswith(".png"):
            continue
        g = grey(os.path.join(a.gt, name)) >= a.threshold
        ep = os.path.join(a.est, name)
        if not os.path.exists(ep):
            missing.append(name)
            print("%s: no estimate" % name)
            continue
        e = grey(ep)
        if e.shape != g.shape:
            sys.exit("%s: estimate %s, ground truth %s" % (name, e.shape, g.shape))
        e = e >= a.threshold
        inter = np.logical_and(e, g).sum()
        union = np.logical_or(e, g).sum()
        obj = max(1, g.sum())
        iou = inter / max(1, union)
        missed = np.logical_and(g, ~e).sum() / obj
        extra = np.logical_and(e, ~g).sum() / obj
        rows.append((name, iou, missed, extra))
        print("%s: IoU %.3f, missed %.2f %%, extra %.2f %%" % (name, iou, 100 * missed, 100 * extra))
    if rows:
        iou = np.array([r[1] for r in rows])
        missed = np.array([r[2] for r in rows])
        extra = np.array([r[3] for r in rows])
        print("photos %d (without estimate %d): IoU median %.3f (min %.3f); missed median %.2f %% (max %.2f %%); "
              "extra median %.2f %% (max %.2f %%)" % (len(rows), len(missing), np.median(iou), iou.min(),
                                                      100 * np.median(missed), 100 * missed.max(),
                                                      100 * np.median(extra), 100 * extra.max()))


if __name__ == "__main__":
    main()
