package dev.forge3d.runtime.sds;

/** Turns a text prompt into a fixed-length embedding that conditions a diffusion prior. */
public interface PromptEncoder {

    /** Embedding length. */
    int dimension();

    /** The prompt's embedding (unit length for sentence encoders). */
    float[] encode(String prompt);
}
