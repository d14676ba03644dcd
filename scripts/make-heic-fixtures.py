#!/usr/bin/env python3
"""Writes the small HEIC test fixtures (committed, so tests that only need the API do not need an encoder).

Needs heif-enc and ImageMagick's convert (Debian: apt-get install libheif-examples imagemagick). Usage:
    scripts/make-heic-fixtures.py OUT_DIR

portrait-irot.heic  a 96x128 portrait photo stored as 128x96 landscape with an irot box (90 degrees clockwise,
                    as an iPhone held upright writes it) and EXIF orientation 6 (which a reader must NOT apply
                    again), EXIF focal length 5.1 mm and 26 mm in 35 mm terms, Make/Model Apple iPhone 13.
ten-bit.heic        128x96, 10 bits per channel (from a 16-bit PNG).
two-images.heic     two images in one file: the primary 128x96 quadrants, then a 64x64 black one.
tiny.avif           64x48 AVIF (AV1 in the same container), which the service still refuses (api-service tests).
All show four quadrants, upright: red top-left, green top-right, blue bottom-left, white bottom-right.
"""
import os
import struct
import subprocess
import sys
import tempfile


def exif_tiff(orientation, focal_mm, focal35):
    """Big-endian TIFF: IFD0 {Make, Model, Orientation, ExifIFD}, Exif IFD {FocalLength, FocalLengthIn35mmFilm}."""
    make, model = b"Apple\0", b"iPhone 13\0"
    ifd0_n, exif_n = 4, 2
    data_off = 8 + 2 + 12 * ifd0_n + 4
    make_off, model_off = data_off, data_off + len(make)
    exif_off = model_off + len(model)
    rational_off = exif_off + 2 + 12 * exif_n + 4
    t = struct.pack(">2sHI", b"MM", 42, 8) + struct.pack(">H", ifd0_n)
    t += struct.pack(">HHII", 0x010F, 2, len(make), make_off)
    t += struct.pack(">HHII", 0x0110, 2, len(model), model_off)
    t += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    t += struct.pack(">HHII", 0x8769, 4, 1, exif_off)
    t += struct.pack(">I", 0) + make + model
    t += struct.pack(">H", exif_n)
    t += struct.pack(">HHII", 0x920A, 5, 1, rational_off)
    t += struct.pack(">HHIHH", 0xA405, 3, 1, focal35, 0)
    t += struct.pack(">I", 0) + struct.pack(">II", round(focal_mm * 100), 100)
    return t


def with_exif(jpeg, tiff):
    app1 = b"Exif\0\0" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def boxes(d, start, end):
    """(type, offset, header size, size) of the boxes in d[start:end]."""
    out, off = [], start
    while off + 8 <= end:
        size, typ = struct.unpack(">I4s", d[off:off + 8])
        hdr = 8
        if size == 1:
            size, hdr = struct.unpack(">Q", d[off + 8:off + 16])[0], 16
        elif size == 0:
            size = end - off
        out.append((typ, off, hdr, size))
        off += size
    return out


def find(d, start, end, typ):
    return next(b for b in boxes(d, start, end) if b[0] == typ)


def add_irot(heic, angle):
    """The file with an irot property (angle x 90 degrees anticlockwise) on its primary item; offsets fixed up."""
    d = bytearray(heic)
    meta = find(d, 0, len(d), b"meta")
    mstart, mend = meta[1] + meta[2] + 4, meta[1] + meta[3]
    pitm = find(d, mstart, mend, b"pitm")
    primary = struct.unpack(">H", d[pitm[1] + 12:pitm[1] + 14])[0]
    iprp = find(d, mstart, mend, b"iprp")
    ipco = find(d, iprp[1] + 8, iprp[1] + iprp[3], b"ipco")
    ipma = find(d, iprp[1] + 8, iprp[1] + iprp[3], b"ipma")
    assert d[ipma[1] + 8] == 0 and d[ipma[1] + 11] & 1 == 0, "ipma version 0, 7-bit indices expected"
    prop_index = len(boxes(d, ipco[1] + 8, ipco[1] + ipco[3])) + 1
    irot = struct.pack(">I4sB", 9, b"irot", angle & 3)
    delta = len(irot) + 1  # the property, and its one-byte association in ipma
    # Sizes first (every header lies before both insertion points, ipma's before its own).
    for box, grow in ((meta, delta), (iprp, delta), (ipco, len(irot)), (ipma, 1)):
        d[box[1]:box[1] + 4] = struct.pack(">I", box[3] + grow)
    # ipma (the later insertion, made first): one more essential association on the primary item.
    p, n = ipma[1] + 16, struct.unpack(">I", d[ipma[1] + 12:ipma[1] + 16])[0]
    for _ in range(n):
        item, count = struct.unpack(">HB", d[p:p + 3])
        if item == primary:
            d[p + 2] = count + 1
            d[p + 3 + count:p + 3 + count] = bytes([0x80 | prop_index])
            break
        p += 3 + count
    else:
        raise SystemExit("primary item has no ipma entry")
    ipco_end = ipco[1] + ipco[3]
    d[ipco_end:ipco_end] = irot
    # iloc: file offsets (construction method 0) of data after meta move by delta.
    meta_end = meta[1] + meta[3] + delta
    iloc = find(d, meta[1] + meta[2] + 4, meta_end, b"iloc")
    q = iloc[1] + 8
    version = d[q]
    q += 4
    off_size, len_size = d[q] >> 4, d[q] & 15
    base_size, idx_size = d[q + 1] >> 4, (d[q + 1] & 15 if version in (1, 2) else 0)
    q += 2
    if version < 2:
        count, q = struct.unpack(">H", d[q:q + 2])[0], q + 2
    else:
        count, q = struct.unpack(">I", d[q:q + 4])[0], q + 4
    fmt = {0: None, 4: ">I", 8: ">Q"}
    for _ in range(count):
        q += 2 if version < 2 else 4
        method = 0
        if version in (1, 2):
            method, q = struct.unpack(">H", d[q:q + 2])[0] & 15, q + 2
        q += 2  # data reference index
        base = struct.unpack(fmt[base_size], d[q:q + base_size])[0] if base_size else 0
        base_at, q = q, q + base_size
        extents, q = struct.unpack(">H", d[q:q + 2])[0], q + 2
        for _ in range(extents):
            q += idx_size
            if method == 0 and base_size == 0:
                v = struct.unpack(fmt[off_size], d[q:q + off_size])[0]
                if v >= meta[1] + meta[3]:
                    d[q:q + off_size] = struct.pack(fmt[off_size], v + delta)
            q += off_size + len_size
        if method == 0 and base_size and base >= meta[1] + meta[3]:
            d[base_at:base_at + base_size] = struct.pack(fmt[base_size], base + delta)
    return bytes(d)


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def quadrants(path, w, h, png_format="PNG24"):
    """Truecolour PNG (a palette PNG is misread by heif-enc 1.15); PNG48 for 16 bits per channel."""
    run("convert", "-size", f"{w}x{h}", "xc:white", "-fill", "red", "-draw", f"rectangle 0,0 {w // 2 - 1},{h // 2 - 1}",
        "-fill", "lime", "-draw", f"rectangle {w // 2},0 {w - 1},{h // 2 - 1}",
        "-fill", "blue", "-draw", f"rectangle 0,{h // 2} {w // 2 - 1},{h - 1}", f"{png_format}:{path}")


def main(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        # Portrait, stored landscape: rotating the upright picture 90 degrees anticlockwise gives the stored pixels;
        # irot angle 3 (270 anticlockwise = 90 clockwise) and EXIF orientation 6 both say how to turn it back.
        quadrants(f"{t}/upright.png", 96, 128)
        run("convert", f"{t}/upright.png", "-rotate", "-90", "-quality", "95", f"{t}/stored.jpg")
        with open(f"{t}/stored.jpg", "rb") as f:
            jpeg = f.read()
        with open(f"{t}/stored-exif.jpg", "wb") as f:
            f.write(with_exif(jpeg, exif_tiff(6, 5.1, 26)))
        run("heif-enc", "-q", "85", f"{t}/stored-exif.jpg", "-o", f"{t}/stored.heic")
        with open(f"{t}/stored.heic", "rb") as f:
            rotated = add_irot(f.read(), 3)
        with open(f"{out}/portrait-irot.heic", "wb") as f:
            f.write(rotated)

        quadrants(f"{t}/q16.png", 128, 96, "PNG48")
        run("heif-enc", "-q", "85", "-b", "10", f"{t}/q16.png", "-o", f"{out}/ten-bit.heic")

        quadrants(f"{t}/first.png", 128, 96)
        run("convert", "-size", "64x64", "xc:black", "PNG24:" + f"{t}/second.png")
        run("heif-enc", "-q", "85", f"{t}/first.png", f"{t}/second.png", "-o", f"{out}/two-images.heic")

        quadrants(f"{t}/small.png", 64, 48)
        run("heif-enc", "-A", "-q", "50", f"{t}/small.png", "-o", f"{out}/tiny.avif")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
