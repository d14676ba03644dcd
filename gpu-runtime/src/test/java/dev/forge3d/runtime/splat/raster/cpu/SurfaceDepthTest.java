package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.camera.Camera;
import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.GaussianGradients;
import dev.forge3d.runtime.splat.raster.ImageGradient;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Surface depth (the opacity field's 1/2 crossing) against closed forms: a thin tilted disc gives the depth of its
 * plane at every pixel, a thick opaque Gaussian its front, a faint layer in front of an opaque one the opaque one.
 */
class SurfaceDepthTest {

    static final int W = 96, H = 96;
    static final double TILT = Math.toRadians(55);
    static final double[] CENTRE = {0.05, -0.03, 3.0};

    /** A camera at the origin looking down +z whose pixel (48, 48) is centred on the optical axis. */
    static Camera camera() {
        return new Camera("c", new Intrinsics(W, H, 110, 110, 48.5, 48.5), Pose.identity());
    }

    static float[] tilt(double angle) { return new float[] {(float) Math.cos(angle / 2), (float) Math.sin(angle / 2), 0, 0}; }

    /** One near-opaque thin disc (0.35 x 0.35 x 0.002) at CENTRE, its normal tilted by TILT about the camera's x axis. */
    static GaussianModel disc() {
        GaussianModel m = new GaussianModel(1);
        m.set(0, (float) CENTRE[0], (float) CENTRE[1], (float) CENTRE[2], 0.35f, 0.35f, 0.002f, tilt(TILT), 0.99f, 0.8f, 0.6f, 0.4f);
        return m;
    }

    /** Depth of the disc's plane along the ray through the centre of pixel (x, y). */
    static double planeDepth(Camera cam, int x, int y) {
        double[] n = {0, -Math.sin(TILT), Math.cos(TILT)};
        var k = cam.intrinsics();
        double[] ray = {(x + 0.5 - k.cx()) / k.fx(), (y + 0.5 - k.cy()) / k.fy(), 1};
        return (n[1] * CENTRE[1] + n[2] * CENTRE[2] + n[0] * CENTRE[0]) / (n[0] * ray[0] + n[1] * ray[1] + n[2] * ray[2]);
    }

    /** Mean |depth - plane| over the pixels with alpha >= 1/2; the surface render's depth is absolute, the other alpha-weighted. */
    static double planeError(RenderResult r, Camera cam, boolean surface) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                if (r.alpha()[i] < 0.5f) continue;
                double d = surface ? r.depth()[i] : r.depth()[i] / r.alpha()[i];
                sum += Math.abs(d - planeDepth(cam, x, y));
                count++;
            }
        }
        assertThat(count).as("pixels the disc covers").isGreaterThan(300);
        return sum / count;
    }

    @Test
    void aThinTiltedDiscGivesItsPlaneAtEveryPixel() {
        Camera cam = camera();
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            double centre = planeError(r.forward(disc(), cam, RasterSettings.black()), cam, false);
            double surface = planeError(r.forward(disc(), cam, RasterSettings.black().withSurfaceDepth()), cam, true);
            assertThat(centre).as("one centre depth for a footprint that spans +-0.35 m of depth").isGreaterThan(0.1);
            assertThat(surface).as("the disc is 2 mm thick").isLessThan(0.005);
        }
    }

    @Test
    void aThickOpaqueGaussianSurfacesAtItsFront() {
        GaussianModel m = new GaussianModel(1);
        m.set(0, 0, 0, 3, 0.1f, 0.1f, 0.1f, tilt(0), 0.99f, 0.5f, 0.5f, 0.5f);
        try (CpuRasterizer r = new CpuRasterizer(1)) {
            RenderResult res = r.forward(m, camera(), RasterSettings.black().withSurfaceDepth());
            // on the axis the opacity 0.99 exp(-d^2 / (2 sigma^2)) reaches 1/2 at d = sigma sqrt(2 ln(0.99 / 0.5))
            double front = 3 - 0.1 * Math.sqrt(2 * Math.log(0.99 / 0.5));
            assertThat((double) res.depth()[48 * W + 48]).isCloseTo(front, within(5e-4));
            assertThat(res.depth()[0]).as("a pixel the Gaussian does not reach").isNaN();
        }
    }

    @Test
    void aFaintLayerInFrontDoesNotMoveTheSurface() {
        GaussianModel m = new GaussianModel(2);
        m.set(0, 0, 0, 2.5f, 0.4f, 0.4f, 0.001f, tilt(0), 0.3f, 0.5f, 0.5f, 0.5f);
        m.set(1, 0, 0, 3.0f, 0.4f, 0.4f, 0.001f, tilt(0), 0.99f, 0.5f, 0.5f, 0.5f);
        try (CpuRasterizer r = new CpuRasterizer(1)) {
            int centre = 48 * W + 48;
            RenderResult expected = r.forward(m, camera(), RasterSettings.black());
            double blended = expected.depth()[centre] / expected.alpha()[centre];
            assertThat(blended).as("the expected depth mixes both layers").isLessThan(2.9);
            RenderResult surface = r.forward(m, camera(), RasterSettings.black().withSurfaceDepth());
            assertThat((double) surface.depth()[centre]).isCloseTo(3.0, within(0.005));
        }
    }

    @Test
    void surfaceDepthLeavesColourAndOpacityAlone() {
        Camera cam = camera();
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            RenderResult a = r.forward(disc(), cam, RasterSettings.black());
            float[] rgb = a.rgb().clone(), alpha = a.alpha().clone();
            RenderResult b = r.forward(disc(), cam, RasterSettings.black().withSurfaceDepth());
            assertThat(b.rgb()).containsExactly(rgb);
            assertThat(b.alpha()).containsExactly(alpha);
        }
    }

    @Test
    void aSurfaceDepthRenderHasNoBackwardPass() {
        try (CpuRasterizer r = new CpuRasterizer(1)) {
            RenderResult res = r.forward(disc(), camera(), RasterSettings.black().withSurfaceDepth());
            assertThatThrownBy(() -> r.backward(res, new ImageGradient(new float[3 * W * H], null, null), new GaussianGradients(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("surface-depth");
        }
    }
}
