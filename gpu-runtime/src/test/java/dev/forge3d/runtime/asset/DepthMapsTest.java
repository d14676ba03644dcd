package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Depth maps come from the opacity field's surface depth, also when the job's rasterizer cannot render it. */
class DepthMapsTest {

    /** A thick opaque Gaussian 3 m in front of a camera at the origin: its surface is a sigma or so in front. */
    static GaussianModel blob() {
        GaussianModel m = new GaussianModel(1);
        m.set(0, 0, 0, 3, 0.1f, 0.1f, 0.1f, new float[] {1, 0, 0, 0}, 0.99f, 0.5f, 0.5f, 0.5f);
        return m;
    }

    static final Camera CAMERA = new Camera("c", new Intrinsics(64, 64, 80, 80, 32, 32), Pose.identity());

    /** A backend that renders only centre depths, as the CUDA rasterizer does (it refuses surface depth). */
    static final class CentreDepthOnly implements Rasterizer {
        final CpuRasterizer cpu = new CpuRasterizer(1);
        int forwards;

        @Override public String name() { return "centre-depth-only"; }

        @Override public RenderResult forward(GaussianModel model, Camera camera, RasterSettings settings) {
            if (settings.surfaceDepth()) throw new UnsupportedOperationException("no surface depth here");
            forwards++;
            return cpu.forward(model, camera, settings);
        }

        @Override public void backward(RenderResult result, ImageGradient dL, GaussianGradients out) { throw new UnsupportedOperationException(); }

        @Override public void close() { cpu.close(); }
    }

    @Test
    void aBackendWithoutSurfaceDepthGetsTheSameMapsFromTheCpu() {
        float direct, fallback;
        try (CpuRasterizer cpu = new CpuRasterizer(1)) {
            direct = DepthMaps.render(blob(), List.of(CAMERA), cpu, 64, () -> { }).get(0).at(32, 32);
        }
        try (CentreDepthOnly other = new CentreDepthOnly()) {
            fallback = DepthMaps.render(blob(), List.of(CAMERA), other, 64, () -> { }).get(0).at(32, 32);
            assertThat(other.forwards).as("the backend without surface depth was not asked to render").isZero();
        }
        assertThat(direct).isLessThan(2.9f); // the front of the blob, not its centre at 3 m
        assertThat(fallback).isEqualTo(direct);
    }
}
