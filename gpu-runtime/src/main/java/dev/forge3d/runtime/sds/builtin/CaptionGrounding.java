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
 *
 * <p>With a {@link WordNetLexicon}, a colour or shape that WordNet reads from the prompt's words restricts the
 * softmax to the classes that agree with it: "an azure box" is blue for certain and the encoder only decides among
 * the blue classes which shape a box is. Training grounds its own captions without the lexicon (they name palette
 * colours and shapes, which the encoder already reads right).
 */
public final class CaptionGrounding {

    /** Softmax temperature on cosine similarities: a 0.05 lead in similarity is a factor e^2.5 in probability. */
    public static final double TEMPERATURE = 0.02;
    public static final int SHAPES = Shape.values().length, COLOURS = NamedColour.values().length, VIEWS = Captions.VIEW_SUFFIXES.size();
    /** Length of the conditioning vector: shape marginal, colour marginal, view one-hot. */
    public static final int DIM = SHAPES + COLOURS + VIEWS;

    private final PromptEncoder encoder;
    private final WordNetLexicon lexicon;
    /** [shape * COLOURS + colour][template] → caption embedding (no view suffix). */
    private final float[][][] prototypes;

    /** Grounding by the sentence encoder alone (how the training captions are grounded). */
    public CaptionGrounding(PromptEncoder encoder) {
        this(encoder, null);
    }

    /** Grounding by the sentence encoder, restricted to what {@code lexicon} (may be null) reads from the words. */
    public CaptionGrounding(PromptEncoder encoder, WordNetLexicon lexicon) {
        this.encoder = encoder;
        this.lexicon = lexicon;
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
        String p = withoutViewSuffix(prompt);
        int view = viewOf(prompt);
        WordNetLexicon.Reading lexical = reading(p);
        float[] e = normalised(encoder.encode(p));
        double[] score = new double[SHAPES * COLOURS];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < score.length; k++) {
            boolean agrees = (lexical.shape() == null || lexical.shape().ordinal() == k / COLOURS)
                    && (lexical.colour() == null || lexical.colour().ordinal() == k % COLOURS);
            if (!agrees) { score[k] = Double.NEGATIVE_INFINITY; continue; }
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

    /** What the lexicon reads from {@code prompt} (nothing without a lexicon). */
    public WordNetLexicon.Reading reading(String prompt) {
        return lexicon == null ? WordNetLexicon.Reading.NOTHING : lexicon.read(withoutViewSuffix(prompt));
    }

    private static int viewOf(String prompt) {
        String p = prompt.strip();
        for (int v = 1; v < VIEWS; v++) if (p.endsWith(", " + Captions.VIEW_SUFFIXES.get(v))) return v;
        return 0;
    }

    private static String withoutViewSuffix(String prompt) {
        String p = prompt.strip();
        int v = viewOf(p);
        return v == 0 ? p : p.substring(0, p.length() - Captions.VIEW_SUFFIXES.get(v).length() - 2).strip();
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
