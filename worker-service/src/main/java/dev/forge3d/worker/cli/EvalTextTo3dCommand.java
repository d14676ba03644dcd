package dev.forge3d.worker.cli;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.sds.DiffusionPrior;
import dev.forge3d.runtime.sds.Priors;
import dev.forge3d.runtime.sds.SdsConfig;
import dev.forge3d.runtime.sds.TextTo3d;
import dev.forge3d.runtime.sds.judge.Judgement;
import dev.forge3d.runtime.sds.judge.PromptSuite;
import dev.forge3d.runtime.sds.judge.ShapeColourJudge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code forge3d eval-text-to-3d}: runs text-to-3d over a prompt suite (by default the bundled held-out prompts) and
 * scores each result with the independent shape/colour judge; writes one folder per prompt and {@code eval.json}.
 */
@Command(name = "eval-text-to-3d", mixinStandardHelpOptions = true,
        description = "Measure text-to-3D prompt fidelity (shape and colour accuracy by an independent judge), Janus-freedom and time per prompt.")
public final class EvalTextTo3dCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output folder (one subfolder per prompt, eval.json).")
    Path out;

    @Option(names = "--prompts", description = "TSV file: prompt<TAB>shape<TAB>colour per line (default: the bundled held-out suite).")
    Path prompts;

    @Option(names = "--limit", description = "Only the first N prompts.")
    Integer limit;

    @Option(names = "--prior", defaultValue = "builtin", description = "Prior as for text-to-3d (default: ${DEFAULT-VALUE}).")
    String prior;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for every prompt (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--iterations", description = "SDS iterations per prompt (default as text-to-3d).")
    Integer iterations;

    @Option(names = "--max-seconds", description = "SDS time budget per prompt.")
    Double maxSeconds;

    @Option(names = "--guidance", description = "Guidance scale (default: the prior's).")
    Double guidance;

    @Option(names = "--attempts", description = "SDS runs at most per prompt, as for text-to-3d (default 3; 1: no self-check retries).")
    Integer attempts;

    @Option(names = "--sds", description = "Override a score-distillation setting for a tuning experiment, e.g. --sds lrColour=0.01 (repeatable; names as in SdsConfig).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--judge-attempts", description = "Also judge every attempt's model, not only the kept one (for studying the self-check).")
    boolean judgeAttempts;

    @Override
    public Integer call() throws Exception {
        List<PromptSuite.Case> cases = prompts == null ? PromptSuite.heldOut() : PromptSuite.read(prompts);
        if (limit != null) cases = cases.subList(0, Math.min(limit, cases.size()));
        Files.createDirectories(out);
        List<Map<String, Object>> rows = new ArrayList<>();
        int shapeOk = 0, colourOk = 0, bothOk = 0, janusFree = 0, attemptsTotal = 0;
        double totalSeconds = 0, maxPromptSeconds = 0;
        ProgressListener quiet = p -> { };
        try (DiffusionPrior p = Priors.open(prior); ShapeColourJudge attemptJudge = judgeAttempts ? new ShapeColourJudge(1) : null) {
            for (int i = 0; i < cases.size(); i++) {
                PromptSuite.Case c = cases.get(i);
                SdsConfig cfg = TextTo3dCommand.config(seed, iterations, maxSeconds, guidance, null, attempts);
                applyOverrides(cfg, overrides);
                long t0 = System.nanoTime();
                TextTo3d.Outcome o = TextTo3d.run(p, c.prompt(), cfg, out.resolve(String.format(Locale.ROOT, "%02d", i)), quiet);
                double secs = (System.nanoTime() - t0) / 1e9;
                boolean s = o.judgement().shape() == c.shape(), col = o.judgement().colour() == c.colour();
                shapeOk += s ? 1 : 0;
                colourOk += col ? 1 : 0;
                bothOk += s && col ? 1 : 0;
                janusFree += o.judgement().janusFree() ? 1 : 0;
                totalSeconds += secs;
                maxPromptSeconds = Math.max(maxPromptSeconds, secs);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("prompt", c.prompt());
                r.put("expectedShape", c.shape().word());
                r.put("expectedColour", c.colour().word());
                r.put("judgedShape", o.judgement().shape().word());
                r.put("judgedColour", o.judgement().colour() == null ? null : o.judgement().colour().word());
                r.put("shapeRight", s);
                r.put("colourRight", col);
                r.put("janusFree", o.judgement().janusFree());
                r.put("attempts", o.attempts().size());
                r.put("keptAttempt", o.attempts().indexOf(o.kept()) + 1);
                r.put("selfCheckPassed", o.selfCheck() == null ? null : o.selfCheck().passed());
                if (judgeAttempts) r.put("attemptVerdicts", attemptVerdicts(attemptJudge, o, c));
                r.put("seconds", secs);
                attemptsTotal += o.attempts().size();
                rows.add(r);
                System.out.printf(Locale.ROOT, "[%d/%d] %-36s expected %-6s %-8s judged %-6s %-8s %s %s janus-free=%s attempts=%d %.0f s%n", i + 1, cases.size(),
                        c.prompt(), c.colour().word(), c.shape().word(), r.get("judgedColour"), r.get("judgedShape"),
                        col ? "colour-ok" : "COLOUR-WRONG", s ? "shape-ok" : "SHAPE-WRONG", o.judgement().janusFree(), o.attempts().size(), secs);
            }
        }
        int n = cases.size();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("prompts", n);
        summary.put("prior", prior);
        if (!overrides.isEmpty()) summary.put("sdsOverrides", overrides);
        summary.put("shapeAccuracy", (double) shapeOk / n);
        summary.put("colourAccuracy", (double) colourOk / n);
        summary.put("bothAccuracy", (double) bothOk / n);
        summary.put("janusFreeFraction", (double) janusFree / n);
        summary.put("meanSecondsPerPrompt", totalSeconds / n);
        summary.put("maxSecondsPerPrompt", maxPromptSeconds);
        summary.put("meanAttemptsPerPrompt", (double) attemptsTotal / n);
        summary.put("cores", Runtime.getRuntime().availableProcessors());
        summary.put("results", rows);
        Files.writeString(out.resolve("eval.json"), new ObjectMapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        System.out.printf(Locale.ROOT, "forge3d eval-text-to-3d: %d prompts; shape %.0f%%, colour %.0f%%, both %.0f%%, Janus-free %.0f%%; %.0f s per prompt (max %.0f s) -> %s%n",
                n, 100.0 * shapeOk / n, 100.0 * colourOk / n, 100.0 * bothOk / n, 100.0 * janusFree / n, totalSeconds / n, maxPromptSeconds, out.resolve("eval.json"));
        return 0;
    }

    /** The judge's verdict on every attempt's model, beside the self-check's margin and reading of it. */
    private static List<Map<String, Object>> attemptVerdicts(ShapeColourJudge judge, TextTo3d.Outcome o, PromptSuite.Case c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TextTo3d.Attempt a : o.attempts()) {
            Judgement j = judge.judge(a.model());
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("seed", a.seed());
            v.put("prompt", a.prompt());
            v.put("margin", a.check() == null ? null : a.check().margin());
            v.put("readAs", a.check() == null ? null : a.check().aspectWinners());
            v.put("judgedShape", j.shape().word());
            v.put("judgedColour", j.colour() == null ? null : j.colour().word());
            v.put("right", j.shape() == c.shape() && j.colour() == c.colour());
            out.add(v);
        }
        return out;
    }

    /** Sets public {@link SdsConfig} fields by name (numbers and booleans), then validates. */
    static void applyOverrides(SdsConfig cfg, Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            java.lang.reflect.Field f;
            try {
                f = SdsConfig.class.getField(e.getKey());
            } catch (NoSuchFieldException ex) {
                throw new IllegalArgumentException("--sds: no setting '" + e.getKey() + "' (see SdsConfig)");
            }
            try {
                String v = e.getValue().strip();
                if (f.getType() == int.class) f.setInt(cfg, Integer.parseInt(v));
                else if (f.getType() == long.class) f.setLong(cfg, Long.parseLong(v));
                else if (f.getType() == double.class) f.setDouble(cfg, Double.parseDouble(v));
                else if (f.getType() == boolean.class) f.setBoolean(cfg, Boolean.parseBoolean(v));
                else throw new IllegalArgumentException("--sds: '" + e.getKey() + "' is not a number or a boolean");
            } catch (NumberFormatException | IllegalAccessException ex) {
                throw new IllegalArgumentException("--sds " + e.getKey() + ": '" + e.getValue() + "' is not a valid value");
            }
        }
        cfg.validate();
    }
}
