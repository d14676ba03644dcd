package dev.forge3d.api.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses a webhook may not reach unless the deployment allows private addresses: anything that is not
 * a public unicast address on the internet, so a callback URL cannot be used to probe or call services inside the
 * deployment's network (SSRF). IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged
 * by the IPv4 address they carry.
 */
final class AddressPolicy {
    private AddressPolicy() {}

    /** Why {@code a} is refused ("loopback", "private", ...), or null when it is a public address. */
    static String whyNotPublic(InetAddress a) {
        if (a.isAnyLocalAddress()) return "unspecified";
        if (a.isLoopbackAddress()) return "loopback";
        if (a.isLinkLocalAddress()) return "link-local";
        if (a.isSiteLocalAddress()) return "private";
        if (a.isMulticastAddress()) return "multicast";
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff, b1 = b[1] & 0xff, b2 = b[2] & 0xff;
            if (b0 == 0) return "unspecified";
            if (b0 == 100 && (b1 & 0xc0) == 64) return "carrier-grade NAT";          // 100.64.0.0/10
            if (b0 == 192 && b1 == 0 && b2 == 0) return "reserved";                   // 192.0.0.0/24
            if (b0 == 198 && (b1 & 0xfe) == 18) return "reserved";                    // 198.18.0.0/15
            if (b0 >= 240) return "reserved";                                         // 240/4, broadcast
            return null;
        }
        if (a instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) return "private";                              // fc00::/7 unique local
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) return "private";     // fec0::/10 site local
            InetAddress embedded = embeddedIpv4(v6, b);
            if (embedded != null) return whyNotPublic(embedded);
            return null;
        }
        return "unknown address family";
    }

    private static InetAddress embeddedIpv4(Inet6Address v6, byte[] b) {
        try {
            if (v6.isIPv4CompatibleAddress() || isPrefix(b, 0x00, 0x64, 0xff, 0x9b)) {  // ::a.b.c.d, 64:ff9b::/96
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {                      // 2002::/16 6to4
                return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
            }
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        return null;
    }

    private static boolean isPrefix(byte[] b, int... prefix) {
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xff) != prefix[i]) return false;
        for (int i = prefix.length; i < 12; i++) if (b[i] != 0) return false;
        return true;
    }
}
