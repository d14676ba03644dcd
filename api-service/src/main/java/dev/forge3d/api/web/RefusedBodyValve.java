package dev.forge3d.api.web;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a request that a filter refused without reading its body ({@link Problems#refuse}), tells Tomcat not to
 * read (swallow) the rest of that body to keep the connection: the connection is closed instead. Otherwise an
 * unauthenticated client could make the server read an unbounded body (server.tomcat.max-swallow-size is
 * unlimited so that a refused large upload still gets its 413).
 */
public class RefusedBodyValve extends ValveBase {
    /** Request attribute set by {@link Problems#refuse}. */
    public static final String REFUSED = RefusedBodyValve.class.getName() + ".refused";

    public RefusedBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        try {
            getNext().invoke(request, response);
        } finally {
            if (request.getAttribute(REFUSED) != null) {
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }
}
