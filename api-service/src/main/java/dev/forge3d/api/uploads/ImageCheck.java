package dev.forge3d.api.uploads;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Accepts JPEG and PNG photos that decode completely, and HEIC photos whose container is whole (the API has no HEVC
 * decoder: {@link HeifContainer} checks the boxes and reads the primary image's size; the worker decodes). Decoding (subsampled, so memory stays small) is the
 * only reliable way to catch a truncated or damaged file; the JPEG decoder reports a truncated file as a warning
 * ("Premature end of JPEG file", "Corrupt JPEG data"), which counts as corrupt here.
 */
final class ImageCheck {
    static {
        // The TwelveMonkeys JPEG reader (CMYK/YCCK, Adobe markers) is found on the class path in fat jars too.
        ImageIO.scanForPlugins();
    }

    private ImageCheck() {}

    /** A photo that passed: its media type and size in pixels (as stored, before any EXIF rotation). */
    record Checked(String mediaType, int width, int height) {}

    /** Returns the media type and size, or throws a 4xx {@link ApiException} naming the file. */
    static Checked verify(String displayName, InputStream raw, long maxPixels) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(16);
        byte[] magic = in.readNBytes(12);
        in.reset();
        String mediaType = sniff(magic);
        String other = otherImageFormat(magic);
        if (mediaType == null && other != null) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName + " is a " + other
                    + " image; this service reads JPEG, PNG and HEIC photos (export or convert it to JPEG)");
        }
        if (mediaType == null) {
            throw new ApiException(ProblemType.NOT_AN_IMAGE, displayName + " is not a JPEG, PNG or HEIC image");
        }
        if (mediaType.equals(HEIC)) return verifyHeif(displayName, in, maxPixels);
        try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
            if (!readers.hasNext()) throw new IllegalStateException("no ImageIO reader for " + mediaType);
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                AtomicReference<String> warning = new AtomicReference<>();
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String w) {
                        // libjpeg's words for a cut or damaged file; other warnings (a CMYK JPEG without an ICC
                        // profile, say) are about colour, not integrity.
                        if (w != null && (w.contains("Premature end") || w.contains("Corrupt"))) {
                            warning.compareAndSet(null, w);
                        }
                    }
                });
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0) throw corrupt(displayName, "no image size");
                if ((long) w * h > maxPixels) {
                    throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, displayName + " is " + w + "x" + h
                            + " pixels; the limit is " + maxPixels + " pixels");
                }
                ImageReadParam p = reader.getDefaultReadParam();
                int sub = Math.max(1, Math.min(8, Math.max(w, h) / 256));
                p.setSourceSubsampling(sub, sub, 0, 0);
                BufferedImage img = reader.read(0, p);
                if (img == null) throw corrupt(displayName, "nothing decoded");
                if (warning.get() != null) throw corrupt(displayName, warning.get());
                return new Checked(mediaType, w, h);
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(displayName, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** HEIC: the container must be whole, its primary image HEVC-coded and within the pixel limit. */
    private static Checked verifyHeif(String displayName, InputStream in, long maxPixels) throws IOException {
        HeifContainer.Primary p;
        try {
            p = HeifContainer.read(in);
        } catch (HeifContainer.Malformed e) {
            throw corrupt(displayName, e.getMessage());
        } catch (IOException | RuntimeException e) {
            // as for JPEG and PNG: a stream that cannot be read to its end is not a photo to accept
            throw corrupt(displayName, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        switch (p.itemType()) {
            case "hvc1", "grid", "iden", "iovl" -> { } // HEVC, or derived from HEVC tiles: what libheif decodes
            case "av01" -> throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName
                    + " is an AVIF image; this service reads JPEG, PNG and HEIC photos (export or convert it to JPEG)");
            default -> throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName
                    + " is a HEIF file whose image is coded as '" + p.itemType().strip()
                    + "'; this service reads HEVC-coded HEIC (export or convert it to JPEG)");
        }
        if ((long) p.width() * p.height() > maxPixels) {
            throw new ApiException(ProblemType.PAYLOAD_TOO_LARGE, displayName + " is " + p.width() + "x" + p.height()
                    + " pixels; the limit is " + maxPixels + " pixels");
        }
        return new Checked(HEIC, p.width(), p.height());
    }

    /** The name of a recognised image format (HEIC, or one not read here: AVIF, WebP, TIFF, ...), or null. */
    static String otherImageFormat(byte[] m) {
        if (m.length >= 12 && m[4] == 'f' && m[5] == 't' && m[6] == 'y' && m[7] == 'p') {
            String brand = new String(m, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            return switch (brand) {
                case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1" -> "HEIC/HEIF";
                case "avif", "avis" -> "AVIF";
                default -> null;
            };
        }
        if (m.length >= 12 && m[0] == 'R' && m[1] == 'I' && m[2] == 'F' && m[3] == 'F' && m[8] == 'W' && m[9] == 'E'
                && m[10] == 'B' && m[11] == 'P') {
            return "WebP";
        }
        if (m.length >= 4 && ((m[0] == 'I' && m[1] == 'I' && m[2] == 42 && m[3] == 0)
                || (m[0] == 'M' && m[1] == 'M' && m[2] == 0 && m[3] == 42))) {
            return "TIFF (or camera raw)";
        }
        if (m.length >= 4 && m[0] == 'G' && m[1] == 'I' && m[2] == 'F' && m[3] == '8') return "GIF";
        if (m.length >= 2 && m[0] == 'B' && m[1] == 'M') return "BMP";
        return null;
    }

    static final String HEIC = "image/heic";

    /** The media type of a photo this service reads, by its first bytes, or null. */
    static String sniff(byte[] magic) {
        if (magic.length >= 12 && magic[4] == 'f' && magic[5] == 't' && magic[6] == 'y' && magic[7] == 'p') {
            String brand = new String(magic, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            return switch (brand) {
                case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1" -> HEIC;
                default -> null;
            };
        }
        if (magic.length >= 3 && (magic[0] & 0xff) == 0xFF && (magic[1] & 0xff) == 0xD8 && (magic[2] & 0xff) == 0xFF) {
            return "image/jpeg";
        }
        if (magic.length >= 8 && (magic[0] & 0xff) == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G'
                && magic[4] == 0x0D && magic[5] == 0x0A && magic[6] == 0x1A && magic[7] == 0x0A) {
            return "image/png";
        }
        return null;
    }

    private static ApiException corrupt(String name, String why) {
        return new ApiException(ProblemType.CORRUPT_IMAGE, name + " could not be decoded (" + why + ")");
    }
}
