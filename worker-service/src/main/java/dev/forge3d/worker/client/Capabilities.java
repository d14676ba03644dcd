package dev.forge3d.worker.client;

/**
 * What a worker can run, sent with every lease request.
 *
 * @param backend        {@code "cpu"} or {@code "cuda"}
 * @param threads        compute threads
 * @param memoryBytes    memory the worker may use (the JVM's max heap)
 * @param gpuName        GPU model, null for cpu
 * @param gpuMemoryBytes GPU memory, 0 for cpu
 */
public record Capabilities(String backend, int threads, long memoryBytes, String gpuName, long gpuMemoryBytes) {

    public static Capabilities cpu(int threads, long memoryBytes) {
        return new Capabilities("cpu", threads, memoryBytes, null, 0);
    }
}
