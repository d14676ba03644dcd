package dev.forge3d.runtime.sds;

import dev.forge3d.runtime.sds.shapes.NamedColour;
import dev.forge3d.runtime.sds.shapes.Shape;
import dev.forge3d.runtime.sds.shapes.ShapeGaussians;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.RenderResult;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ShapeGaussiansTest {

    @Test
    void shapesRenderOpaqueInTheirColourWithTheExpectedSilhouette() {
        int s = 64;
        try (CpuRasterizer r = new CpuRasterizer(2)) {
            double[] coverage = new double[Shape.values().length];
            for (Shape shape : Shape.values()) {
                GaussianModel m = ShapeGaussians.build(shape, NamedColour.RED, 1.0, 0, 0, 3000, 5);
                RenderResult img = r.forward(m, new OrbitCamera(25, 30, 2.6, 45).camera("v", s, s), RasterSettings.white());
                float[] a = img.alpha(), rgb = img.rgb();
                double cov = 0, red = 0, green = 0;
                int opaque = 0;
                for (int p = 0; p < s * s; p++) {
                    cov += a[p];
                    if (a[p] > 0.99) { opaque++; red += rgb[p]; green += rgb[s * s + p]; }
                }
                coverage[shape.ordinal()] = cov / (s * s);
                assertThat(opaque).as("%s has an opaque interior", shape).isGreaterThan(200);
                assertThat(red / opaque).as("%s is red", shape).isGreaterThan(3 * green / opaque);
            }
            // The sphere of radius 0.7 seen from 2.6 with a 45 degree fov: its discs (sigma ~0.05) widen the
            // silhouette by up to two sigma.
            assertThat(coverage[Shape.SPHERE.ordinal()]).isBetween(discCoverage(0.7), discCoverage(0.8));
            // A torus seen from 25 degrees up shows its hole: less coverage than the sphere of similar size.
            assertThat(coverage[Shape.TORUS.ordinal()]).isLessThan(coverage[Shape.SPHERE.ordinal()]);
        }
    }

    /** Image fraction covered by a ball of radius r at distance 2.6 under a 45 degree field of view. */
    private static double discCoverage(double r) {
        double rImg = r / Math.sqrt(2.6 * 2.6 - r * r) / Math.tan(Math.toRadians(22.5)) * 0.5;
        return Math.PI * rImg * rImg;
    }

    @Test
    void orbitCameraLooksAtTheOriginFromTheRightSide() {
        var cam = new OrbitCamera(0, 90, 3, 40).camera("side", 32, 32);
        double[] c = cam.pose().centre();
        assertThat(c[0]).isCloseTo(3, within(1e-9));
        assertThat(cam.pose().apply(new double[] {0, 0, 0})[2]).isCloseTo(3, within(1e-9));
        // World up projects upwards in the image (smaller y in OpenCV pixel coordinates).
        double[] up = cam.pose().apply(new double[] {0, 1, 0});
        assertThat(up[1]).isNegative();
        assertThat(new OrbitCamera(10, 180, 3, 40).viewSuffix()).isEqualTo("back view");
    }
}
