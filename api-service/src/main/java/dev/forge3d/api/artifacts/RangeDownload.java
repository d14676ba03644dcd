package dev.forge3d.api.artifacts;

import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;

/**
 * Streams a blob as an HTTP response, honouring a single {@code Range: bytes=...} (206 with Content-Range). A
 * malformed or multi-part Range is ignored (full 200, as RFC 9110 allows); a range past the end is 416.
 */
public final class RangeDownload {
    private RangeDownload() {}

    public static void send(BlobStore blobs, String key, long size, String mediaType, String etag, String rangeHeader,
            HttpServletResponse response) throws IOException {
        long start = 0;
        long length = size;
        boolean partial = false;
        if (rangeHeader != null && !rangeHeader.isBlank()) {
            List<HttpRange> ranges;
            try {
                ranges = HttpRange.parseRanges(rangeHeader);
            } catch (IllegalArgumentException e) {
                ranges = List.of();
            }
            if (ranges.size() == 1) {
                HttpRange r = ranges.getFirst();
                try {
                    start = r.getRangeStart(size);
                    long end = r.getRangeEnd(size);
                    if (start >= size || end < start) throw new IllegalArgumentException("past the end");
                    length = end - start + 1;
                    partial = true;
                } catch (IllegalArgumentException e) {
                    response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
                    throw new ApiException(ProblemType.RANGE_NOT_SATISFIABLE,
                            "range " + rangeHeader + " is outside the " + size + "-byte file");
                }
            }
        }
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (etag != null) response.setHeader(HttpHeaders.ETAG, "\"" + etag + "\"");
        response.setContentType(mediaType);
        response.setContentLengthLong(length);
        if (partial) {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + (start + length - 1) + "/" + size);
        } else {
            response.setStatus(HttpServletResponse.SC_OK);
        }
        try (InputStream in = blobs.open(key, start, length)) {
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
        }
    }
}
