package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.mesh.TriangleMesh;
import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.cpu.CpuRasterizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProductAssetsTest}'s can on its table with a card stuck to its side (a price tag, a clamp: opaque, joined to
 * the can, but not the product). The photos' masks show the can alone: with them the mesh is the can without the
 * card; without them the card is part of the mesh.
 */
class MaskedAssetsTest {

    static CpuRasterizer raster;
    static GaussianModel can, scene;
    static List<View> views;
    static List<float[]> masks;

    @BeforeAll
    static void build() {
        raster = new CpuRasterizer(2);
        can = ProductAssetsTest.canOnTable();
        scene = withCard(can);
        ProductAssetsTest.raster = raster;
        views = ProductAssetsTest.orbit(scene, 28);
        // the masks: the can alone (no table, no card) rendered at each camera, covered where its opacity >= 1/2
        GaussianModel canOnly = canWithoutTable(can);
        masks = new ArrayList<>();
        for (View v : views) {
            float[] a = raster.forward(canOnly, v.camera(), RasterSettings.black()).alpha();
            float[] m = new float[a.length];
            for (int i = 0; i < a.length; i++) m[i] = a[i] >= 0.5f ? 1f : 0f;
            masks.add(m);
        }
    }

    @AfterAll
    static void close() { raster.close(); }

    @Test
    void theMasksCarveTheCardAway() {
        ProductAssets.Options opt = new ProductAssets.Options(ProductAssets.Crop.AUTO, 20_000, 96, true, Double.NaN, 200, 0);
        ProductAssets.Result without = ProductAssets.build(scene, views, opt, raster, ProgressListener.NONE);
        ProductAssets.Result with = ProductAssets.build(scene, views, masks, opt, raster, ProgressListener.NONE);

        assertThat(without.decisions().get("maskedViews")).isEqualTo(0);
        // the card reaches 12 cm out: more than 5 cm from the can is the card
        assertThat(farFromCan(without, 0.05)).as("the card is in the mesh without masks").isGreaterThan(30);

        assertThat(with.decisions().get("applied")).isEqualTo("object");
        assertThat(with.decisions().get("maskedViews")).isEqualTo(28);
        assertThat((Integer) with.decisions().get("maskCarvedVoxels")).isPositive();
        assertThat(farFromCan(with, 0.05)).as("vertices of the card with masks").isZero();
        // the rest near the can's surface, as without a card (the masks' hull roofs the lid a little: 28 views)
        assertThat(farFromCan(with, 0.03)).isLessThan((int) (0.03 * with.mesh().vertexCount()));
        assertThat(with.mesh().triangleCount()).isGreaterThan(500);
    }

    @Test
    void masksThatTakeInTheFloorAroundTheFootStandTheObjectOnIt() {
        // estimated masks that took a shadow for the object: the can and the table 10 cm around its foot
        GaussianModel loose = canWithTableAround(can, ProductAssetsTest.R + 0.10);
        List<float[]> looseMasks = new ArrayList<>();
        for (View v : views) {
            float[] a = raster.forward(loose, v.camera(), RasterSettings.black()).alpha();
            float[] m = new float[a.length];
            for (int i = 0; i < a.length; i++) m[i] = a[i] >= 0.5f ? 1f : 0f;
            looseMasks.add(m);
        }
        ProductAssets.Options opt = new ProductAssets.Options(ProductAssets.Crop.AUTO, 20_000, 96, true, Double.NaN, 200, 0);
        // the scene without the card, trained as on masked photos: the can and the table the loose masks let through
        ProductAssets.Result r = ProductAssets.build(loose, views, looseMasks, true, opt, raster, ProgressListener.NONE);
        // a user's masks mean what they show: the same masks as uploaded keep the disc of table
        ProductAssets.Result asUploaded = ProductAssets.build(loose, views, looseMasks, opt, raster, ProgressListener.NONE);
        assertThat(asUploaded.decisions().get("up")).isNotEqualTo("floor-inside-masks");
        assertThat(r.decisions().get("up")).isEqualTo("floor-inside-masks");
        assertThat((Double) r.decisions().get("floorInsideMasksShare")).isGreaterThan(ProductAssets.FLOOR_INSIDE_MASKS_SHARE);
        // no skirt of table around the foot: everything near the can's surface
        assertThat(farFromCan(r, 0.03)).as("vertices of the table's skirt").isLessThan((int) (0.03 * r.mesh().vertexCount()));

        // exact masks of the can alone show no floor: its flat top is part of the object, not a support
        ProductAssets.Result exact = ProductAssets.build(canWithoutTable(can), views, masks, true, opt, raster, ProgressListener.NONE);
        assertThat(exact.decisions().get("up")).isNotEqualTo("floor-inside-masks");
    }

    @Test
    void viewsWithoutAMaskDoNotConstrainTheHull() {
        List<float[]> some = new ArrayList<>(Arrays.asList(new float[views.size()][]));
        some.set(0, masks.get(0));
        some.set(7, masks.get(7));
        SilhouetteHull hull = SilhouetteHull.ofMasks(views.stream().map(View::camera).toList(), some);
        assertThat(hull.views()).isEqualTo(2);
    }

    @Test
    void aMaskOfAnotherSizeOrCountIsRefused() {
        ProductAssets.Options opt = ProductAssets.Options.defaults(true);
        List<float[]> wrongSize = new ArrayList<>(masks);
        wrongSize.set(3, new float[10]);
        assertThatThrownBy(() -> ProductAssets.build(scene, views, wrongSize, opt, raster, ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v3").hasMessageContaining("200x150");
        assertThatThrownBy(() -> ProductAssets.build(scene, views, masks.subList(0, 5), opt, raster, ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 masks for 28 views");
    }

    /** Mesh vertices more than {@code limit} from the can's surface (the table's cut cap counts as on it). */
    private static int farFromCan(ProductAssets.Result r, double limit) {
        TriangleMesh m = r.mesh();
        Similarity canFromModel = ProductAssetsTest.WORLD.inverse().after(r.modelFromScene().inverse());
        float[] p = m.positions();
        int far = 0;
        for (int v = 0; v < p.length; v += 3) {
            double[] q = canFromModel.apply(new double[] {p[v], p[v + 1], p[v + 2]});
            boolean onCap = q[2] < 0.06 && Math.hypot(q[0], q[1]) < ProductAssetsTest.R + 0.03;
            if (!onCap && ProductAssetsTest.distanceToCan(q) > limit) far++;
        }
        return far;
    }

    /** A flat card, 12 cm out from the can's side and 15 cm tall, opaque blue, touching the can. */
    static GaussianModel withCard(GaussianModel can) {
        List<float[]> rows = new ArrayList<>();
        double step = 0.012;
        for (double x = ProductAssetsTest.R - 0.01; x <= ProductAssetsTest.R + 0.12; x += step) {
            for (double z = 0.2; z <= 0.35; z += step) rows.add(new float[] {(float) x, 0, (float) z});
        }
        GaussianModel out = can.copy();
        out.resize(can.size() + rows.size());
        double[] q = new Similarity(1, ProductAssetsTest.WORLD.r(), new double[3]).quaternion();
        for (int k = 0; k < rows.size(); k++) {
            float[] c = rows.get(k);
            double[] w = ProductAssetsTest.WORLD.apply(new double[] {c[0], c[1], c[2]});
            out.set(can.size() + k, (float) w[0], (float) w[1], (float) w[2], (float) step, (float) (0.1 * step), (float) step,
                    new float[] {(float) q[0], (float) q[1], (float) q[2], (float) q[3]}, 0.95f, 0.1f, 0.2f, 0.9f);
        }
        return out;
    }

    /** The can with the table's Gaussians within {@code radius} of its axis (a disc of floor around its foot). */
    static GaussianModel canWithTableAround(GaussianModel can, double radius) {
        float[] pos = can.positions();
        Similarity toCan = ProductAssetsTest.WORLD.inverse();
        boolean[] keep = new boolean[can.size()];
        for (int i = 0; i < can.size(); i++) {
            double[] q = toCan.apply(new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]});
            keep[i] = q[2] > 1e-4 || Math.hypot(q[0], q[1]) < radius;
        }
        GaussianModel out = can.copy();
        out.compact(keep);
        return out;
    }

    /** The can's Gaussians without the table's (those lie at z = 0 in the can's frame, outside its radius or on it). */
    static GaussianModel canWithoutTable(GaussianModel can) {
        float[] pos = can.positions();
        Similarity toCan = ProductAssetsTest.WORLD.inverse();
        boolean[] keep = new boolean[can.size()];
        for (int i = 0; i < can.size(); i++) {
            double[] q = toCan.apply(new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]});
            keep[i] = q[2] > 1e-4;
        }
        GaussianModel out = can.copy();
        out.compact(keep);
        return out;
    }
}
