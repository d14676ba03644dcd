package dev.forge3d.api.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a HEIF file's box structure (ISO/IEC 14496-12 and 23008-12) without decoding any pixels: the primary item,
 * its coding and its size ({@code ispe}, turned by {@code irot}), and whether the file holds all the bytes its boxes
 * and item locations declare. The API has no HEVC decoder (the worker decodes with libheif); this is what it can
 * check cheaply: a cut or damaged container, an image bomb's declared size, an AVIF in a HEIF wrapper. Bounded: the
 * {@code meta} box is read into memory only up to {@link #MAX_META_BYTES}; the image data is skipped, only counted.
 */
final class HeifContainer {

    /** A phone's {@code meta} box is a few KB (a 48 MP iPhone photo's grid of tiles: under 10 KB). */
    static final int MAX_META_BYTES = 1 << 20;

    /**
     * @param itemType the primary item's type: {@code hvc1} (HEVC), {@code grid} (tiles), {@code av01} (AVIF), ...
     * @param width    the primary image's width as displayed (after {@code irot})
     */
    record Primary(String itemType, int width, int height) {}

    /** The file is not a well-formed HEIF container; the message says why. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    private HeifContainer() {}

    /** Reads the whole stream (counting, not keeping, the image data) and returns the primary image. */
    static Primary read(InputStream in) throws IOException {
        ByteBuffer meta = null;
        long position = 0;
        boolean first = true;
        while (true) {
            byte[] header = in.readNBytes(8);
            if (header.length == 0) break;
            if (header.length < 8) throw new Malformed(header.length + " stray bytes after the last box");
            ByteBuffer h = ByteBuffer.wrap(header);
            long size = h.getInt() & 0xFFFFFFFFL;
            String type = fourCc(header, 4);
            int headerSize = 8;
            if (size == 1) {
                byte[] large = in.readNBytes(8);
                if (large.length < 8) throw new Malformed("the file ends inside the header of its '" + type + "' box");
                size = ByteBuffer.wrap(large).getLong();
                headerSize = 16;
            }
            if (first && !type.equals("ftyp")) throw new Malformed("it does not start with an 'ftyp' box");
            first = false;
            long body;
            if (size == 0) {
                body = -1; // to the end of the file
            } else {
                if (size < headerSize) throw new Malformed("box '" + printable(type) + "' declares " + size + " bytes");
                body = size - headerSize;
            }
            if (type.equals("meta")) {
                if (meta != null) throw new Malformed("two 'meta' boxes");
                if (body < 0 || body > MAX_META_BYTES) throw new Malformed("its 'meta' box is larger than " + MAX_META_BYTES + " bytes");
                byte[] b = in.readNBytes((int) body);
                if (b.length < body) throw new Malformed(cut("meta", position, size, position + headerSize + b.length));
                meta = ByteBuffer.wrap(b);
            } else if (body < 0) {
                body = skipAll(in);
            } else {
                long skipped = skip(in, body);
                if (skipped < body) throw new Malformed(cut(type, position, size, position + headerSize + skipped));
            }
            position += headerSize + body;
        }
        if (meta == null) throw new Malformed("it has no 'meta' box (no still image: a HEIF image sequence is not read)");
        return primary(meta, position);
    }

    private static String cut(String box, long at, long size, long end) {
        return "the file is cut short: its '" + printable(box) + "' box at byte " + at + " declares " + size
                + " bytes but the file ends at byte " + end;
    }

    /** The primary item of a {@code meta} box's contents, checked against the file's length. */
    private static Primary primary(ByteBuffer meta, long fileLength) throws Malformed {
        try {
            meta.position(4); // FullBox version and flags
            long primaryId = -1;
            List<Long> ids = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<Box> properties = null;
            ByteBuffer ipma = null, iloc = null;
            for (Box b : children(meta)) {
                switch (b.type) {
                    case "pitm" -> {
                        int version = b.body.get() & 255;
                        b.body.position(4);
                        primaryId = version == 0 ? b.body.getShort() & 0xFFFF : b.body.getInt() & 0xFFFFFFFFL;
                    }
                    case "iinf" -> readItemInfo(b.body, ids, types);
                    case "iprp" -> {
                        for (Box c : children(b.body)) {
                            if (c.type.equals("ipco")) {
                                properties = new ArrayList<>();
                                properties.addAll(children(c.body));
                            } else if (c.type.equals("ipma") && ipma == null) {
                                ipma = c.body;
                            }
                        }
                    }
                    case "iloc" -> iloc = b.body;
                    default -> { }
                }
            }
            if (primaryId < 0) throw new Malformed("it names no primary image (no 'pitm' box)");
            int index = ids.indexOf(primaryId);
            if (index < 0) throw new Malformed("its primary image (item " + primaryId + ") is not described ('iinf')");
            String itemType = types.get(index);
            if (properties == null || ipma == null) throw new Malformed("it has no image properties ('iprp')");
            int width = -1, height = -1, angle = 0;
            for (int p : associations(ipma, primaryId)) {
                if (p < 1 || p > properties.size()) throw new Malformed("a property index (" + p + ") is out of range");
                Box prop = properties.get(p - 1);
                ByteBuffer body = prop.body.duplicate();
                if (prop.type.equals("ispe")) {
                    body.getInt(); // version and flags
                    long w = body.getInt() & 0xFFFFFFFFL, h = body.getInt() & 0xFFFFFFFFL;
                    width = (int) Math.min(Integer.MAX_VALUE, w);
                    height = (int) Math.min(Integer.MAX_VALUE, h);
                } else if (prop.type.equals("irot")) {
                    angle = body.get() & 3;
                }
            }
            if (width <= 0 || height <= 0) throw new Malformed("its primary image has no size ('ispe')");
            if (iloc != null) checkLocations(iloc, fileLength);
            return angle % 2 == 1 ? new Primary(itemType, height, width) : new Primary(itemType, width, height);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new Malformed("a box inside 'meta' is cut short or inconsistent");
        }
    }

    private static void readItemInfo(ByteBuffer iinf, List<Long> ids, List<String> types) throws Malformed {
        int version = iinf.get() & 255;
        iinf.position(4);
        long count = version == 0 ? iinf.getShort() & 0xFFFF : iinf.getInt() & 0xFFFFFFFFL;
        List<Box> entries = children(iinf);
        if (entries.size() < count) throw new Malformed("'iinf' lists " + count + " items but holds " + entries.size());
        for (Box e : entries) {
            if (!e.type.equals("infe")) continue;
            int v = e.body.get() & 255;
            e.body.position(4);
            if (v < 2) continue; // versions 0 and 1 describe files, not images
            ids.add(v == 2 ? (long) (e.body.getShort() & 0xFFFF) : e.body.getInt() & 0xFFFFFFFFL);
            e.body.getShort(); // protection index
            byte[] t = new byte[4];
            e.body.get(t);
            types.add(fourCc(t, 0));
        }
    }

    /** The 1-based property indices associated with an item ({@code ipma}). */
    private static List<Integer> associations(ByteBuffer ipma, long item) {
        ByteBuffer b = ipma.duplicate();
        int version = b.get() & 255;
        int flags = ((b.get() & 255) << 16) | ((b.get() & 255) << 8) | (b.get() & 255);
        long entries = b.getInt() & 0xFFFFFFFFL;
        List<Integer> found = new ArrayList<>();
        for (long i = 0; i < entries; i++) {
            long id = version < 1 ? b.getShort() & 0xFFFF : b.getInt() & 0xFFFFFFFFL;
            int n = b.get() & 255;
            for (int j = 0; j < n; j++) {
                int index = (flags & 1) != 0 ? b.getShort() & 0x7FFF : b.get() & 0x7F;
                if (id == item) found.add(index);
            }
        }
        return found;
    }

    /** Every extent stored in the file itself ({@code iloc} construction method 0) must lie within it. */
    private static void checkLocations(ByteBuffer iloc, long fileLength) throws Malformed {
        int version = iloc.get() & 255;
        iloc.position(4);
        int sizes = iloc.getShort() & 0xFFFF;
        int offsetSize = sizes >> 12, lengthSize = (sizes >> 8) & 15, baseSize = (sizes >> 4) & 15;
        int indexSize = version == 1 || version == 2 ? sizes & 15 : 0;
        long items = version < 2 ? iloc.getShort() & 0xFFFF : iloc.getInt() & 0xFFFFFFFFL;
        for (long i = 0; i < items; i++) {
            long id = version < 2 ? iloc.getShort() & 0xFFFF : iloc.getInt() & 0xFFFFFFFFL;
            int method = version == 1 || version == 2 ? iloc.getShort() & 15 : 0;
            int dataRef = iloc.getShort() & 0xFFFF;
            long base = sized(iloc, baseSize);
            int extents = iloc.getShort() & 0xFFFF;
            for (int e = 0; e < extents; e++) {
                sized(iloc, indexSize);
                long offset = sized(iloc, offsetSize), length = sized(iloc, lengthSize);
                if (method == 0 && dataRef == 0 && (base + offset < 0 || base + offset + length > fileLength)) {
                    throw new Malformed("the file is cut short: the data of item " + id + " ends at byte "
                            + (base + offset + length) + " but the file has " + fileLength + " bytes");
                }
            }
        }
    }

    private static long sized(ByteBuffer b, int bytes) {
        return switch (bytes) {
            case 0 -> 0;
            case 4 -> b.getInt() & 0xFFFFFFFFL;
            case 8 -> b.getLong();
            default -> throw new IllegalArgumentException("field size " + bytes);
        };
    }

    private record Box(String type, ByteBuffer body) {}

    /** The boxes from the buffer's position to its limit; each body a view of its own bytes. */
    private static List<Box> children(ByteBuffer parent) throws Malformed {
        List<Box> boxes = new ArrayList<>();
        ByteBuffer b = parent.duplicate();
        while (b.remaining() >= 8) {
            int start = b.position();
            long size = b.getInt() & 0xFFFFFFFFL;
            byte[] t = new byte[4];
            b.get(t);
            int header = 8;
            if (size == 1) {
                size = b.getLong();
                header = 16;
            } else if (size == 0) {
                size = b.limit() - start;
            }
            if (size < header || size > b.limit() - start) {
                throw new Malformed("box '" + printable(fourCc(t, 0)) + "' inside 'meta' declares " + size
                        + " bytes, more than its parent holds");
            }
            ByteBuffer body = b.duplicate();
            body.position(start + header).limit(start + (int) size);
            boxes.add(new Box(fourCc(t, 0), body.slice()));
            b.position(start + (int) size);
        }
        return boxes;
    }

    private static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String fourCc) {
        return fourCc.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? fourCc : "?";
    }

    private static long skip(InputStream in, long n) throws IOException {
        long done = 0;
        byte[] buf = new byte[64 * 1024];
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    private static long skipAll(InputStream in) throws IOException {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
}
