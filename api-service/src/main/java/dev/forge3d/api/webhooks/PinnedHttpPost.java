package dev.forge3d.api.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to addresses checked beforehand: the socket connects to a {@link CallbackUrlGuard.Target}'s
 * addresses, never to a fresh lookup of the name, so a DNS answer that changes after the check (rebinding) is
 * never used. The Host header and, for https, SNI and certificate verification use the URL's host name, as any
 * client would. (java.net.http.HttpClient resolves names itself and has no hook for this.) Redirects are not
 * followed (a 3xx is an unsuccessful attempt); only the status line is read, within a byte bound and an overall
 * deadline, and the connection is closed.
 */
public final class PinnedHttpPost {
    private static final int MAX_STATUS_LINE = 8192;

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final SSLSocketFactory tls;

    public PinnedHttpPost(Duration connectTimeout, Duration readTimeout, SSLSocketFactory tls) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.tls = tls;
    }

    /** Posts {@code body} and returns the response's status code; IOException for anything short of one. */
    public int post(CallbackUrlGuard.Target target, Map<String, String> headers, byte[] body) throws IOException {
        Socket socket = connect(target.addresses(), target.port());
        try (Socket s = target.https() ? tls(socket, target.host(), target.port()) : socket) {
            s.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            OutputStream out = s.getOutputStream();
            out.write(requestHead(target.uri(), headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readStatus(s.getInputStream(), System.nanoTime() + readTimeout.toNanos());
        } finally {
            socket.close();
        }
    }

    /** Tries each checked address in turn (as a client does with a name's several addresses). */
    private Socket connect(List<InetAddress> addresses, int port) throws IOException {
        IOException last = null;
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), (int) Math.max(1, connectTimeout.toMillis()));
                return s;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw new IOException("could not connect to " + addresses.stream().map(InetAddress::getHostAddress).toList()
                + " port " + port + ": " + (last == null ? "no address" : last.getMessage()), last);
    }

    private Socket tls(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        if (!host.contains(":") && !host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(p);
        s.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
        s.startHandshake();
        return s;
    }

    private static String requestHead(URI uri, Map<String, String> headers, int length) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        StringBuilder b = new StringBuilder(512).append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getRawAuthority()).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n").toString();
    }

    private static int readStatus(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            if (System.nanoTime() > deadline) throw new SocketTimeoutException("no response status line in time");
            int c = in.read();
            if (c < 0) throw new IOException("connection closed before a response");
            if (c == '\n') break;
            if (line.size() >= MAX_STATUS_LINE) throw new IOException("response status line too long");
            line.write(c);
        }
        String status = line.toString(StandardCharsets.ISO_8859_1).trim();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP/1.x response: "
                    + (status.length() > 80 ? status.substring(0, 80) + "..." : status));
        }
        return Integer.parseInt(parts[1]);
    }
}
