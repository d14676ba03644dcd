package dev.forge3d.api.uploads;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Per-photo masks (white = the product, black = ignore), as structure from motion reads them (COLMAP's
 * {@code mask_path}): 8-bit grey, grey+alpha, RGB or RGBA PNGs of the photo's displayed size, not all black. A
 * mask belongs to the photo whose file name it carries: {@code <photo file name>.png} (COLMAP's {@code
 * v000.jpg.png}) or {@code <photo stem>.png}. A pixel counts as white from grey level 128 (the worker's
 * {@code FeatureMask.KEEP_FROM}); alpha is ignored.
 */
final class MaskCheck {

    /** Grey level from which a mask pixel keeps the photo's features (same as the worker's). */
    static final int WHITE_FROM = 128;

    private MaskCheck() {}

    /** A stored mask: its input name ({@code masks/<file>}), the path in the archive and its size. */
    record Mask(String name, String archivePath, int width, int height) {}

    /** A stored photo's input name ({@code images/<file>}) and its size as displayed (after EXIF orientation). */
    record Photo(String name, int width, int height) {}

    /** Returns the mask's size, or throws {@code invalid-mask} saying what is wrong. */
    static int[] verify(String displayName, InputStream raw, long maxPixels) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(16);
        byte[] magic = in.readNBytes(8);
        in.reset();
        if (!"image/png".equals(ImageCheck.sniff(magic))) {
            throw invalid(displayName + " is not a PNG image; masks are 8-bit grey or RGB(A) PNGs");
        }
        try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(iis, true, false);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if ((long) w * h > maxPixels) {
                    throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, displayName + " is " + w + "x" + h
                            + " pixels; the limit is " + maxPixels + " pixels");
                }
                String[] header = header(reader.getImageMetadata(0));
                if (!"8".equals(header[0]) || !List.of("Grayscale", "GrayAlpha", "RGB", "RGBAlpha").contains(header[1])) {
                    throw invalid(displayName + " is a " + header[0] + "-bit " + header[1]
                            + " PNG; masks are 8-bit grey, grey+alpha, RGB or RGBA PNGs");
                }
                BufferedImage img = reader.read(0);
                if (!anyWhite(img)) {
                    throw invalid(displayName + " is all black (no pixel of grey level " + WHITE_FROM
                            + " or more): it would hide the whole photo; leave that photo's mask out to use it whole,"
                            + " or leave the photo out");
                }
                return new int[] {w, h};
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw invalid(displayName + " could not be decoded as a PNG ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /**
     * Pairs every mask with its photo and checks sizes; throws {@code invalid-mask} for a mask that matches no photo
     * or several, a photo with two masks, or a size that differs from the photo's displayed size.
     */
    static void match(List<Mask> masks, List<Photo> photos) {
        Map<String, Photo> byName = new HashMap<>();
        Map<String, List<Photo>> byStem = new HashMap<>();
        for (Photo p : photos) {
            // Case-sensitive, as the worker looks the mask up on its file system.
            String file = baseName(p.name());
            byName.put(file, p);
            int dot = file.lastIndexOf('.');
            byStem.computeIfAbsent(dot > 0 ? file.substring(0, dot) : file, k -> new ArrayList<>()).add(p);
        }
        Map<String, Mask> taken = new HashMap<>();
        for (Mask m : masks) {
            String key = baseName(m.name()).replaceFirst("\\.png$", "");
            Photo p = byName.get(key);
            if (p == null) {
                List<Photo> stem = byStem.getOrDefault(key, List.of());
                if (stem.size() > 1) {
                    throw invalid("mask " + m.archivePath() + " could belong to " + names(stem)
                            + "; name it after the photo's full file name (" + baseName(stem.get(0).name()) + ".png)");
                }
                p = stem.isEmpty() ? null : stem.get(0);
            }
            if (p == null) {
                throw invalid("mask " + m.archivePath() + " matches no photo of the upload: name a mask <photo file name>.png"
                        + " (v000.jpg.png) or <photo name without extension>.png (v000.png)");
            }
            Mask before = taken.put(p.name(), m);
            if (before != null) {
                throw invalid("photo " + baseName(p.name()) + " has two masks: " + before.archivePath() + " and "
                        + m.archivePath());
            }
            if (m.width() != p.width() || m.height() != p.height()) {
                throw invalid("mask " + m.archivePath() + " is " + m.width() + "x" + m.height() + " but its photo "
                        + baseName(p.name()) + " is " + p.width() + "x" + p.height()
                        + " as displayed (after its EXIF orientation); a mask must have its photo's size");
            }
        }
    }

    private static String names(List<Photo> photos) {
        return String.join(" and ", photos.stream().map(p -> baseName(p.name())).toList());
    }

    private static String baseName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** Bit depth and colour type from the PNG's IHDR chunk, as ImageIO's native PNG metadata names them. */
    private static String[] header(IIOMetadata md) {
        Node root = md.getAsTree("javax_imageio_png_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("IHDR") && n instanceof Element e) {
                return new String[] {e.getAttribute("bitDepth"), e.getAttribute("colorType")};
            }
        }
        return new String[] {"?", "unknown"};
    }

    /** True when some pixel's grey level (read from the raster, alpha ignored) reaches {@link #WHITE_FROM}. */
    private static boolean anyWhite(BufferedImage img) {
        Raster r = img.getRaster();
        boolean colour = img.getColorModel().getNumColorComponents() >= 3;
        int w = img.getWidth();
        int[] a = new int[w], g = new int[w], b = new int[w];
        for (int y = 0; y < img.getHeight(); y++) {
            r.getSamples(0, y, w, 1, 0, a);
            if (colour) {
                r.getSamples(0, y, w, 1, 1, g);
                r.getSamples(0, y, w, 1, 2, b);
            }
            for (int x = 0; x < w; x++) {
                float grey = colour ? 0.299f * a[x] + 0.587f * g[x] + 0.114f * b[x] : a[x];
                if (Math.round(grey) >= WHITE_FROM) return true;
            }
        }
        return false;
    }

    private static ApiException invalid(String detail) {
        return new ApiException(ProblemType.INVALID_MASK, detail);
    }
}
