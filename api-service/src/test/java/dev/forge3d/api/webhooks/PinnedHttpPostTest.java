package dev.forge3d.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery client connects to the checked address, never to a fresh lookup of the name, while the Host
 * header, SNI and certificate check use the URL's name. The names used here ({@code hooks.example.test}) do not
 * resolve at all, so any lookup would fail the test.
 */
class PinnedHttpPostTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private final PinnedHttpPost http = new PinnedHttpPost(Duration.ofSeconds(2), Duration.ofMillis(500),
            (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());

    record Seen(String host, String target, String signature, String body) {}

    @Test
    void postsToThePinnedAddressWithTheUrlsHostHeaderAndDoesNotFollowRedirects() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.createContext("/", ex -> {
            seen.add(new Seen(ex.getRequestHeaders().getFirst("Host"), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("webhook-signature"),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (ex.getRequestURI().getPath().equals("/moved")) ex.getResponseHeaders().add("Location", "/elsewhere");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/moved") ? 302 : 204, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            int status = http.post(target("http://hooks.example.test:" + port + "/in/hook?x=1&y=%20", false, port),
                    Map.of("webhook-signature", "v1,abc"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(204);
            assertThat(seen).containsExactly(new Seen("hooks.example.test:" + port, "/in/hook?x=1&y=%20", "v1,abc",
                    "{\"a\":1}"));
            assertThat(http.post(target("http://hooks.example.test:" + port + "/moved", false, port), Map.of(),
                    new byte[0])).isEqualTo(302);
            assertThat(seen).hasSize(2); // the redirect was not followed
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aReceiverThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept(); InputStream in = s.getInputStream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // closed by the client
                }
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> http.post(target("http://hooks.example.test/", false, silent.getLocalPort()),
                    Map.of(), new byte[10])).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void httpsVerifiesTheCertificateAgainstTheUrlsHostWhileConnectingToThePinnedAddress() throws Exception {
        Path keystore = dir.resolve("hook.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hook", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=hooks.example.test", "-ext", "san=dns:hooks.example.test", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        List<String> hosts = new CopyOnWriteArrayList<>();
        server.createContext("/", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            PinnedHttpPost https = new PinnedHttpPost(Duration.ofSeconds(2), Duration.ofSeconds(5),
                    clientTls.getSocketFactory());
            assertThat(https.post(target("https://hooks.example.test:" + port + "/h", true, port), Map.of(),
                    "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
            assertThat(hosts).containsExactly("hooks.example.test:" + port);
            // The same address under a name the certificate does not carry is refused by the TLS check.
            assertThatThrownBy(() -> https.post(target("https://other.example.test:" + port + "/h", true, port),
                    Map.of(), new byte[0])).isInstanceOf(SSLHandshakeException.class);
            assertThat(hosts).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    private static CallbackUrlGuard.Target target(String url, boolean https, int port) {
        URI uri = URI.create(url);
        return new CallbackUrlGuard.Target(uri, uri.getHost(), port, https, List.of(LOOPBACK));
    }
}
