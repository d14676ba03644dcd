package dev.forge3d.runtime.image.ingest;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;

import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * What a photo's EXIF says about its geometry: the orientation tag (1..8) and the focal length, either as a
 * 35 mm equivalent or in millimetres with the focal-plane resolution (sensor size) that converts it to pixels.
 */
public record ExifInfo(int orientation, double focalMm, double focal35mm, double focalPlaneXResolutionPerMm,
                       String cameraModel) {

    public static final ExifInfo NONE = new ExifInfo(1, Double.NaN, Double.NaN, Double.NaN, "");

    /** Reads the tags; a file without EXIF (or with unreadable metadata) gives {@link #NONE}. */
    public static ExifInfo read(Path file) {
        try {
            Metadata md = ImageMetadataReader.readMetadata(file.toFile());
            int orientation = 1;
            String model = "";
            ExifIFD0Directory ifd0 = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (ifd0 != null) {
                Integer o = ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                if (o != null && o >= 1 && o <= 8) orientation = o;
                String make = ifd0.getString(ExifIFD0Directory.TAG_MAKE);
                String m = ifd0.getString(ExifIFD0Directory.TAG_MODEL);
                model = ((make == null ? "" : make.trim()) + " " + (m == null ? "" : m.trim())).trim();
            }
            double focal = Double.NaN, focal35 = Double.NaN, planeRes = Double.NaN;
            ExifSubIFDDirectory sub = md.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
            if (sub != null) {
                Double f = sub.getDoubleObject(ExifSubIFDDirectory.TAG_FOCAL_LENGTH);
                if (f != null && f > 0) focal = f;
                Integer f35 = sub.getInteger(ExifSubIFDDirectory.TAG_35MM_FILM_EQUIV_FOCAL_LENGTH);
                if (f35 != null && f35 > 0) focal35 = f35;
                Double xres = sub.getDoubleObject(ExifSubIFDDirectory.TAG_FOCAL_PLANE_X_RESOLUTION);
                Integer unit = sub.getInteger(ExifSubIFDDirectory.TAG_FOCAL_PLANE_RESOLUTION_UNIT);
                if (xres != null && xres > 0) {
                    // Unit 2 = inch, 3 = cm, 4 = mm (EXIF 2.3); default is inch.
                    double mmPerUnit = unit == null ? 25.4 : switch (unit) { case 3 -> 10; case 4 -> 1; default -> 25.4; };
                    planeRes = xres / mmPerUnit;
                }
            }
            return new ExifInfo(orientation, focal, focal35, planeRes, model);
        } catch (Exception e) {
            return NONE;
        }
    }

    /** True when the orientation swaps width and height (tags 5..8 rotate by 90 degrees). */
    public boolean swapsAxes() { return orientation >= 5; }

    /**
     * Focal length in pixels of the oriented image of size {@code width x height}, or empty when EXIF does not say.
     * The 35 mm equivalent maps the diagonal of a 36x24 mm frame to the image diagonal.
     */
    public OptionalDouble focalPixels(int width, int height, int sensorWidthPixels) {
        if (focalMm > 0 && focalPlaneXResolutionPerMm > 0 && sensorWidthPixels > 0) {
            // The focal-plane resolution refers to the stored (unrotated) sensor width.
            double px = focalMm * focalPlaneXResolutionPerMm;
            if (px > 0.1 * Math.max(width, height) && px < 20.0 * Math.max(width, height)) return OptionalDouble.of(px);
        }
        if (focal35mm > 0) {
            double diag = Math.hypot(width, height);
            return OptionalDouble.of(focal35mm / Math.hypot(36, 24) * diag);
        }
        return OptionalDouble.empty();
    }
}
