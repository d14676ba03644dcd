package dev.forge3d.api.uploads;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Accepts a video part by its container's signature: an ISO base media file (MP4, MOV, M4V, 3GP: an {@code ftyp}
 * box with a video brand) or a Matroska/WebM file (the EBML header). The API does not decode video (the worker
 * does, with FFmpeg): a damaged file passes this check and fails the job with the decoder's reason.
 */
final class VideoCheck {
    private VideoCheck() {}

    /** The file extension the stored input gets, by container. */
    record Container(String mediaType, String extension) {}

    static Container verify(String displayName, InputStream in) throws IOException {
        byte[] m = in.readNBytes(12);
        if (m.length >= 4 && (m[0] & 0xff) == 0x1A && (m[1] & 0xff) == 0x45 && (m[2] & 0xff) == 0xDF && (m[3] & 0xff) == 0xA3) {
            return new Container("video/webm", "webm");
        }
        if (m.length >= 12 && m[4] == 'f' && m[5] == 't' && m[6] == 'y' && m[7] == 'p') {
            String brand = new String(m, 8, 4, StandardCharsets.US_ASCII);
            String image = ImageCheck.otherImageFormat(m);
            if (image != null) {
                throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName + " is a " + image
                        + " image, not a video; photos go in 'images' parts (JPEG, PNG or HEIC)");
            }
            return brand.equals("qt  ") ? new Container("video/quicktime", "mov") : new Container("video/mp4", "mp4");
        }
        if (ImageCheck.sniff(m) != null) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName
                    + " is a photo, not a video; photos go in 'images' parts");
        }
        throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, displayName
                + " is not an MP4, MOV or WebM video");
    }
}
