package dev.forge3d.api.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether a webhook URL may be called: at submission (a job's callbackUrl, an endpoint) and again before
 * every delivery, since what a name resolves to can change in between (DNS rebinding). {@link #resolve} returns
 * the addresses it checked, and {@link PinnedHttpPost} connects to exactly those, so no second lookup happens
 * between the check and the connection.
 */
@Component
public class CallbackUrlGuard {
    /** Name resolution, replaceable in tests (a name that resolves to another address at delivery time). */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL that may not be called; the message says why, for the 400 problem and the delivery log. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    /** A checked URL and the checked addresses of its host (connect to these, not to a fresh lookup). */
    public record Target(URI uri, String host, int port, boolean https, List<InetAddress> addresses) {}

    private final boolean allowPrivate;
    private final int maxLength;
    private final HostResolver resolver;

    @Autowired
    public CallbackUrlGuard(WebhookProperties props) {
        this(props.allowPrivate(), props.maxUrlLength(), InetAddress::getAllByName);
    }

    public CallbackUrlGuard(boolean allowPrivate, int maxLength, HostResolver resolver) {
        this.allowPrivate = allowPrivate;
        this.maxLength = maxLength;
        this.resolver = resolver;
    }

    /** The URL's form only: absolute http(s), a host, no user info or fragment, within the length bound. */
    public URI parse(String raw) throws Refused {
        if (raw == null || raw.isBlank()) throw new Refused("the URL is empty");
        if (raw.length() > maxLength) throw new Refused("the URL is longer than " + maxLength + " characters");
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new Refused("not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("the URL must start with http:// or https://");
        }
        if (uri.getRawUserInfo() != null) throw new Refused("the URL must not carry user info (user:password@)");
        if (uri.getHost() == null || uri.getHost().isEmpty()) throw new Refused("the URL has no valid host name");
        if (uri.getRawFragment() != null) throw new Refused("the URL must not have a #fragment");
        if (uri.getPort() == 0 || uri.getPort() > 65535) throw new Refused("port " + uri.getPort() + " is not valid");
        return uri;
    }

    /** Parses and resolves; every address the name has must be allowed (not just one of them). */
    public Target resolve(String raw) throws Refused {
        URI uri = parse(raw);
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) throw new Refused("host " + host + " does not resolve");
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                String why = AddressPolicy.whyNotPublic(a);
                if (why != null) {
                    throw new Refused("host " + host + " resolves to " + a.getHostAddress() + ", a " + why
                            + " address (set FORGE3D_WEBHOOKS_ALLOW_PRIVATE=true to allow private addresses)");
                }
            }
        }
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        return new Target(uri, host, port, https, List.of(addresses));
    }
}
