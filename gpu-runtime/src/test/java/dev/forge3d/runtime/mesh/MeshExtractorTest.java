package dev.forge3d.runtime.mesh;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeshExtractorTest {

    /** A ball of radius 0.5 filled with small opaque Gaussians, red on top (y > 0) and blue below. */
    @Test
    void ballOfGaussiansBecomesABallShapedColouredMesh() {
        Random rnd = new Random(3);
        int n = 6000;
        float[] means = new float[3 * n], logScales = new float[3 * n], quats = new float[4 * n], op = new float[n], col = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x, y, z;
            do { x = rnd.nextDouble() * 2 - 1; y = rnd.nextDouble() * 2 - 1; z = rnd.nextDouble() * 2 - 1; } while (x * x + y * y + z * z > 1);
            means[3 * i] = (float) (0.5 * x); means[3 * i + 1] = (float) (0.5 * y); means[3 * i + 2] = (float) (0.5 * z);
            for (int a = 0; a < 3; a++) logScales[3 * i + a] = (float) Math.log(0.04);
            quats[4 * i] = 1;
            op[i] = 0.9f;
            col[3 * i] = y > 0 ? 1 : 0; col[3 * i + 2] = y > 0 ? 0 : 1;
        }
        TriangleMesh mesh = MeshExtractor.extract(means, logScales, quats, op, col, new MeshExtractor.Options(64, 0.5f, 20_000));
        assertThat(mesh.triangleCount()).isBetween(1_000, 20_000);
        double volume = mesh.signedVolume(), ball = 4.0 / 3 * Math.PI * 0.125;
        assertThat(volume).isBetween(0.8 * ball, 1.35 * ball);
        float[] p = mesh.positions(), c = mesh.colors();
        int agree = 0, counted = 0;
        for (int v = 0; v < p.length; v += 3) {
            if (Math.abs(p[v + 1]) < 0.15) continue;
            counted++;
            boolean top = p[v + 1] > 0;
            if (top ? c[v] > 0.7 && c[v + 2] < 0.3 : c[v + 2] > 0.7 && c[v] < 0.3) agree++;
        }
        assertThat(agree).isGreaterThan((int) (0.95 * counted));
    }

    @Test
    void transparentModelIsAClearError() {
        float[] means = {0, 0, 0, 0.1f, 0, 0}, ls = {-3, -3, -3, -3, -3, -3}, q = {1, 0, 0, 0, 1, 0, 0, 0}, op = {0.01f, 0.01f}, col = new float[6];
        assertThatThrownBy(() -> MeshExtractor.extract(means, ls, q, op, col, MeshExtractor.Options.defaults()))
                .hasMessageContaining("no surface found");
    }
}
