package dev.forge3d.runtime.splat.raster.cuda;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.GaussianTable;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.TestScenes;

import java.util.SplittableRandom;

/**
 * Runs every kernel once on small inputs (a main for compute-sanitizer memcheck / racecheck in the gpu-check pack):
 * forward and backward with alpha and depth gradients on two scenes (one with more pairs than a radix block holds,
 * one with an image size that is not a multiple of the tile), then a fused Adam step.
 */
public final class CudaKernelSmoke {

    public static void main(String[] args) {
        try (CudaRasterizer r = new CudaRasterizer(); CudaAdam adam = new CudaAdam()) {
            System.out.println("device: " + r.describe());
            run(r, TestScenes.random(3000, 1, 3), 123, 77);
            run(r, TestScenes.random(200, 2, 1), 40, 33);
            run(r, new GaussianModel(0), 16, 16);
            GaussianModel m = TestScenes.random(1000, 3, 3);
            GaussianTable g = new GaussianTable(1000), mom1 = new GaussianTable(1000), mom2 = new GaussianTable(1000);
            adam.update(m, g, mom1, mom2, new double[] {1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3}, 1e-15);
        }
        System.out.println("kernel smoke run: done");
    }

    static void run(CudaRasterizer r, GaussianModel model, int w, int h) {
        SplittableRandom rnd = new SplittableRandom(4);
        int plane = w * h;
        float[] d = new float[3 * plane], a = new float[plane], z = new float[plane];
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < plane; i++) { a[i] = (float) rnd.nextDouble(-1, 1); z[i] = (float) rnd.nextDouble(-1, 1); }
        RenderResult res = r.forward(model, TestScenes.camera(w, h), RasterSettings.white());
        GaussianGradients g = new GaussianGradients(model.size());
        r.backward(res, new ImageGradient(d, a, z), g);
        System.out.printf("scene %d Gaussians %dx%d: %d tile instances%n", model.size(), w, h, ((CudaRenderResult) res).instances());
    }
}
