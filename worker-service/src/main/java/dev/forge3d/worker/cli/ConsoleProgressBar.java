package dev.forge3d.worker.cli;

import dev.forge3d.runtime.progress.Progress;
import dev.forge3d.runtime.progress.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws progress on one terminal line ({@code \r}-redrawn, at most 10 times a second); when the output is not a
 * terminal (CI, logs), prints a plain line at most every 5 seconds instead. Ctrl-C sets {@link #cancelRequested()}.
 */
public final class ConsoleProgressBar implements ProgressListener, AutoCloseable {

    private final PrintStream out;
    private final boolean interactive;
    private final long minIntervalNanos;
    private long lastDraw;
    private String lastStage = "";
    private volatile boolean cancel;
    private boolean dirty;

    public ConsoleProgressBar(PrintStream out) {
        this.out = out;
        this.interactive = System.console() != null && System.getenv("CI") == null;
        this.minIntervalNanos = interactive ? 100_000_000L : 5_000_000_000L;
    }

    /** Marks the computation for cancellation (wired to a shutdown hook by commands that support Ctrl-C). */
    public void requestCancel() { cancel = true; }

    @Override
    public boolean cancelRequested() { return cancel; }

    @Override
    public synchronized void onProgress(Progress p) {
        long now = System.nanoTime();
        boolean stageChanged = !p.stage().equals(lastStage);
        if (!stageChanged && p.fraction() < 1 && now - lastDraw < minIntervalNanos) return;
        if (stageChanged && dirty && interactive) out.println();
        lastStage = p.stage();
        lastDraw = now;
        String line = render(p);
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
            dirty = true;
            if (p.fraction() >= 1) { out.println(); dirty = false; }
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String render(Progress p) {
        int width = 24;
        int filled = (int) Math.round(p.fraction() * width);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s [", p.stage()));
        for (int i = 0; i < width; i++) sb.append(i < filled ? '#' : '.');
        sb.append(String.format(Locale.ROOT, "] %5.1f%%", 100 * p.fraction()));
        if (!Double.isNaN(p.etaSeconds())) sb.append(" eta ").append(formatSeconds(p.etaSeconds()));
        if (!p.message().isEmpty()) sb.append("  ").append(p.message());
        return sb.toString();
    }

    static String formatSeconds(double s) {
        long t = Math.max(0, Math.round(s));
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t / 60) % 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }

    @Override
    public synchronized void close() {
        if (dirty && interactive) out.println();
        dirty = false;
    }
}
