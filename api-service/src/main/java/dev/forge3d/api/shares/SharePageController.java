package dev.forge3d.api.shares;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.auth.ShareGrant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The viewer page of a share link ({@code /s/{token}}) and its chrome-less variant for product pages
 * ({@code /s/{token}/embed}): the built viewer ({@code static/viewer/index.html}, from web/viewer), which reads the
 * job through {@code /s/{token}/job}, {@code /events} and {@code /artifacts}. Any site may frame them unless
 * {@code forge3d.shares.frame-ancestors} says otherwise. When the api-service was built without npm the page says
 * that the viewer bundle was not built.
 */
@RestController
@RequiresCredential(CredentialKind.SHARE_LINK)
public class SharePageController {
    static final String VIEWER_PAGE = "static/viewer/index.html";

    private final ShareProperties props;
    private final String page;

    public SharePageController(ShareProperties props) throws IOException {
        this.props = props;
        this.page = loadPage();
    }

    @GetMapping("/s/{token}")
    ResponseEntity<String> page(ShareGrant grant, @PathVariable String token) {
        return html();
    }

    @GetMapping("/s/{token}/embed")
    ResponseEntity<String> embed(ShareGrant grant, @PathVariable String token) {
        return html();
    }

    private ResponseEntity<String> html() {
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", "frame-ancestors " + props.frameAncestors())
                // The token is in the URL: never sent on to another site.
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .body(page);
    }

    /** Whether the viewer bundle is in this build (npm ran when api-service was built). */
    public static boolean viewerBuilt() {
        return new ClassPathResource(VIEWER_PAGE).exists();
    }

    private static String loadPage() throws IOException {
        ClassPathResource r = new ClassPathResource(VIEWER_PAGE);
        if (!r.exists()) {
            return """
                    <!doctype html><html lang="en"><head><meta charset="utf-8"><title>forge3d viewer</title>
                    <meta name="viewport" content="width=device-width, initial-scale=1"></head>
                    <body style="font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em">
                    <h1>The viewer bundle was not built</h1>
                    <p>This forge3d server was built without npm, so the 3D viewer is not part of it
                    (see docs/api.md, "Viewer and share links"). The shared job is still readable as JSON:
                    <a id="job" href="job">job</a>, <a href="artifacts">artifacts</a>.</p>
                    <script>for (const a of document.querySelectorAll('a')) a.href = location.pathname.replace(/\\/embed$/, '') + '/' + a.getAttribute('href');</script>
                    </body></html>
                    """;
        }
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
