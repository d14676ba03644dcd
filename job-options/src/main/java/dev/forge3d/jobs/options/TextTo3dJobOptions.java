package dev.forge3d.jobs.options;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * The options of a {@code text-to-3d} job, parsed and checked. The API validates them with {@link #parse} when a
 * job is created (a bad value is a 400), and the worker parses them again with the same code before it runs the
 * job, so a job the API accepted never fails on its options.
 *
 * <ul>
 *   <li>{@code prompt}: required, 1..{@value #MAX_PROMPT_CHARS} characters, no control characters;</li>
 *   <li>{@code seed}: a whole number (default 0);</li>
 *   <li>{@code maxSeconds}: a time budget, 0..{@value #MAX_SECONDS} (0: none);</li>
 *   <li>{@code iterations}: 0..{@value #MAX_ITERATIONS} (default {@value #DEFAULT_ITERATIONS}, with a time budget
 *       too: the schedule converges there and more time never stretches it; 0 with a time budget leaves only the
 *       time budget); one of the two budgets must be positive;</li>
 *   <li>{@code guidance}: classifier-free guidance scale, 0..{@value #MAX_GUIDANCE} (default: the prior's);</li>
 *   <li>{@code attempts}: runs while the self-check reads another object, 1..10 (default {@value #DEFAULT_ATTEMPTS}).</li>
 * </ul>
 */
public record TextTo3dJobOptions(String prompt, long seed, double maxSeconds, int iterations, double guidance,
                                 int attempts) {

    /** The one prompt limit of API and worker (code points). */
    public static final int MAX_PROMPT_CHARS = 500;
    public static final double MAX_SECONDS = 3600;
    public static final int MAX_ITERATIONS = 100_000;
    public static final double MAX_GUIDANCE = 100;
    /** The worker's SDS defaults (its {@code SdsConfig}; a worker test checks they agree). */
    public static final int DEFAULT_ITERATIONS = 2000;
    public static final int DEFAULT_ATTEMPTS = 3;
    /** The option names this class reads. */
    public static final Set<String> NAMES = Set.of("prompt", "seed", "maxSeconds", "iterations", "guidance",
            "attempts");

    /** Parses the job's params; throws {@link IllegalArgumentException} with a message naming the option. */
    public static TextTo3dJobOptions parse(ObjectNode params) {
        String prompt = prompt(params == null ? null : params.get("prompt"));
        long seed = OptionValues.longValue(params, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        double maxSeconds = OptionValues.decimal(params, "maxSeconds", 0, 0, MAX_SECONDS);
        int iterations = (int) OptionValues.longValue(params, "iterations", DEFAULT_ITERATIONS,
                0, MAX_ITERATIONS);
        if (iterations == 0 && maxSeconds == 0) {
            throw new IllegalArgumentException("set option 'iterations' (1.." + MAX_ITERATIONS
                    + ") or 'maxSeconds' (a time budget); both are 0");
        }
        double guidance = OptionValues.has(params, "guidance")
                ? OptionValues.decimal(params, "guidance", Double.NaN, 0, MAX_GUIDANCE) : Double.NaN;
        int attempts = (int) OptionValues.longValue(params, "attempts", DEFAULT_ATTEMPTS, 1, 10);
        return new TextTo3dJobOptions(prompt, seed, maxSeconds, iterations, guidance, attempts);
    }

    private static String prompt(JsonNode v) {
        if (v == null || v.isNull()) throw new MissingPromptException("a text-to-3d job needs a non-empty 'prompt'");
        if (!v.isString()) throw new IllegalArgumentException("option 'prompt' must be a string");
        String p = v.asString().strip();
        if (p.isEmpty()) throw new MissingPromptException("a text-to-3d job needs a non-empty 'prompt'");
        int chars = p.codePointCount(0, p.length());
        if (chars > MAX_PROMPT_CHARS) {
            throw new PromptTooLongException("the prompt has " + chars + " characters; the limit is "
                    + MAX_PROMPT_CHARS);
        }
        OptionValues.requirePrintable("prompt", p);
        return p;
    }

    /** No prompt, or a blank one. */
    public static final class MissingPromptException extends IllegalArgumentException {
        MissingPromptException(String message) { super(message); }
    }

    /** A prompt over {@link #MAX_PROMPT_CHARS}. */
    public static final class PromptTooLongException extends IllegalArgumentException {
        PromptTooLongException(String message) { super(message); }
    }
}
