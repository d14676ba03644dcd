package dev.forge3d.api.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report for requests it refuses before any servlet runs (an unparseable request line, an encoded
 * '/' or NUL in the path, headers over the size limit, no Host header): an RFC 9457 problem like every other error
 * of the API, instead of Tomcat's HTML page. Errors raised inside the application never get here; they are
 * answered by {@link ProblemHandler} or {@link ProblemErrorController}.
 */
public class ContainerErrorValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        HttpStatus status = HttpStatus.resolve(code);
        ProblemType type = status == null ? ProblemType.MALFORMED_REQUEST : ProblemHandler.typeFor(status);
        String json = "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + code
                + ",\"detail\":\"the server could not read this request (" + code + ")\"}";
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer w = response.getReporter();
            if (w != null) {
                w.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response was committed meanwhile: nothing more can be said.
        }
    }
}
