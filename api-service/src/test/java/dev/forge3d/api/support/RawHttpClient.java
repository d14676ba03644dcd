package dev.forge3d.api.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client library will send: raw request targets
 * (percent-encoded letters, ';' parameters, dot segments, '//'), duplicate or oversized headers, declared lengths
 * that the body does not match, bodies cut short. One request per connection.
 */
public final class RawHttpClient {
    public record Response(int status, Map<String, String> headers, byte[] body, boolean serverClosed) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int port;

    public RawHttpClient(int port) {
        this.port = port;
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line), a blank line, then {@code body}; with
     * {@code shutdownOutput} the client half-closes after the body (a body cut short of its declared length).
     */
    public Response exchange(String head, byte[] body, boolean shutdownOutput) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();
            if (shutdownOutput) s.shutdownOutput();
            return read(s, new BufferedInputStream(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response exchange(String head, byte[] body) {
        return exchange(head, body, false);
    }

    private static Response read(Socket s, InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) throw new IOException("the server closed the connection without a response");
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.merge(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n; (n = Integer.parseInt(line(in).split(";")[0].strip(), 16)) > 0; line(in)) {
                body.write(in.readNBytes(n));
            }
            line(in);
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (status != 204 && status != 304) {
            in.transferTo(body);
        }
        s.setSoTimeout(3000);
        return new Response(status, headers, body.toByteArray(), closed(in));
    }

    /** Whether the server ends the connection within 3 seconds (instead of waiting for more request bytes). */
    private static boolean closed(InputStream in) {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
