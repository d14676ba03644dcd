#!/usr/bin/env python3
"""Appearance of an exported mesh on held-out views, inside the product's silhouette (python3 + numpy only).

usage: mesh_appearance.py --scene-dir /work/scenes/tune-mug --mesh-renders DIR [--splat-renders DIR]

--mesh-renders: scripts/eval/render_glb.py's output (RGBA PNG per held-out view, unlit texture colour, alpha =
coverage). The render is composited over black, so a hole in the mesh inside the silhouette counts as an error.
--splat-renders: /work/shared/tools/splat_eval.py --downscale 1 --save DIR output (PNG per held-out view, the
render on the left half and the photo on the right) or plain renders the size of the photos.
Compared with the scene's photos (images/vNNN.png) on the pixels where gt/masks/vNNN.png is set. Reports per view
and the mean over views of the masked PSNR (8-bit sRGB values scaled to [0, 1]), the pooled PSNR over all masked
pixels, the mesh's coverage of the silhouette and the silhouette IoU (alpha >= 0.5 against the GT mask).
Prints JSON on stdout and a summary line on stderr."""
import argparse
import json
import math
import os
import struct
import sys
import zlib

import numpy as np


def read_png(path):
    """8/16-bit non-interlaced PNG -> H x W x C float array in [0, 1] (C = 1, 2, 3 or 4)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(path + ": not a PNG")
    off, idat, hdr, plte = 8, [], None, None
    while off < len(data):
        n, t = struct.unpack(">I4s", data[off:off + 8])
        body = data[off + 8: off + 8 + n]
        if t == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif t == b"IDAT":
            idat.append(body)
        elif t == b"PLTE":
            plte = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif t == b"IEND":
            break
        off += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if interlace:
        raise ValueError(path + ": interlaced PNG not supported")
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    if depth not in (8, 16) or (ctype == 3 and depth != 8):
        raise ValueError(path + ": bit depth %d not supported" % depth)
    bpp = ch * depth // 8
    stride = w * bpp
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8)
    rows = raw.reshape(h, stride + 1)
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        f, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 1:  # Sub: running sum per byte position modulo bpp
            cur = line.copy()
            for x in range(bpp, stride, bpp):
                cur[x:x + bpp] = (cur[x:x + bpp] + cur[x - bpp:x]) & 255
        elif f == 2:
            cur = (line + prev) & 255
        elif f == 3:
            cur = line.copy()
            for x in range(stride):
                left = cur[x - bpp] if x >= bpp else 0
                cur[x] = (cur[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            cur = line.copy()
            for x in range(0, stride, bpp):
                a = cur[x - bpp:x] if x >= bpp else np.zeros(bpp, np.int32)
                c = prev[x - bpp:x] if x >= bpp else np.zeros(bpp, np.int32)
                b = prev[x:x + bpp]
                p = a + b - c
                pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
                pred = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
                cur[x:x + bpp] = (cur[x:x + bpp] + pred) & 255
        else:
            raise ValueError(path + ": bad filter %d" % f)
        out[y] = cur
        prev = cur
    if depth == 16:
        v = (out[:, 0::2] * 256 + out[:, 1::2]).reshape(h, w, ch) / 65535.0
    else:
        v = out.reshape(h, w, ch) / 255.0
    if ctype == 3:
        v = plte[(v[..., 0] * 255).round().astype(int)] / 255.0
    return v


def rgb(img):
    if img.shape[2] >= 3:
        return img[..., :3]
    return np.repeat(img[..., :1], 3, 2)


def psnr(mse):
    return float("inf") if mse <= 0 else -10 * math.log10(mse)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scene-dir", required=True)
    ap.add_argument("--mesh-renders")
    ap.add_argument("--splat-renders")
    ap.add_argument("--views", help="comma-separated view names (default: the test views of gt/scene.json)")
    a = ap.parse_args()
    info = json.load(open(os.path.join(a.scene_dir, "gt", "scene.json")))
    views = a.views.split(",") if a.views else ["v%03d" % i for i in info["testViews"]]
    per, acc = [], {"mesh": [0.0, 0], "splat": [0.0, 0]}
    for v in views:
        photo = rgb(read_png(os.path.join(a.scene_dir, "images", v + ".png")))
        mask = read_png(os.path.join(a.scene_dir, "gt", "masks", v + ".png"))[..., 0] >= 0.5
        H, W = mask.shape
        row = {"view": v, "maskPixels": int(mask.sum())}
        if a.mesh_renders:
            r = read_png(os.path.join(a.mesh_renders, v + ".png"))
            alpha = r[..., 3] if r.shape[2] == 4 else np.ones((H, W))
            pred = rgb(r) * alpha[..., None]
            se = ((pred - photo) ** 2)[mask].sum()
            row["meshPsnr"] = psnr(se / (3 * mask.sum()))
            row["meshCoverage"] = float(alpha[mask].mean())
            sil = alpha >= 0.5
            row["silhouetteIoU"] = float((sil & mask).sum() / max(1, (sil | mask).sum()))
            acc["mesh"][0] += se; acc["mesh"][1] += 3 * mask.sum()
        if a.splat_renders:
            s = rgb(read_png(os.path.join(a.splat_renders, v + ".png")))
            if s.shape[1] == 2 * W:
                s = s[:, :W]
            if s.shape[:2] != (H, W):
                raise SystemExit("%s: splat render %s is not %dx%d (use splat_eval.py --downscale 1)" % (v, s.shape[:2], W, H))
            se = ((s - photo) ** 2)[mask].sum()
            row["splatPsnr"] = psnr(se / (3 * mask.sum()))
            acc["splat"][0] += se; acc["splat"][1] += 3 * mask.sum()
        per.append(row)
    out = {"sceneDir": a.scene_dir, "views": per}
    for k in ("mesh", "splat"):
        vals = [r[k + "Psnr"] for r in per if k + "Psnr" in r]
        if vals:
            out[k] = {"meanPsnr": float(np.mean(vals)), "pooledPsnr": psnr(acc[k][0] / acc[k][1])}
    if "mesh" in out:
        out["mesh"]["meanCoverage"] = float(np.mean([r["meshCoverage"] for r in per]))
        out["mesh"]["meanSilhouetteIoU"] = float(np.mean([r["silhouetteIoU"] for r in per]))
    if "mesh" in out and "splat" in out:
        out["meshMinusSplatDb"] = out["mesh"]["meanPsnr"] - out["splat"]["meanPsnr"]
    json.dump(out, sys.stdout, indent=1)
    print()
    parts = []
    if "mesh" in out:
        parts.append("mesh %.2f dB (pooled %.2f, coverage %.3f, IoU %.3f)" % (out["mesh"]["meanPsnr"], out["mesh"]["pooledPsnr"],
                                                                           out["mesh"]["meanCoverage"], out["mesh"]["meanSilhouetteIoU"]))
    if "splat" in out:
        parts.append("splat %.2f dB (pooled %.2f)" % (out["splat"]["meanPsnr"], out["splat"]["pooledPsnr"]))
    if "meshMinusSplatDb" in out:
        parts.append("mesh - splat %+.2f dB" % out["meshMinusSplatDb"])
    print("masked PSNR over %d held-out views: %s" % (len(per), "; ".join(parts)), file=sys.stderr)


if __name__ == "__main__":
    main()
