package dev.forge3d.api.web;

/** A request the API refuses, answered as problem+json with the {@link ProblemType}'s status and type URI. */
public class ApiException extends RuntimeException {
    private final ProblemType type;

    public ApiException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public ProblemType type() { return type; }

    public String detail() { return getMessage(); }
}
