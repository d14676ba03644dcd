package dev.forge3d.runtime.sds;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The all-MiniLM-L6-v2 sentence encoder (384-d, full-precision ONNX shipped inside its Maven artifact, run by ONNX
 * Runtime in-process): paraphrases and synonyms land near each other, so prompts never seen in training still find
 * the right shape and colour. Full precision rather than the quantised variant: on a validation suite of 16
 * paraphrases its nearest training caption was right for 11, the quantised model's for 9 (docs/text-to-3d.md).
 * Encodings are cached: SDS asks for the same few prompts thousands of times.
 */
public final class MiniLmPromptEncoder implements PromptEncoder {

    private final EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();

    @Override
    public int dimension() { return 384; }

    @Override
    public float[] encode(String prompt) {
        String key = prompt.strip().toLowerCase(java.util.Locale.ROOT);
        if (cache.size() >= 4096) cache.clear();   // a long-lived worker sees unboundedly many prompts
        return cache.computeIfAbsent(key, k -> model.embed(k).content().vector()).clone();
    }

    /** Cosine similarity of two embeddings. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.sqrt(na * nb);
    }
}
