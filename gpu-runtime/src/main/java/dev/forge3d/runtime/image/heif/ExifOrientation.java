package dev.forge3d.runtime.image.heif;

/** Sets the orientation tag (0x0112) in IFD0 of a raw EXIF block (a TIFF structure) to 1, in place. */
final class ExifOrientation {
    private ExifOrientation() {}

    /** Returns true when the tag was found and set; a malformed block is left as it is. */
    static boolean resetToUpright(byte[] tiff) {
        if (tiff.length < 8) return false;
        boolean little = tiff[0] == 'I' && tiff[1] == 'I';
        if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return false;
        long ifd = u32(tiff, 4, little);
        if (ifd < 8 || ifd + 2 > tiff.length) return false;
        int entries = u16(tiff, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > tiff.length) return false;
            // Orientation is one SHORT (type 3), stored in the first two bytes of the value field.
            if (u16(tiff, e, little) == 0x0112 && u16(tiff, e + 2, little) == 3) {
                int v = e + 8;
                if (little) { tiff[v] = 1; tiff[v + 1] = 0; } else { tiff[v] = 0; tiff[v + 1] = 1; }
                return true;
            }
        }
        return false;
    }

    private static int u16(byte[] b, int at, boolean little) {
        return little ? (b[at] & 255) | (b[at + 1] & 255) << 8 : (b[at] & 255) << 8 | (b[at + 1] & 255);
    }

    private static long u32(byte[] b, int at, boolean little) {
        return little ? ((long) u16(b, at + 2, true) << 16) | u16(b, at, true)
                : ((long) u16(b, at, false) << 16) | u16(b, at + 2, false);
    }
}
