package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterConstants;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA backend (JCuda driver API, kernels compiled ahead of time from {@code gpu-runtime/src/main/cuda}): the
 * same stages and constants as the CPU backend. Forward: projection + SH colour per Gaussian, prefix sum of tiles
 * touched, one (tile, depth) key per pair, LSD radix sort, per-tile ranges, per-tile blending in shared memory.
 * Backward: per-tile reverse traversal with warp-reduced atomics into per-Gaussian screen-space gradients, then the
 * projection's chain rule per Gaussian. All device buffers are kept and grown across calls; out of memory is
 * reported as {@link CudaOutOfMemoryException}. One forward/backward pair at a time per instance.
 *
 * <p>Host traffic per call: the parameters are uploaded by {@code forward} (the {@link Rasterizer} interface takes a
 * host model), the images and radii come back, and {@code backward} uploads the image gradient and returns the
 * parameter gradients.
 */
public final class CudaRasterizer implements Rasterizer {

    private static final int THREADS = 256;
    private static final int SCAN_CHUNK = 1024;
    private static final int RADIX_CHUNK = 4096;
    private static final int VIEW_INTS = 29;
    /** Floats per Gaussian in the screen-space gradient record written by blend_backward (common.cuh). */
    private static final int GRAD_STRIDE = 10;

    private final CudaContext ctx;
    private final DeviceBuffer[] params = new DeviceBuffer[ParamGroup.ALL.length];
    private final DeviceBuffer[] grads = new DeviceBuffer[ParamGroup.ALL.length];
    private final DeviceBuffer mean2d, uv, conic, depth, opacity, colour, clamped, radius, rect, touched, offsets;
    private final List<DeviceBuffer> scanSums = new ArrayList<>();
    private final DeviceBuffer[] keys = new DeviceBuffer[2], values = new DeviceBuffer[2];
    private final DeviceBuffer hist, ranges;
    private final DeviceBuffer rgbImg, alphaImg, depthImg, finalT, lastContrib, dRgb, dAlpha, dDepth, screen;
    private final List<DeviceBuffer> all = new ArrayList<>();
    private int sortedSide;
    private long generation;
    private float[] scratch = new float[0];
    private boolean profiling;
    private final long[] stageNanos = new long[5];

    /** Stage names of {@link #stageNanos()} (same as the CPU backend's). */
    public static final String[] STAGES = {"project", "bin", "blend", "blend-backward", "project-backward"};

    /** Opens device 0; throws {@link CudaException} with the reason when CUDA is unusable here. */
    public CudaRasterizer() {
        ctx = new CudaContext();
        for (ParamGroup g : ParamGroup.ALL) {
            params[g.ordinal()] = buffer("parameters " + g);
            grads[g.ordinal()] = buffer("gradients " + g);
        }
        mean2d = buffer("2D mean gradients");
        uv = buffer("projected means"); conic = buffer("conics"); depth = buffer("depths"); opacity = buffer("opacities");
        colour = buffer("colours"); clamped = buffer("clamp bits"); radius = buffer("radii"); rect = buffer("tile rectangles");
        touched = buffer("tiles touched"); offsets = buffer("instance offsets");
        for (int s = 0; s < 2; s++) {
            keys[s] = buffer("sort keys");
            values[s] = buffer("sort values");
        }
        hist = buffer("radix histograms"); ranges = buffer("tile ranges");
        rgbImg = buffer("rgb image"); alphaImg = buffer("alpha image"); depthImg = buffer("depth image");
        finalT = buffer("final transmittance"); lastContrib = buffer("last contributors");
        dRgb = buffer("rgb gradient"); dAlpha = buffer("alpha gradient"); dDepth = buffer("depth gradient");
        screen = buffer("screen-space gradients");
    }

    private DeviceBuffer buffer(String name) {
        DeviceBuffer b = new DeviceBuffer(ctx, name);
        all.add(b);
        return b;
    }

    @Override
    public String name() { return "cuda"; }

    /** The device and kernel binary in use, one line. */
    public String describe() { return ctx.status().deviceName() + ", " + ctx.kernels(); }

    /** Synchronise after each stage and record its time in {@link #stageNanos()} (for benchmarks; slower). */
    public void setProfiling(boolean on) { profiling = on; }

    public long[] stageNanos() { return stageNanos.clone(); }

    /** Device memory held by this rasterizer's buffers, bytes. */
    public long deviceBytes() {
        long s = 0;
        for (DeviceBuffer b : all) s += b.bytes();
        for (DeviceBuffer b : scanSums) s += b.bytes();
        return s;
    }

    /** Free and total device memory, bytes. */
    public long[] deviceMemory() {
        ctx.makeCurrent();
        return ctx.memInfo();
    }

    private static Pointer p(DeviceBuffer b) { return Pointer.to(b.ptr()); }

    private static Pointer i(int v) { return Pointer.to(new int[] {v}); }

    private static Pointer f(float v) { return Pointer.to(new float[] {v}); }

    private static Pointer struct(DeviceBuffer... bs) {
        long[] a = new long[bs.length];
        for (int k = 0; k < bs.length; k++) a[k] = bs[k] == null ? 0 : bs[k].address();
        return Pointer.to(a);
    }

    private static int blocks(long n, int per) { return (int) ((n + per - 1) / per); }

    private long mark(int stage, long t) {
        if (!profiling) return t;
        ctx.synchronize();
        long now = System.nanoTime();
        stageNanos[stage] = now - t;
        return now;
    }

    static int[] packView(Camera camera, int shDegree, float[] background) {
        int[] v = new int[VIEW_INTS];
        double[] r = camera.pose().rotation(), t = camera.pose().translation(), c = camera.pose().centre();
        int k = 0;
        for (int a = 0; a < 9; a++) v[k++] = Float.floatToRawIntBits((float) r[a]);
        for (int a = 0; a < 3; a++) v[k++] = Float.floatToRawIntBits((float) t[a]);
        for (int a = 0; a < 3; a++) v[k++] = Float.floatToRawIntBits((float) c[a]);
        double fx = camera.intrinsics().fx(), fy = camera.intrinsics().fy();
        v[k++] = Float.floatToRawIntBits((float) fx);
        v[k++] = Float.floatToRawIntBits((float) fy);
        v[k++] = Float.floatToRawIntBits((float) camera.intrinsics().cx());
        v[k++] = Float.floatToRawIntBits((float) camera.intrinsics().cy());
        int w = camera.width(), h = camera.height();
        v[k++] = Float.floatToRawIntBits((float) (RasterConstants.FOV_CLAMP * (0.5 * w / fx)));
        v[k++] = Float.floatToRawIntBits((float) (RasterConstants.FOV_CLAMP * (0.5 * h / fy)));
        v[k++] = w;
        v[k++] = h;
        v[k++] = (w + RasterConstants.TILE - 1) / RasterConstants.TILE;
        v[k++] = (h + RasterConstants.TILE - 1) / RasterConstants.TILE;
        v[k++] = shDegree;
        for (int a = 0; a < 3; a++) v[k++] = Float.floatToRawIntBits(background[a]);
        return v;
    }

    @Override
    public RenderResult forward(GaussianModel model, Camera camera, RasterSettings settings) {
        if (settings.surfaceDepth()) throw new UnsupportedOperationException("the CUDA rasterizer renders centre depths only");
        ctx.makeCurrent();
        int n = model.size();
        int[] view = packView(camera, model.shDegree(), settings.background());
        int w = camera.width(), h = camera.height(), plane = w * h;
        int tilesX = view[23], tilesY = view[24], nTiles = tilesX * tilesY;
        long t = System.nanoTime();
        for (ParamGroup g : ParamGroup.ALL) {
            DeviceBuffer b = params[g.ordinal()].ensure(4L * Math.max(1, n) * g.dim);
            // at SH degree 0 the kernels never read the 45 higher coefficients: skip three quarters of the upload
            if (n > 0 && !(g == ParamGroup.SH_REST && model.shDegree() == 0))
                CudaContext.check(JCudaDriver.cuMemcpyHtoD(b.ptr(), Pointer.to(model.get(g)), 4L * n * g.dim), "upload");
        }
        long n1 = Math.max(1, n);
        uv.ensure(8 * n1); conic.ensure(12 * n1); depth.ensure(4 * n1); opacity.ensure(4 * n1); colour.ensure(12 * n1);
        clamped.ensure(n1); radius.ensure(4 * n1); rect.ensure(16 * n1); touched.ensure(4 * n1); offsets.ensure(4 * n1);
        Pointer viewArg = Pointer.to(view);
        ctx.launch("project_forward", blocks(n, THREADS), THREADS, viewArg, i(n),
                struct(params), struct(uv, conic, depth, opacity, colour, clamped, radius, rect, touched));
        t = mark(0, t);

        int instances = 0;
        if (n > 0) {
            exclusiveScan(touched, offsets, n, 0);
            int[] lastOffset = new int[1], lastTouched = new int[1];
            CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(lastOffset), offsets.ptr().withByteOffset(4L * (n - 1)), 4), "read instance count");
            CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(lastTouched), touched.ptr().withByteOffset(4L * (n - 1)), 4), "read instance count");
            long total = Integer.toUnsignedLong(lastOffset[0]) + Integer.toUnsignedLong(lastTouched[0]);
            if (total > Integer.MAX_VALUE) throw new CudaException("too many (Gaussian, tile) pairs: " + total);
            instances = (int) total;
        }
        long inst1 = Math.max(1, instances);
        for (int s = 0; s < 2; s++) {
            keys[s].ensure(8 * inst1);
            values[s].ensure(4 * inst1);
        }
        ranges.ensure(8L * nTiles);
        CudaContext.check(JCudaDriver.cuMemsetD32(ranges.ptr(), 0, 2L * nTiles), "cuMemsetD32");
        sortedSide = 0;
        if (instances > 0) {
            ctx.launch("duplicate_keys", blocks(n, THREADS), THREADS, i(n), p(offsets), p(radius), p(rect), p(depth), i(tilesX),
                    p(keys[0]), p(values[0]));
            sortedSide = radixSort(instances, nTiles);
            ctx.launch("tile_ranges", blocks(instances, THREADS), THREADS, p(keys[sortedSide]), i(instances), p(ranges));
        }
        t = mark(1, t);

        rgbImg.ensure(12L * plane); alphaImg.ensure(4L * plane); depthImg.ensure(4L * plane);
        finalT.ensure(4L * plane); lastContrib.ensure(4L * plane);
        ctx.launch("blend_forward", nTiles, RasterConstants.TILE * RasterConstants.TILE, viewArg, p(ranges), p(values[sortedSide]),
                p(uv), p(conic), p(opacity), p(colour), p(depth), struct(rgbImg, alphaImg, depthImg, finalT, lastContrib));
        t = mark(2, t);

        float[] rgb = new float[3 * plane], alpha = new float[plane], dep = new float[plane];
        int[] radii = new int[n];
        CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(rgb), rgbImg.ptr(), 12L * plane), "download rgb");
        CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(alpha), alphaImg.ptr(), 4L * plane), "download alpha");
        CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dep), depthImg.ptr(), 4L * plane), "download depth");
        if (n > 0) CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(radii), radius.ptr(), 4L * n), "download radii");
        generation++;
        return new CudaRenderResult(camera, model, w, h, rgb, alpha, dep, radii, generation, view, instances);
    }

    /** Exclusive prefix sum of n uints from {@code in} into {@code out} (may be the same buffer). */
    private void exclusiveScan(DeviceBuffer in, DeviceBuffer out, int n, int level) {
        int b = blocks(n, SCAN_CHUNK);
        while (scanSums.size() <= level) scanSums.add(new DeviceBuffer(ctx, "scan block sums"));
        DeviceBuffer sums = scanSums.get(level).ensure(4L * b);
        ctx.launch("scan_blocks", b, THREADS, p(in), p(out), p(sums), i(n));
        if (b > 1) {
            exclusiveScan(sums, sums, b, level + 1);
            ctx.launch("scan_add", b, THREADS, p(out), p(sums), i(n));
        }
    }

    /** Sorts keys[0]/values[0] by the 64-bit key; returns the side holding the result. */
    private int radixSort(int count, int nTiles) {
        int tileBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, nTiles - 1));
        int passes = (32 + tileBits + 7) / 8;
        int b = blocks(count, RADIX_CHUNK);
        hist.ensure(4L * 256 * b);
        int side = 0;
        for (int pass = 0; pass < passes; pass++) {
            int shift = 8 * pass;
            ctx.launch("radix_histogram", b, THREADS, p(keys[side]), i(count), i(shift), p(hist));
            exclusiveScan(hist, hist, 256 * b, 0);
            ctx.launch("radix_scatter", b, THREADS, p(keys[side]), p(values[side]), p(keys[1 - side]), p(values[1 - side]),
                    i(count), i(shift), p(hist));
            side = 1 - side;
        }
        return side;
    }

    @Override
    public void backward(RenderResult result, ImageGradient dL, GaussianGradients out) {
        if (!(result instanceof CudaRenderResult r) || r.generation != generation)
            throw new IllegalStateException("backward needs the latest forward result of this rasterizer");
        GaussianModel model = r.model();
        int n = model.size();
        if (out.size() != n) throw new IllegalArgumentException("gradient table has " + out.size() + " rows, model has " + n);
        int plane = r.width() * r.height();
        if (dL.rgb().length != 3 * plane) throw new IllegalArgumentException("RGB gradient must have 3 x " + plane + " values");
        if (dL.alpha() != null && dL.alpha().length != plane) throw new IllegalArgumentException("alpha gradient must have " + plane + " values");
        if (dL.depth() != null && dL.depth().length != plane) throw new IllegalArgumentException("depth gradient must have " + plane + " values");
        if (n == 0) return;
        ctx.makeCurrent();
        long t = System.nanoTime();
        dRgb.ensure(12L * plane);
        CudaContext.check(JCudaDriver.cuMemcpyHtoD(dRgb.ptr(), Pointer.to(dL.rgb()), 12L * plane), "upload");
        DeviceBuffer da = null, dd = null;
        if (dL.alpha() != null) {
            da = dAlpha.ensure(4L * plane);
            CudaContext.check(JCudaDriver.cuMemcpyHtoD(da.ptr(), Pointer.to(dL.alpha()), 4L * plane), "upload");
        }
        if (dL.depth() != null) {
            dd = dDepth.ensure(4L * plane);
            CudaContext.check(JCudaDriver.cuMemcpyHtoD(dd.ptr(), Pointer.to(dL.depth()), 4L * plane), "upload");
        }
        screen.ensure(4L * GRAD_STRIDE * n);
        CudaContext.check(JCudaDriver.cuMemsetD32(screen.ptr(), 0, (long) GRAD_STRIDE * n), "cuMemsetD32");
        int[] view = r.view;
        int nTiles = view[23] * view[24];
        Pointer viewArg = Pointer.to(view);
        ctx.launch("blend_backward", nTiles, RasterConstants.TILE * RasterConstants.TILE, viewArg, p(ranges), p(values[sortedSide]),
                p(uv), p(conic), p(opacity), p(colour), p(depth), p(finalT), p(lastContrib), p(dRgb),
                da == null ? Pointer.to(new long[] {0}) : p(da), dd == null ? Pointer.to(new long[] {0}) : p(dd), p(screen));
        t = mark(3, t);
        for (ParamGroup g : ParamGroup.ALL) {
            DeviceBuffer b = grads[g.ordinal()].ensure(4L * n * g.dim);
            CudaContext.check(JCudaDriver.cuMemsetD32(b.ptr(), 0, (long) n * g.dim), "cuMemsetD32");
        }
        mean2d.ensure(8L * n);
        CudaContext.check(JCudaDriver.cuMemsetD32(mean2d.ptr(), 0, 2L * n), "cuMemsetD32");
        ctx.launch("project_backward", blocks(n, THREADS), THREADS, viewArg, i(n), struct(params), p(opacity), p(clamped), p(radius),
                p(screen), struct(grads[0], grads[1], grads[2], grads[3], grads[4], grads[5], mean2d));
        for (ParamGroup g : ParamGroup.ALL) {
            if (g == ParamGroup.SH_REST && model.shDegree() == 0) continue; // zero: nothing to add
            addFromDevice(grads[g.ordinal()], out.get(g), n * g.dim);
        }
        addFromDevice(mean2d, out.meanGrad2d(), 2 * n);
        mark(4, t);
    }

    private void addFromDevice(DeviceBuffer b, float[] dst, int count) {
        if (scratch.length < count) scratch = new float[Math.max(count, scratch.length + scratch.length / 2)];
        CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(scratch), b.ptr(), 4L * count), "download gradients");
        for (int k = 0; k < count; k++) dst[k] += scratch[k];
    }

    private boolean closed;

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ctx.makeCurrent(); // cuMemFree needs the context on the calling thread
        for (DeviceBuffer b : all) b.free();
        for (DeviceBuffer b : scanSums) b.free();
        ctx.close();
    }

}
