package dev.forge3d.runtime.asset;

import dev.forge3d.runtime.camera.Intrinsics;
import dev.forge3d.runtime.mesh.ScalarGrid;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Truncated signed distance fusion of depth maps (Curless and Levoy 1996, as 2DGS meshes its Gaussians) over an
 * axis-aligned box of the upright frame. Each voxel keeps the running mean of {@code clamp((d - z) / mu, -1, 1)}
 * over the views that see it in front of, or less than {@code mu} behind, the observed surface.
 *
 * <p>{@link #close} then labels the voxels no view observed: those reachable from the box's faces without crossing
 * the observed surface are outside, the rest (the solid interior of the object) inside, and everything below the
 * floor is outside. That makes the object a closed surface, cut flat where it stands on its support.
 */
public final class TsdfVolume {

    final int nx, ny, nz;
    final double[] min;
    final double voxel, truncation;
    private final Similarity sceneFromUpright;
    final float[] tsdf;
    final short[] weight;
    /** Per voxel: views whose depth map has a depth where it projects, and those of them that see it behind that depth. */
    final short[] seen, behind;

    public TsdfVolume(double[] min, double[] max, double voxel, double truncation, Similarity sceneFromUpright) {
        this.min = min.clone();
        this.voxel = voxel;
        this.truncation = truncation;
        this.sceneFromUpright = sceneFromUpright;
        nx = Math.max(2, (int) Math.ceil((max[0] - min[0]) / voxel) + 1);
        ny = Math.max(2, (int) Math.ceil((max[1] - min[1]) / voxel) + 1);
        nz = Math.max(2, (int) Math.ceil((max[2] - min[2]) / voxel) + 1);
        long n = (long) nx * ny * nz;
        if (n > 64_000_000L) throw new IllegalArgumentException("TSDF volume too large: " + nx + "x" + ny + "x" + nz);
        tsdf = new float[(int) n];
        weight = new short[(int) n];
        seen = new short[(int) n];
        behind = new short[(int) n];
    }

    int index(int i, int j, int k) { return i + nx * (j + ny * k); }

    /** Centre of voxel (i, j, k) in the upright frame. */
    double[] centre(int i, int j, int k) { return new double[] {min[0] + i * voxel, min[1] + j * voxel, min[2] + k * voxel}; }

    /** Fuses one depth map (parallel over z-slices; a voxel is written by one thread only). */
    public void integrate(DepthMaps.DepthMap map) {
        // camera-from-upright = pose * sceneFromUpright: x_cam = M x_up + c
        double[] r = map.camera().pose().r(), t = map.camera().pose().t();
        double[] sr = sceneFromUpright.r(), st = sceneFromUpright.t();
        double s = sceneFromUpright.scale();
        double[] m = new double[9], c = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) m[3 * i + j] = s * (r[3 * i] * sr[j] + r[3 * i + 1] * sr[3 + j] + r[3 * i + 2] * sr[6 + j]);
            c[i] = r[3 * i] * st[0] + r[3 * i + 1] * st[1] + r[3 * i + 2] * st[2] + t[i];
        }
        Intrinsics in = map.camera().intrinsics();
        int w = map.width(), h = map.height();
        float[] depth = map.depth();
        float mu = (float) truncation;
        IntStream.range(0, nz).parallel().forEach(k -> {
            for (int j = 0; j < ny; j++) {
                double py = min[1] + j * voxel, pz = min[2] + k * voxel, px0 = min[0];
                double bx = m[0] * px0 + m[1] * py + m[2] * pz + c[0];
                double by = m[3] * px0 + m[4] * py + m[5] * pz + c[1];
                double bz = m[6] * px0 + m[7] * py + m[8] * pz + c[2];
                double sx = m[0] * voxel, sy = m[3] * voxel, sz = m[6] * voxel;
                int row = nx * (j + ny * k);
                for (int i = 0; i < nx; i++) {
                    double z = bz + i * sz;
                    if (z <= 1e-6) continue;
                    double u = in.fx() * (bx + i * sx) / z + in.cx(), v = in.fy() * (by + i * sy) / z + in.cy();
                    if (u < 0 || v < 0 || u >= w || v >= h) continue;
                    float d = depth[(int) v * w + (int) u];
                    if (Float.isNaN(d)) continue;
                    float sdf = (float) (d - z);
                    int idx = row + i;
                    if (seen[idx] < Short.MAX_VALUE) {
                        seen[idx]++;
                        if (sdf < -mu) behind[idx]++;
                    }
                    if (sdf < -mu) continue;
                    int wt = weight[idx];
                    if (wt == Short.MAX_VALUE) continue;
                    float value = Math.min(1f, sdf / mu);
                    tsdf[idx] = (tsdf[idx] * wt + value) / (wt + 1);
                    weight[idx] = (short) (wt + 1);
                }
            }
        });
    }

    /**
     * Makes solid every voxel that is not on the observed surface (unobserved, or observed in front of it) but that
     * at least {@code minShare} of the views with a depth there see behind their surface, and at least 3 do. A splat's
     * walls are not perfectly opaque at grazing angles: such views see through them, carve the object's interior
     * and leave a hollow shell, an inner surface the mesh would otherwise keep; the other views all put the interior
     * behind the surface they see.
     */
    public void fillInterior(double minShare) {
        for (int idx = 0; idx < tsdf.length; idx++) {
            if (weight[idx] > 0 && tsdf[idx] <= 0 || seen[idx] < 3) continue;
            if (behind[idx] >= minShare * seen[idx] && (weight[idx] == 0 || tsdf[idx] >= 0.999f)) {
                tsdf[idx] = -1;
                weight[idx] = (short) Math.max(1, weight[idx]);
            }
        }
    }

    /**
     * Labels unobserved voxels (see the class comment). {@code floorY}: voxels with y below it are outside and walls
     * for the flood fill; {@link Double#NEGATIVE_INFINITY} for no floor.
     */
    public void close(double floorY) {
        int n = tsdf.length;
        byte[] state = new byte[n]; // 0 unvisited, 1 reached from outside, 2 wall (inside surface or below floor)
        int jFloor = Double.isInfinite(floorY) ? 0 : (int) Math.ceil((floorY - min[1]) / voxel);
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = index(i, j, k);
                    if (j < jFloor || weight[idx] > 0 && tsdf[idx] <= 0) state[idx] = 2;
                }
            }
        }
        // Thicken the walls by one voxel for the flood fill, so that a pinhole in the observed surface (a voxel that
        // one grazing view carved) does not let the outside in and leave a hollow shell.
        int sy = nx, sz = nx * ny;
        byte[] grown = state.clone();
        for (int idx = 0; idx < n; idx++) {
            if (state[idx] != 2) continue;
            int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
            if (j < jFloor) continue;
            if (i > 0) grown[idx - 1] = 2;
            if (i < nx - 1) grown[idx + 1] = 2;
            if (j > 0) grown[idx - sy] = 2;
            if (j < ny - 1) grown[idx + sy] = 2;
            if (k > 0) grown[idx - sz] = 2;
            if (k < nz - 1) grown[idx + sz] = 2;
        }
        byte[] original = state;
        state = grown;
        int[] queue = new int[n];
        int head = 0, tail = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    if (i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1) continue;
                    int idx = index(i, j, k);
                    if (state[idx] == 0) { state[idx] = 1; queue[tail++] = idx; }
                }
            }
        }
        while (head < tail) {
            int idx = queue[head++];
            int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
            if (i > 0 && state[idx - 1] == 0) { state[idx - 1] = 1; queue[tail++] = idx - 1; }
            if (i < nx - 1 && state[idx + 1] == 0) { state[idx + 1] = 1; queue[tail++] = idx + 1; }
            if (j > 0 && state[idx - sy] == 0) { state[idx - sy] = 1; queue[tail++] = idx - sy; }
            if (j < ny - 1 && state[idx + sy] == 0) { state[idx + sy] = 1; queue[tail++] = idx + sy; }
            if (k > 0 && state[idx - sz] == 0) { state[idx - sz] = 1; queue[tail++] = idx - sz; }
            if (k < nz - 1 && state[idx + sz] == 0) { state[idx + sz] = 1; queue[tail++] = idx + sz; }
        }
        for (int idx = 0; idx < n; idx++) {
            int j = (idx / nx) % ny;
            if (j < jFloor) { tsdf[idx] = 1; weight[idx] = 1; continue; }
            if (weight[idx] > 0) continue;
            // unreached and unobserved: enclosed by the surface, so solid (unless only the thickening kept it unreached)
            tsdf[idx] = state[idx] == 1 || original[idx] == 0 && reachedNeighbour(state, idx) ? 1 : -1;
            weight[idx] = 1;
        }
    }

    private boolean reachedNeighbour(byte[] state, int idx) {
        int i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny), sy = nx, sz = nx * ny;
        return i > 0 && state[idx - 1] == 1 || i < nx - 1 && state[idx + 1] == 1 || j > 0 && state[idx - sy] == 1
                || j < ny - 1 && state[idx + sy] == 1 || k > 0 && state[idx - sz] == 1 || k < nz - 1 && state[idx + sz] == 1;
    }

    /**
     * Keeps the solid (tsdf <= 0) 6-connected components that matter: the largest one meeting the vertical axis
     * region {@code |x|, |z| <= axisRadius} (the object the cameras look at), plus any other solid component at least
     * {@code minShare} of its size; every other solid voxel becomes outside. Returns the voxel bounds (upright frame)
     * of what was kept, or null when no solid component meets the axis region.
     */
    public double[][] keepObject(double axisRadius, double minShare) {
        return keepObject(axisRadius, minShare, 0);
    }

    /**
     * As {@link #keepObject(double, double)}, but the components are found after eroding the solid by
     * {@code erosion} voxels (and the kept ones grown back by as much), so that a thin sheet (support left standing
     * above the cut) no longer joins the object to its surroundings. Used for the coarse box, where the object's
     * own thin parts only shrink the box by a voxel or two.
     */
    public double[][] keepObject(double axisRadius, double minShare, int erosion) {
        int n = tsdf.length;
        boolean[] solidMask = new boolean[n];
        for (int idx = 0; idx < n; idx++) solidMask[idx] = solid(idx);
        boolean[] core = solidMask;
        for (int e = 0; e < erosion; e++) core = erode(core);
        final boolean[] coreMask = core;
        int[] label = new int[n];
        Arrays.fill(label, -1);
        int[] queue = new int[n];
        java.util.List<int[]> comps = new java.util.ArrayList<>(); // {size, touchesAxis}
        int sy = nx, sz = nx * ny;
        for (int seed = 0; seed < n; seed++) {
            if (label[seed] >= 0 || !coreMask[seed]) continue;
            int id = comps.size(), head = 0, tail = 0, size = 0;
            boolean axis = false;
            label[seed] = id;
            queue[tail++] = seed;
            while (head < tail) {
                int idx = queue[head++];
                size++;
                int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
                if (!axis && Math.abs(min[0] + i * voxel) <= axisRadius && Math.abs(min[2] + k * voxel) <= axisRadius) axis = true;
                int[] nb = {i > 0 ? idx - 1 : -1, i < nx - 1 ? idx + 1 : -1, j > 0 ? idx - sy : -1,
                        j < ny - 1 ? idx + sy : -1, k > 0 ? idx - sz : -1, k < nz - 1 ? idx + sz : -1};
                for (int q : nb) {
                    if (q >= 0 && label[q] < 0 && coreMask[q]) { label[q] = id; queue[tail++] = q; }
                }
            }
            comps.add(new int[] {size, axis ? 1 : 0});
        }
        int best = -1;
        for (int c = 0; c < comps.size(); c++) {
            if (comps.get(c)[1] == 1 && (best < 0 || comps.get(c)[0] > comps.get(best)[0])) best = c;
        }
        if (best < 0) return null;
        boolean[] keep = new boolean[comps.size()];
        for (int c = 0; c < comps.size(); c++) keep[c] = c == best || comps.get(c)[0] >= minShare * comps.get(best)[0];
        boolean[] kept = new boolean[n];
        for (int idx = 0; idx < n; idx++) kept[idx] = label[idx] >= 0 && keep[label[idx]];
        for (int e = 0; e < erosion; e++) kept = dilateWithin(kept, solidMask);
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int idx = 0; idx < n; idx++) {
            if (!solidMask[idx]) continue;
            if (!kept[idx]) { tsdf[idx] = 1; continue; }
            double[] p = centre(idx % nx, (idx / nx) % ny, idx / sz);
            for (int a = 0; a < 3; a++) { lo[a] = Math.min(lo[a], p[a]); hi[a] = Math.max(hi[a], p[a]); }
        }
        return new double[][] {lo, hi};
    }

    private boolean[] erode(boolean[] m) {
        boolean[] out = new boolean[m.length];
        int sy = nx, sz = nx * ny;
        for (int idx = 0; idx < m.length; idx++) {
            if (!m[idx]) continue;
            int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
            out[idx] = i > 0 && m[idx - 1] && i < nx - 1 && m[idx + 1] && j > 0 && m[idx - sy] && j < ny - 1 && m[idx + sy]
                    && k > 0 && m[idx - sz] && k < nz - 1 && m[idx + sz];
        }
        return out;
    }

    private boolean[] dilateWithin(boolean[] m, boolean[] limit) {
        boolean[] out = m.clone();
        int sy = nx, sz = nx * ny;
        for (int idx = 0; idx < m.length; idx++) {
            if (!m[idx]) continue;
            int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
            int[] nb = {i > 0 ? idx - 1 : -1, i < nx - 1 ? idx + 1 : -1, j > 0 ? idx - sy : -1,
                    j < ny - 1 ? idx + sy : -1, k > 0 ? idx - sz : -1, k < nz - 1 ? idx + sz : -1};
            for (int q : nb) if (q >= 0 && limit[q]) out[q] = true;
        }
        return out;
    }

    /**
     * Moves the surface out to the object's silhouettes where it lies just inside them. A splat's Gaussians sit
     * inside the object, so the depth it renders, and the fused surface, lie a little inside the true surface
     * (1-4 mm on tune-vase), while its silhouettes fit the photos' to about a pixel. A voxel outside the solid takes
     * the union of both fields when its gap to the hull is thin ({@code distance to the solid + distance to the
     * outside of the hull <= maxGap} voxels) and some view sees it at a pixel that the solid's projection does not
     * reach (the silhouette needs it), so the surface follows the hull there, to a fraction of a voxel (the hull's
     * field is continuous). Thicker gaps, and concavities that lie in front of solid in every view (a cup's inside, a
     * shoe's opening), keep the fused surface. Voxels below {@code floorY} count as outside the hull.
     *
     * @return the voxels that became solid
     */
    int fillHullGaps(SilhouetteHull hull, double floorY, double maxGap) {
        int n = tsdf.length;
        boolean[] solidMask = new boolean[n];
        for (int idx = 0; idx < n; idx++) solidMask[idx] = solid(idx);
        float[] toSolid = dev.forge3d.runtime.mesh.DistanceTransform.distance(solidMask, nx, ny, nz);
        int jFloor = Double.isInfinite(floorY) ? 0 : (int) Math.ceil((floorY - min[1]) / voxel);
        float[] hullValue = new float[n];
        Arrays.fill(hullValue, Float.NaN);
        boolean[] outsideHull = new boolean[n];
        IntStream.range(0, nz).parallel().forEach(k -> {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = index(i, j, k);
                    if (j < jFloor) { outsideHull[idx] = true; continue; }
                    // only the band the gaps can lie in is evaluated; beyond it counts as inside (not a gap's end)
                    if (solidMask[idx] || toSolid[idx] > maxGap + 1) continue;
                    double[] p = sceneFromUpright.apply(centre(i, j, k));
                    hullValue[idx] = (float) hull.value(p[0], p[1], p[2]);
                    outsideHull[idx] = hullValue[idx] < 0;
                }
            }
        });
        float[] toOutside = dev.forge3d.runtime.mesh.DistanceTransform.distance(outsideHull, nx, ny, nz);
        // Only the gap that the silhouettes need: a voxel some view sees where the solid's own projection does not
        // reach. A concavity (a shoe's opening, the corner under a sole's edge) lies in front of other solid in every
        // view, so the hull's fill would only bury the surface there.
        boolean[][] coverage = hull.coverage(surfaceVoxels(solidMask));
        boolean[] needed = new boolean[n];
        IntStream.range(0, nz).parallel().forEach(k -> {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = index(i, j, k);
                    if (solidMask[idx] || Float.isNaN(hullValue[idx]) || toSolid[idx] + toOutside[idx] > maxGap) continue;
                    double[] p = sceneFromUpright.apply(centre(i, j, k));
                    needed[idx] = hull.uncovered(p[0], p[1], p[2], coverage);
                }
            }
        });
        int filled = 0;
        for (int idx = 0; idx < n; idx++) {
            if (!needed[idx]) continue;
            float inside = weight[idx] > 0 ? -tsdf[idx] : -1f;
            float union = Math.max(inside, hullValue[idx]);
            if (union > 0) filled++;
            tsdf[idx] = -union;
            weight[idx] = (short) Math.max(1, weight[idx]);
        }
        return filled;
    }

    /**
     * Intersects the fused field with a hull of the object's masks: where the hull's field ({@link SilhouetteHull#value},
     * negative outside) is lower than the fused inside value, it takes over, so everything that projects outside a
     * mask in some view is empty (and an unobserved voxel there is observed empty), and the surface follows the
     * masks' outline to a fraction of a voxel where they cut the fused solid. Voxels in front of an observed surface
     * are left as they are.
     *
     * @return the voxels that were solid and are not any more
     */
    int carveOutside(SilhouetteHull hull) {
        int[] carved = new int[nz];
        IntStream.range(0, nz).parallel().forEach(k -> {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = index(i, j, k);
                    if (weight[idx] > 0 && tsdf[idx] >= 1f) continue;
                    double[] p = sceneFromUpright.apply(centre(i, j, k));
                    float h = (float) hull.value(p[0], p[1], p[2]);
                    if (h >= 1f) continue;
                    if (weight[idx] == 0) {
                        if (h < 0) { tsdf[idx] = -h; weight[idx] = 1; }
                        continue;
                    }
                    float inside = -tsdf[idx];
                    if (h >= inside) continue;
                    if (inside >= 0 && h < 0) carved[k]++;
                    tsdf[idx] = -h;
                }
            }
        });
        return Arrays.stream(carved).sum();
    }

    /** Scene-frame centres (xyz triples) of the solid voxels with a face on a non-solid one. */
    private float[] surfaceVoxels(boolean[] solidMask) {
        int sy = nx, sz = nx * ny;
        float[] out = new float[3 * 1024];
        int count = 0;
        for (int idx = 0; idx < solidMask.length; idx++) {
            if (!solidMask[idx]) continue;
            int i = idx % nx, j = (idx / nx) % ny, k = idx / sz;
            boolean inner = i > 0 && solidMask[idx - 1] && i < nx - 1 && solidMask[idx + 1] && j > 0 && solidMask[idx - sy]
                    && j < ny - 1 && solidMask[idx + sy] && k > 0 && solidMask[idx - sz] && k < nz - 1 && solidMask[idx + sz];
            if (inner) continue;
            if (3 * count + 3 > out.length) out = Arrays.copyOf(out, 2 * out.length);
            double[] p = sceneFromUpright.apply(centre(i, j, k));
            out[3 * count] = (float) p[0]; out[3 * count + 1] = (float) p[1]; out[3 * count + 2] = (float) p[2];
            count++;
        }
        return Arrays.copyOf(out, 3 * count);
    }

    private boolean solid(int idx) { return weight[idx] > 0 && tsdf[idx] <= 0; }

    /** The field as a grid for marching cubes: inside (value >= 0) where tsdf <= 0, NaN where nothing was observed. */
    public ScalarGrid toGrid() {
        ScalarGrid g = new ScalarGrid(nx, ny, nz, min[0], min[1], min[2], voxel, false);
        float[] v = g.values();
        for (int idx = 0; idx < v.length; idx++) v[idx] = weight[idx] > 0 ? -tsdf[idx] : Float.NaN;
        return g;
    }
}
