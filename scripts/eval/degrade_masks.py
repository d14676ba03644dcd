#!/usr/bin/env python3
"""Erodes or dilates a folder of binary object masks by N pixels (a stand-in for a background-removal tool's error).

    degrade_masks.py SRC_DIR DST_DIR N      N > 0 dilates, N < 0 erodes (scipy.ndimage, cross structuring element)
"""
import os
import sys

import numpy as np
from PIL import Image
from scipy import ndimage

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(dst, exist_ok=True)
cross = ndimage.generate_binary_structure(2, 1)
for name in sorted(os.listdir(src)):
    if not name.lower().endswith(".png"):
        continue
    m = np.array(Image.open(os.path.join(src, name)).convert("L")) >= 128
    out = ndimage.binary_dilation(m, cross, iterations=n) if n > 0 else ndimage.binary_erosion(m, cross, iterations=-n) if n < 0 else m
    Image.fromarray((out * 255).astype(np.uint8)).save(os.path.join(dst, name))
print(dst)
