package dev.forge3d.api.e2e;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes HEIC photos the way an iPhone held upright writes them, for the end-to-end test: the pixels stored as
 * landscape (the upright picture turned 90 degrees anticlockwise), an {@code irot} box saying "turn 90 degrees
 * clockwise", and EXIF orientation 6 saying the same (which a reader must not apply a second time), with a 35 mm
 * equivalent focal length. Encoded by libheif's {@code heif-enc} (x265); the irot box is added to the file after,
 * as heif-enc 1.15 cannot write one (the same steps as {@code scripts/make-heic-fixtures.py}).
 */
final class HeicEncoder {
    private HeicEncoder() {}

    static boolean available() {
        try {
            Process p = new ProcessBuilder("heif-enc", "--list-encoders").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && out.contains("x265");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The upright picture as an iPhone portrait-style HEIC (stored turned, irot 270 and EXIF 6), quality 90. */
    static byte[] asIPhoneHeic(BufferedImage upright, int focal35mm, Path tmp) throws IOException, InterruptedException {
        int w = upright.getWidth(), h = upright.getHeight();
        BufferedImage stored = new BufferedImage(h, w, BufferedImage.TYPE_INT_RGB);
        // Turned 90 degrees anticlockwise: upright (x, y) lands at stored (y, w - 1 - x).
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) stored.setRGB(y, w - 1 - x, upright.getRGB(x, y));
        Path src = Files.createTempFile(tmp, "stored-", ".jpg");
        // heif-enc reads EXIF from JPEG input only: a near-lossless JPEG carries it.
        Files.write(src, withExif(jpegOf(stored), exif(6, focal35mm)));
        Path out = Files.createTempFile(tmp, "photo-", ".heic");
        Process p = new ProcessBuilder("heif-enc", "-q", "90", src.toString(), "-o", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("heif-enc failed: " + log);
        return addIrot(Files.readAllBytes(out), 3);
    }

    private static byte[] jpegOf(BufferedImage img) throws IOException {
        var writer = ImageIO.getImageWritersByFormatName("jpg").next();
        var param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.98f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Big-endian TIFF: IFD0 {Orientation, Exif IFD pointer}, Exif IFD {FocalLengthIn35mmFilm}. */
    static byte[] exif(int orientation, int focal35) {
        ByteBuffer t = ByteBuffer.allocate(8 + 30 + 18);
        t.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        t.putShort((short) 2);
        t.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        t.putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(38);
        t.putInt(0);
        t.putShort((short) 1);
        t.putShort((short) 0xA405).putShort((short) 3).putInt(1).putShort((short) focal35).putShort((short) 0);
        t.putInt(0);
        return t.array();
    }

    static byte[] withExif(byte[] jpeg, byte[] tiff) {
        int len = 2 + 6 + tiff.length;
        ByteBuffer b = ByteBuffer.allocate(jpeg.length + 4 + 6 + tiff.length);
        b.put(jpeg, 0, 2).put(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len});
        b.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)).put(tiff).put(jpeg, 2, jpeg.length - 2);
        return b.array();
    }

    /**
     * The file with an irot property on its primary item. Grows ipco by the 9-byte box and ipma by one association,
     * and moves the iloc offsets of the data after the meta box by those 10 bytes. Handles what heif-enc 1.15
     * writes (ipma version 0 with 7-bit indices; iloc versions 0-1 with 4-byte fields); asserts otherwise.
     */
    static byte[] addIrot(byte[] heic, int angle) {
        ByteBuffer d = ByteBuffer.wrap(heic);
        int meta = find(d, 0, heic.length, "meta");
        int metaEnd = meta + d.getInt(meta);
        int pitm = find(d, meta + 12, metaEnd, "pitm");
        int primary = d.getShort(pitm + 12) & 0xFFFF;
        int iprp = find(d, meta + 12, metaEnd, "iprp");
        int ipco = find(d, iprp + 8, iprp + d.getInt(iprp), "ipco");
        int ipma = find(d, iprp + 8, iprp + d.getInt(iprp), "ipma");
        int iloc = find(d, meta + 12, metaEnd, "iloc");
        if (d.get(ipma + 8) != 0 || (d.get(ipma + 11) & 1) != 0) throw new IllegalStateException("ipma version 0 expected");
        int properties = 0;
        for (int p = ipco + 8; p < ipco + d.getInt(ipco); p += d.getInt(p)) properties++;
        // ipma: the primary item's entry gets one more (essential) association
        int at = ipma + 16, insertAssoc = -1;
        for (int i = 0, n = d.getInt(ipma + 12); i < n; i++) {
            int item = d.getShort(at) & 0xFFFF, count = d.get(at + 2) & 0xFF;
            if (item == primary) {
                heic[at + 2] = (byte) (count + 1);
                insertAssoc = at + 3 + count;
                break;
            }
            at += 3 + count;
        }
        if (insertAssoc < 0) throw new IllegalStateException("primary item has no ipma entry");
        // iloc (before the insertions are made): file offsets past the meta box move by 10 bytes
        int version = d.get(iloc + 8);
        int sizes = d.getShort(iloc + 12) & 0xFFFF;
        int offSize = sizes >> 12, lenSize = (sizes >> 8) & 15, baseSize = (sizes >> 4) & 15;
        int idxSize = version == 1 ? sizes & 15 : 0;
        if (version > 1 || (offSize != 4 && offSize != 0) || (baseSize != 4 && baseSize != 0)) {
            throw new IllegalStateException("iloc layout not handled");
        }
        int q = iloc + 14;
        int items = d.getShort(q) & 0xFFFF;
        q += 2;
        for (int i = 0; i < items; i++) {
            q += 2;
            int method = 0;
            if (version == 1) { method = d.getShort(q) & 15; q += 2; }
            q += 2;
            if (baseSize == 4) {
                if (method == 0 && Integer.toUnsignedLong(d.getInt(q)) >= metaEnd) d.putInt(q, d.getInt(q) + 10);
                q += 4;
            }
            int extents = d.getShort(q) & 0xFFFF;
            q += 2;
            for (int e = 0; e < extents; e++) {
                q += idxSize;
                if (offSize == 4 && method == 0 && baseSize == 0 && Integer.toUnsignedLong(d.getInt(q)) >= metaEnd) {
                    d.putInt(q, d.getInt(q) + 10);
                }
                q += offSize + lenSize;
            }
        }
        d.putInt(meta, d.getInt(meta) + 10);
        d.putInt(iprp, d.getInt(iprp) + 10);
        d.putInt(ipco, d.getInt(ipco) + 9);
        d.putInt(ipma, d.getInt(ipma) + 1);
        int ipcoEnd = ipco + d.getInt(ipco) - 9;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(heic, 0, ipcoEnd);
        out.writeBytes(ByteBuffer.allocate(9).putInt(9).put("irot".getBytes(StandardCharsets.US_ASCII)).put((byte) (angle & 3)).array());
        out.write(heic, ipcoEnd, insertAssoc - ipcoEnd);
        out.write(0x80 | (properties + 1));
        out.write(heic, insertAssoc, heic.length - insertAssoc);
        return out.toByteArray();
    }

    private static int find(ByteBuffer d, int from, int to, String type) {
        for (int p = from; p + 8 <= to; ) {
            int size = d.getInt(p);
            if (new String(d.array(), p + 4, 4, StandardCharsets.US_ASCII).equals(type)) return p;
            if (size < 8) break;
            p += size;
        }
        throw new IllegalStateException("no '" + type + "' box");
    }
}
