package dev.forge3d.runtime.sds;

/**
 * DJL settings every prior needs, applied before the PyTorch engine starts: offline (the native library comes from
 * the Maven artifact, nothing is downloaded) and one intra-op thread unless the operator sets
 * {@code ai.djl.pytorch.num_threads}: on small, shared CPUs PyTorch's spinning worker threads made a training step
 * ten times slower than one thread did (measured on the 2-core build machine).
 */
public final class DjlSetup {

    private DjlSetup() { }

    public static synchronized void apply() {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) System.setProperty("ai.djl.pytorch.num_threads", "1");
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
}
