package dev.forge3d.api.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for the load generators. java.net.http hands every call between
 * threads, which on a 2-core machine shared with the server costs more CPU than the server's own work; this
 * client writes and reads on the caller's thread so the benchmarks measure the server.
 */
final class RawHttp implements AutoCloseable {
    record Response(int status, byte[] body, boolean close) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
    }

    private final String host;
    private final int port;
    private final ConcurrentLinkedQueue<Conn> idle = new ConcurrentLinkedQueue<>();

    RawHttp(String host, int port) {
        if (!host.equals("127.0.0.1")) throw new IllegalArgumentException("benchmarks run against 127.0.0.1 only");
        this.host = host;
        this.port = port;
    }

    Response send(String method, String path, String bearer, String jsonBody) throws IOException {
        Conn c = idle.poll();
        if (c == null) c = new Conn(host, port);
        try {
            byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(256).append(method).append(' ').append(path)
                    .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                    .append("\r\nAuthorization: Bearer ").append(bearer).append("\r\nAccept: application/json\r\n");
            if (jsonBody != null) {
                req.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            c.out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body.length > 0) c.out.write(body);
            c.out.flush();
            Response r = read(c.in);
            if (r.close()) {
                c.socket.close();
            } else {
                idle.add(c);
            }
            return r;
        } catch (IOException | RuntimeException e) {
            c.socket.close();
            throw e;
        }
    }

    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("connection closed");
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while (!(h = line(in)).isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Integer.parseInt(value);
            if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) chunked = true;
            if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
        }
        if (chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                out.write(in.readNBytes(size));
                line(in);
            }
            return new Response(code, out.toByteArray(), close);
        }
        return new Response(code, length <= 0 ? new byte[0] : in.readNBytes(length), close);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        Conn c;
        while ((c = idle.poll()) != null) c.socket.close();
    }
}
