package dev.forge3d.runtime.progress;

/**
 * Receives progress from long computations (SfM phases, training, SDS, export). The CLI draws it as a progress
 * bar; the worker forwards it in heartbeats. {@link #cancelRequested()} lets the caller stop a computation:
 * long loops poll it and throw {@link CancelledException}.
 */
public interface ProgressListener {

    void onProgress(Progress progress);

    /** True once the owner of the computation wants it stopped (a job cancel, Ctrl-C). */
    default boolean cancelRequested() { return false; }

    /** Throws {@link CancelledException} if a stop was requested; call it between units of work. */
    default void checkCancelled() {
        if (cancelRequested()) throw new CancelledException();
    }

    ProgressListener NONE = p -> { };
}
