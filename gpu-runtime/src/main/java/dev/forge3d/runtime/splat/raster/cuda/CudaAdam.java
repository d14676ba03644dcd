package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.ParamGroup;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The fused Adam step ({@code adam.cu}) over a whole Gaussian table: per group one kernel reads the gradient,
 * updates both moments and the parameter, and clears the gradient. Same arithmetic as
 * {@link dev.forge3d.runtime.splat.train.Adam} (torch semantics). This class stages host tables through its own
 * device buffers (kept across calls); it is the optimizer building block for a device-resident training loop.
 */
public final class CudaAdam implements AutoCloseable {

    public static final float BETA1 = 0.9f, BETA2 = 0.999f;

    private final CudaContext ctx = new CudaContext();
    private final DeviceBuffer[] p = new DeviceBuffer[4];
    private long step;

    public CudaAdam() {
        String[] names = {"adam parameters", "adam gradients", "adam first moments", "adam second moments"};
        for (int k = 0; k < 4; k++) p[k] = new DeviceBuffer(ctx, names[k]);
    }

    public long step() { return step; }

    /** One update of every group of {@code params} in place, moments in {@code m}, {@code v}; lr per group ordinal. */
    public void update(GaussianTable params, GaussianTable grads, GaussianTable m, GaussianTable v, double[] lr, double eps) {
        ctx.makeCurrent();
        step++;
        double bc1 = 1 - Math.pow(BETA1, step), bc2 = 1 - Math.pow(BETA2, step);
        int n = params.size();
        if (n == 0) return;
        for (ParamGroup g : ParamGroup.ALL) {
            int count = n * g.dim;
            long bytes = 4L * count;
            float[][] host = {params.get(g), grads.get(g), m.get(g), v.get(g)};
            for (int k = 0; k < 4; k++) {
                p[k].ensure(bytes);
                CudaContext.check(JCudaDriver.cuMemcpyHtoD(p[k].ptr(), Pointer.to(host[k]), bytes), "upload " + g);
            }
            ctx.launch("adam_step", (count + 255) / 256, 256, Pointer.to(p[0].ptr()), Pointer.to(p[1].ptr()), Pointer.to(p[2].ptr()),
                    Pointer.to(p[3].ptr()), Pointer.to(new int[] {count}), Pointer.to(new float[] {(float) (lr[g.ordinal()] / bc1)}),
                    Pointer.to(new float[] {(float) Math.sqrt(bc2)}), Pointer.to(new float[] {(float) eps}),
                    Pointer.to(new float[] {BETA1}), Pointer.to(new float[] {BETA2}));
            for (int k = 0; k < 4; k++)
                CudaContext.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(host[k]), p[k].ptr(), bytes), "download " + g);
        }
    }

    private boolean closed;

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ctx.makeCurrent();
        for (DeviceBuffer b : p) b.free();
        ctx.close();
    }
}
