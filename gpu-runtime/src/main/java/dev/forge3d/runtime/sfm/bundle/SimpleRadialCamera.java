package dev.forge3d.runtime.sfm.bundle;

import boofcv.abst.geo.bundle.BundleAdjustmentCamera;
import georegression.struct.point.Point2D_F64;

import java.util.HashMap;
import java.util.Map;

/**
 * COLMAP's SIMPLE_RADIAL camera for BoofCV's bundle adjustment: {@code u = f (x/z) (1 + k1 r^2) + cx},
 * {@code r^2 = (x/z)^2 + (y/z)^2}. The focal length and the radial term are optimised; the principal point only
 * when {@code refinePrincipalPoint} is set (it is poorly constrained until many views agree, so the mapper frees it
 * in the final refinement only).
 */
public final class SimpleRadialCamera implements BundleAdjustmentCamera {

    public double f, k1, cx, cy;
    private final boolean refinePrincipalPoint;

    public SimpleRadialCamera(double f, double k1, double cx, double cy, boolean refinePrincipalPoint) {
        this.f = f; this.k1 = k1; this.cx = cx; this.cy = cy;
        this.refinePrincipalPoint = refinePrincipalPoint;
    }

    @Override
    public void setIntrinsic(double[] p, int offset) {
        f = p[offset];
        k1 = p[offset + 1];
        if (refinePrincipalPoint) { cx = p[offset + 2]; cy = p[offset + 3]; }
    }

    @Override
    public void getIntrinsic(double[] p, int offset) {
        p[offset] = f;
        p[offset + 1] = k1;
        if (refinePrincipalPoint) { p[offset + 2] = cx; p[offset + 3] = cy; }
    }

    @Override
    public void project(double x, double y, double z, Point2D_F64 out) {
        double u = x / z, v = y / z;
        double d = 1 + k1 * (u * u + v * v);
        out.x = f * u * d + cx;
        out.y = f * v * d + cy;
    }

    @Override
    public void jacobian(double x, double y, double z, double[] pointX, double[] pointY,
                         boolean computeIntrinsic, double[] calibX, double[] calibY) {
        double u = x / z, v = y / z, r2 = u * u + v * v;
        double d = 1 + k1 * r2;
        // Derivatives of (u d, v d) with respect to (u, v).
        double a = d + 2 * k1 * u * u, b = 2 * k1 * u * v, c = d + 2 * k1 * v * v;
        double iz = 1 / z, uz = -u / z, vz = -v / z;
        // (u, v) with respect to (x, y, z): du = (1/z, 0, -u/z), dv = (0, 1/z, -v/z).
        pointX[0] = f * a * iz;
        pointX[1] = f * b * iz;
        pointX[2] = f * (a * uz + b * vz);
        pointY[0] = f * b * iz;
        pointY[1] = f * c * iz;
        pointY[2] = f * (b * uz + c * vz);
        if (computeIntrinsic) {
            calibX[0] = u * d;
            calibX[1] = f * u * r2;
            calibY[0] = v * d;
            calibY[1] = f * v * r2;
            if (refinePrincipalPoint) {
                calibX[2] = 1; calibX[3] = 0;
                calibY[2] = 0; calibY[3] = 1;
            }
        }
    }

    @Override
    public int getIntrinsicCount() { return refinePrincipalPoint ? 4 : 2; }

    @Override
    public BundleAdjustmentCamera setTo(Map<String, Object> map) {
        f = ((Number) map.get("f")).doubleValue();
        k1 = ((Number) map.get("k1")).doubleValue();
        cx = ((Number) map.get("cx")).doubleValue();
        cy = ((Number) map.get("cy")).doubleValue();
        return this;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("f", f);
        m.put("k1", k1);
        m.put("cx", cx);
        m.put("cy", cy);
        return m;
    }
}
