package dev.forge3d.runtime.sds.builtin;

import dev.forge3d.runtime.sds.PromptEncoder;
import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;

/**
 * Grounds a free-text prompt in the built-in prior's vocabulary: the prompt is embedded by the sentence encoder and
 * compared (cosine) with the embeddings of every training caption; a softmax over the 40 (shape, colour) classes,
 * each scored by its best-matching caption template, gives a joint distribution whose shape and colour marginals,
 * plus a one-hot of the DreamFusion view suffix, are the prior's conditioning vector.
 *
 * <p>Why not feed the raw 384-d embedding to the UNet: all captions share most of their embedding (cosine 0.6..0.9
 * between different classes), so the class signal is a small perturbation the small UNet learned to ignore (the
 * first weights, conditioned on raw embeddings, predicted almost the same noise for "a red cube" and "a blue
 * sphere"). The grounding keeps the language understanding in the sentence encoder (a paraphrase lands on the
 * caption it is closest to in meaning) and hands the UNet a signal it can learn from quickly.
 */
public final class CaptionGrounding {

    /** Softmax temperature on cosine similarities: a 0.05 lead in similarity is a factor e^2.5 in probability. */
    public static final double TEMPERATURE = 0.02;
    public static final int SHAPES = Shape.values().length, COLOURS = NamedColour.values().length, VIEWS = Captions.VIEW_SUFFIXES.size();
    /** Length of the conditioning vector: shape marginal, colour marginal, view one-hot. */
    public static final int DIM = SHAPES + COLOURS + VIEWS;

    private final PromptEncoder encoder;
    /** [shape * COLOURS + colour][template] → caption embedding (no view suffix). */
    private final float[][][] prototypes;

    public CaptionGrounding(PromptEncoder encoder) {
        this.encoder = encoder;
        Shape[] shapes = Shape.values();
        NamedColour[] colours = NamedColour.values();
        prototypes = new float[SHAPES * COLOURS][Captions.TEMPLATES.size()][];
        for (int s = 0; s < SHAPES; s++) {
            for (int c = 0; c < COLOURS; c++) {
                for (int t = 0; t < Captions.TEMPLATES.size(); t++) {
                    prototypes[s * COLOURS + c][t] = normalised(encoder.encode(Captions.caption(t, shapes[s], colours[c], 0)));
                }
            }
        }
    }

    /** The conditioning vector of {@code prompt} (which may end with {@code ", front view"} etc.). */
    public float[] ground(String prompt) {
        String p = prompt.strip();
        int view = 0;
        for (int v = 1; v < VIEWS; v++) {
            String suffix = ", " + Captions.VIEW_SUFFIXES.get(v);
            if (p.endsWith(suffix)) {
                view = v;
                p = p.substring(0, p.length() - suffix.length()).strip();
                break;
            }
        }
        float[] e = normalised(encoder.encode(p));
        double[] score = new double[SHAPES * COLOURS];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < score.length; k++) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] proto : prototypes[k]) best = Math.max(best, dot(e, proto));
            score[k] = best / TEMPERATURE;
            max = Math.max(max, score[k]);
        }
        double sum = 0;
        for (int k = 0; k < score.length; k++) sum += score[k] = Math.exp(score[k] - max);
        float[] out = new float[DIM];
        for (int s = 0; s < SHAPES; s++) {
            for (int c = 0; c < COLOURS; c++) {
                double pk = score[s * COLOURS + c] / sum;
                out[s] += (float) pk;
                out[SHAPES + c] += (float) pk;
            }
        }
        out[SHAPES + COLOURS + view] = 1;
        return out;
    }

    /** The most likely shape of a conditioning vector. */
    public static Shape shape(float[] conditioning) {
        return Shape.values()[argmax(conditioning, 0, SHAPES)];
    }

    /** The most likely colour of a conditioning vector. */
    public static NamedColour colour(float[] conditioning) {
        return NamedColour.values()[argmax(conditioning, SHAPES, COLOURS)];
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[from + i] > v[from + best]) best = i;
        return best;
    }

    private static float[] normalised(float[] v) {
        double n = Math.sqrt(dot(v, v));
        float[] o = v.clone();
        if (n > 0) for (int i = 0; i < o.length; i++) o[i] /= (float) n;
        return o;
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d += a[i] * b[i];
        return d;
    }
}
