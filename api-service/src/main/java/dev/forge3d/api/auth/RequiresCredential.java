package dev.forge3d.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The credential a controller (or one of its methods) takes. {@link CredentialCheck} reads it from the handler the
 * router matched, so which credential a call needs is decided by the route itself, never by the request's text; a
 * route without it is refused.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresCredential {
    CredentialKind value();

    /** Further credentials the route also takes (the events route: a stream token besides the API key). */
    CredentialKind[] alsoAccepts() default {};
}
