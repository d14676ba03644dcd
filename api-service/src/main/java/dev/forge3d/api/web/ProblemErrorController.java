package dev.forge3d.api.web;

import dev.forge3d.api.auth.OpenRoute;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised before Spring MVC sees a request (the servlet container refusing a body, a filter failing) end at
 * /error; answer them as problem+json too, never an HTML page or a stack trace.
 */
@RestController
@OpenRoute
public class ProblemErrorController implements ErrorController {
    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // No error attributes: a client asked for /error itself; there is nothing here for it.
        HttpStatus status = code == null ? HttpStatus.NOT_FOUND : HttpStatus.resolve(code instanceof Integer i ? i : 500);
        if (status == null) status = HttpStatus.INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ProblemType type = ProblemHandler.typeFor(status);
        ProblemDetail pd = Problems.detail(type, type.title(), uri == null ? null : uri.toString());
        pd.setStatus(status.value());
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }
}
