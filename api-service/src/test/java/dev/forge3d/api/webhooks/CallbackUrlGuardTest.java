package dev.forge3d.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF rule: which URLs and addresses a webhook may reach when private addresses are not allowed. */
class CallbackUrlGuardTest {
    private static final Map<String, String> DNS = Map.of(
            "public.example", "93.184.216.34",
            "internal.example", "10.1.2.3",
            "metadata.example", "169.254.169.254");

    private final CallbackUrlGuard guard = new CallbackUrlGuard(false, 2048, CallbackUrlGuardTest::resolve);

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.get(host);
        if (ip != null) return new InetAddress[] {InetAddress.getByName(ip)};
        if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f'))) {
            return InetAddress.getAllByName(host); // an address literal: no lookup
        }
        throw new UnknownHostException(host);
    }

    @Test
    void publicAddressesPassAndTheCheckedAddressesComeBack() throws Exception {
        CallbackUrlGuard.Target t = guard.resolve("https://public.example/hooks?x=1");
        assertThat(t.addresses()).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(t.port()).isEqualTo(443);
        assertThat(t.https()).isTrue();
        assertThat(guard.resolve("http://public.example:8081/").port()).isEqualTo(8081);
        assertThat(guard.resolve("http://8.8.8.8/").addresses()).hasSize(1);
        assertThat(guard.resolve("http://[2001:4860:4860::8888]/").host()).isEqualTo("2001:4860:4860::8888");
    }

    @Test
    void privateLoopbackLinkLocalAndReservedAddressesAreRefusedNamingWhy() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("http://127.0.0.1/", "loopback"), Map.entry("http://[::1]/", "loopback"),
                Map.entry("http://internal.example/", "private"), Map.entry("http://192.168.1.1/", "private"),
                Map.entry("http://172.16.0.1/", "private"), Map.entry("http://[fd00::1]/", "private"),
                Map.entry("http://metadata.example/latest", "link-local"), Map.entry("http://[fe80::1]/", "link-local"),
                Map.entry("http://0.0.0.0/", "unspecified"), Map.entry("http://100.64.0.1/", "carrier-grade NAT"),
                Map.entry("http://224.0.0.1/", "multicast"), Map.entry("http://255.255.255.255/", "reserved"),
                Map.entry("http://[::ffff:127.0.0.1]/", "loopback"), Map.entry("http://[64:ff9b::a00:1]/", "private"),
                Map.entry("http://[2002:7f00:1::]/", "loopback"));
        cases.forEach((url, why) -> assertThatThrownBy(() -> guard.resolve(url)).as(url)
                .isInstanceOf(CallbackUrlGuard.Refused.class).hasMessageContaining("a " + why + " address"));
    }

    @Test
    void malformedUrlsAreRefusedBeforeAnyLookup() {
        for (String url : new String[] {"", "ftp://public.example/", "file:///etc/passwd", "public.example/x",
                "http://user:pw@public.example/", "http:///x", "http://public.example/#frag", "http://a b/",
                "http://public.example:0/", "http://public.example:99999/", "javascript:alert(1)",
                "https://" + "a".repeat(2050) + ".example/", "http://nowhere.example/"}) {
            assertThatThrownBy(() -> guard.resolve(url)).as(url).isInstanceOf(CallbackUrlGuard.Refused.class);
        }
    }

    @Test
    void everyAddressOfANameMustBeAllowed() {
        CallbackUrlGuard twoFaced = new CallbackUrlGuard(false, 2048, h -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")});
        assertThatThrownBy(() -> twoFaced.resolve("http://either.example/"))
                .hasMessageContaining("127.0.0.1, a loopback address");
    }

    @Test
    void allowPrivateLetsLoopbackThrough() throws Exception {
        CallbackUrlGuard open = new CallbackUrlGuard(true, 2048, CallbackUrlGuardTest::resolve);
        assertThat(open.resolve("http://127.0.0.1:9/").addresses()).hasSize(1);
        assertThatThrownBy(() -> open.resolve("ftp://127.0.0.1/")).isInstanceOf(CallbackUrlGuard.Refused.class);
    }
}
