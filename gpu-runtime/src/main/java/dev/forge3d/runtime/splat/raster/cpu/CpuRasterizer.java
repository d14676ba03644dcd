package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CPU reference backend: projection (parallel over Gaussians), binning (radix sort by depth, scatter into
 * 16x16 tiles), blending (parallel over tiles), and the backward in reverse: per-tile gradients are written to
 * per-(Gaussian, tile) slots and summed per Gaussian in a fixed order, so results do not depend on thread timing.
 * Buffers are reused across calls; one forward/backward pair at a time per instance.
 */
public final class CpuRasterizer implements Rasterizer {

    private final ForkJoinPool pool;
    private final boolean ownPool;
    private final Projected projected = new Projected();
    private final TileBins bins = new TileBins();
    private final java.util.Queue<TileBlender> allBlenders = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<TileBlender> blenders = ThreadLocal.withInitial(() -> {
        TileBlender b = new TileBlender();
        allBlenders.add(b);
        return b;
    });
    private final SurfaceDepth surface = new SurfaceDepth();
    private final ThreadLocal<SurfaceDepth.Layers> layers = ThreadLocal.withInitial(SurfaceDepth.Layers::new);
    private final ThreadLocal<Projection.Scratch> scratch = ThreadLocal.withInitial(Projection.Scratch::new);
    private final ThreadLocal<double[]> sums = ThreadLocal.withInitial(() -> new double[TileBlender.GRAD_STRIDE]);
    private float[] slotGrad = new float[0];
    private long generation;
    private final long[] stageNanos = new long[5];

    /** Stage names of {@link #stageNanos()}. */
    public static final String[] STAGES = {"project", "bin", "blend", "blend-backward", "project-backward"};

    /** Nanoseconds spent in each stage by the latest forward and backward (for benchmarks). */
    public long[] stageNanos() { return stageNanos.clone(); }

    /** Uses {@code threads} worker threads (a private pool). */
    public CpuRasterizer(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        this.pool = new ForkJoinPool(threads);
        this.ownPool = true;
    }

    /** Uses all available processors. */
    public CpuRasterizer() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public int threads() { return pool.getParallelism(); }

    /**
     * 8-pixel row segments evaluated by the blending kernels since the last call, {forward, backward}, and resets
     * the counters (for benchmarks: each segment is one AVX2 evaluation of a Gaussian on 8 pixels).
     */
    public long[] takeKernelRows() {
        long f = 0, b = 0;
        for (TileBlender t : allBlenders) { f += t.forwardRows; b += t.backwardRows; t.forwardRows = 0; t.backwardRows = 0; }
        return new long[] {f, b};
    }

    /** Gaussians that survived culling in the latest forward. */
    public int lastVisible() { return bins.visible; }

    /** (Gaussian, tile) pairs of the latest forward. */
    public int lastInstances() { return bins.instances; }

    @Override
    public String name() { return "cpu"; }

    @Override
    public boolean supportsSurfaceDepth() { return true; }

    private void parallel(int n, int grain, IntConsumer body) {
        int chunks = (n + grain - 1) / grain;
        if (chunks <= 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(c -> {
            int e = Math.min(n, (c + 1) * grain);
            for (int i = c * grain; i < e; i++) body.accept(i);
        })).join();
    }

    @Override
    public RenderResult forward(GaussianModel model, Camera camera, RasterSettings settings) {
        int n = model.size();
        ViewParams vp = new ViewParams(camera, settings.surfaceDepth());
        projected.ensure(n);
        long t0 = System.nanoTime();
        parallel(n, 2048, i -> Projection.forward(model, i, vp, projected, scratch.get()));
        long t1 = System.nanoTime();
        bins.build(projected, n, vp.tilesX, vp.tilesY);
        long t2 = System.nanoTime();
        TileBlender.Frame f = new TileBlender.Frame();
        int plane = vp.width * vp.height;
        f.width = vp.width;
        f.height = vp.height;
        f.rgb = new float[3 * plane];
        f.alpha = new float[plane];
        f.depth = new float[plane];
        f.finalT = new float[plane];
        f.lastContrib = new int[plane];
        f.background = settings.background();
        int nTiles = vp.tilesX * vp.tilesY;
        parallel(nTiles, 1, t -> blenders.get().forward(t, vp, projected, bins, f));
        if (vp.surfaceDepth) {
            surface.ensure(n);
            parallel(n, 2048, i -> surface.prepare(model, i, vp, projected));
            parallel(nTiles, 1, t -> surface.tile(t, vp, projected, bins, f, layers.get()));
        }
        stageNanos[0] = t1 - t0;
        stageNanos[1] = t2 - t1;
        stageNanos[2] = System.nanoTime() - t2;
        int[] radii = new int[n];
        System.arraycopy(projected.radius, 0, radii, 0, n);
        generation++;
        return new CpuRenderResult(camera, model, vp, f, radii, generation, bins.visible, bins.instances);
    }

    @Override
    public void backward(RenderResult result, ImageGradient dL, GaussianGradients out) {
        if (!(result instanceof CpuRenderResult r) || r.generation != generation)
            throw new IllegalStateException("backward needs the latest forward result of this rasterizer");
        if (r.view.surfaceDepth) throw new IllegalStateException("a surface-depth render has no backward pass");
        GaussianModel model = r.model();
        int n = model.size();
        if (out.size() != n) throw new IllegalArgumentException("gradient table has " + out.size() + " rows, model has " + n);
        int plane = r.width() * r.height();
        if (dL.rgb().length != 3 * plane) throw new IllegalArgumentException("RGB gradient must have 3 x " + plane + " values");
        ViewParams vp = r.view;
        int need = bins.instances * TileBlender.GRAD_STRIDE;
        if (slotGrad.length < need) slotGrad = new float[Math.max(need, slotGrad.length + slotGrad.length / 2)];
        float[] sg = slotGrad;
        int nTiles = vp.tilesX * vp.tilesY;
        long t0 = System.nanoTime();
        parallel(nTiles, 1, t -> blenders.get().backward(t, vp, projected, bins, r.frame, dL.rgb(), dL.alpha(), dL.depth(), sg));
        long t1 = System.nanoTime();
        float[][] grads = new float[ParamGroup.ALL.length][];
        for (ParamGroup g : ParamGroup.ALL) grads[g.ordinal()] = out.get(g);
        float[] mean2d = out.meanGrad2d();
        parallel(n, 1024, i -> {
            if (projected.radius[i] == 0) return;
            double[] s = sums.get();
            java.util.Arrays.fill(s, 0);
            int a = projected.slotOffset[i] * TileBlender.GRAD_STRIDE, b = projected.slotOffset[i + 1] * TileBlender.GRAD_STRIDE;
            for (int k = a; k < b; k += TileBlender.GRAD_STRIDE) {
                for (int c = 0; c < TileBlender.GRAD_STRIDE; c++) s[c] += sg[k + c];
            }
            boolean any = false;
            for (int c = 0; c < TileBlender.GRAD_STRIDE && !any; c++) any = s[c] != 0;
            if (any) Projection.backward(model, i, vp, projected, s, grads, mean2d, scratch.get()); // occluded: nothing to add
        });
        stageNanos[3] = t1 - t0;
        stageNanos[4] = System.nanoTime() - t1;
    }

    @Override
    public void close() {
        if (ownPool) pool.shutdown();
    }
}
