package dev.forge3d.runtime.sds.shapes;

import dev.forge3d.runtime.splat.GaussianModel;

import java.util.Random;

/**
 * Builds a solid-looking {@link GaussianModel} of a primitive shape: flat Gaussian discs tangent to its surface,
 * overlapping so the surface is opaque, coloured with a fixed Lambertian shading (light from upper front right)
 * so that renders show the shape's form, not only its silhouette. Shapes fit in a ball of radius ~0.8 at
 * {@code size} 1, in a Y-up world.
 */
public final class ShapeGaussians {

    private static final double[] LIGHT = normalize(new double[] {0.45, 0.8, 0.55});

    private ShapeGaussians() { }

    /**
     * @param size      uniform scale (about 0.6..1.1 for training variety)
     * @param yawDeg    rotation about the vertical axis
     * @param tiltDeg   rotation about the x axis, applied before yaw
     * @param count     number of surface Gaussians
     */
    public static GaussianModel build(Shape shape, NamedColour colour, double size, double yawDeg, double tiltDeg, int count, long seed) {
        Random rnd = new Random(seed);
        double area = area(shape);
        double radius = Math.sqrt(area / count) * 1.1 * size;
        double[] rot = multiply(rotationY(Math.toRadians(yawDeg)), rotationX(Math.toRadians(tiltDeg)));
        GaussianModel m = new GaussianModel(count);
        double[] p = new double[3], n = new double[3];
        for (int i = 0; i < count; i++) {
            sample(shape, rnd, p, n);
            double[] wp = apply(rot, p), wn = apply(rot, n);
            double shade = 0.4 + 0.6 * Math.max(0, dot(wn, LIGHT));
            float[] q = quaternionWithZAxis(wn);
            m.set(i, (float) (size * wp[0]), (float) (size * wp[1]), (float) (size * wp[2]),
                    (float) radius, (float) radius, (float) (0.15 * radius), q, 0.95f,
                    (float) (colour.r * shade), (float) (colour.g * shade), (float) (colour.b * shade));
        }
        return m;
    }

    static double area(Shape s) {
        return switch (s) {
            case SPHERE -> 4 * Math.PI * 0.7 * 0.7;
            case CUBE -> 6 * 1.1 * 1.1;
            case CYLINDER -> 2 * Math.PI * 0.5 * 1.3 + 2 * Math.PI * 0.25;
            case CONE -> Math.PI * 0.6 * Math.hypot(0.6, 1.3) + Math.PI * 0.36;
            case TORUS -> 4 * Math.PI * Math.PI * 0.55 * 0.22;
        };
    }

    /** An area-uniform point on the shape's surface and its outward normal. */
    static void sample(Shape s, Random rnd, double[] p, double[] n) {
        switch (s) {
            case SPHERE -> {
                double z = 2 * rnd.nextDouble() - 1, a = 2 * Math.PI * rnd.nextDouble(), r = Math.sqrt(1 - z * z);
                n[0] = r * Math.cos(a); n[1] = z; n[2] = r * Math.sin(a);
                for (int k = 0; k < 3; k++) p[k] = 0.7 * n[k];
            }
            case CUBE -> {
                int face = rnd.nextInt(6), axis = face / 2;
                double sign = face % 2 == 0 ? 1 : -1;
                for (int k = 0; k < 3; k++) { p[k] = 1.1 * (rnd.nextDouble() - 0.5); n[k] = 0; }
                p[axis] = 0.55 * sign;
                n[axis] = sign;
            }
            case CYLINDER -> {
                double side = 2 * Math.PI * 0.5 * 1.3, cap = Math.PI * 0.25;
                double u = rnd.nextDouble() * (side + 2 * cap), a = 2 * Math.PI * rnd.nextDouble();
                if (u < side) {
                    n[0] = Math.cos(a); n[1] = 0; n[2] = Math.sin(a);
                    p[0] = 0.5 * n[0]; p[1] = 1.3 * (rnd.nextDouble() - 0.5); p[2] = 0.5 * n[2];
                } else {
                    double r = 0.5 * Math.sqrt(rnd.nextDouble()), sign = u < side + cap ? 1 : -1;
                    p[0] = r * Math.cos(a); p[1] = 0.65 * sign; p[2] = r * Math.sin(a);
                    n[0] = 0; n[1] = sign; n[2] = 0;
                }
            }
            case CONE -> {
                double slant = Math.hypot(0.6, 1.3), side = Math.PI * 0.6 * slant, base = Math.PI * 0.36;
                double a = 2 * Math.PI * rnd.nextDouble();
                if (rnd.nextDouble() * (side + base) < side) {
                    double v = Math.sqrt(rnd.nextDouble());          // area grows linearly down the cone
                    double r = 0.6 * v;
                    p[0] = r * Math.cos(a); p[1] = 0.65 - 1.3 * v; p[2] = r * Math.sin(a);
                    double ny = 0.6 / slant, nr = 1.3 / slant;
                    n[0] = nr * Math.cos(a); n[1] = ny; n[2] = nr * Math.sin(a);
                } else {
                    double r = 0.6 * Math.sqrt(rnd.nextDouble());
                    p[0] = r * Math.cos(a); p[1] = -0.65; p[2] = r * Math.sin(a);
                    n[0] = 0; n[1] = -1; n[2] = 0;
                }
            }
            case TORUS -> {
                double bigR = 0.55, r = 0.22, u, v;
                do {   // rejection sampling: the area element grows with the distance from the axis
                    u = 2 * Math.PI * rnd.nextDouble(); v = 2 * Math.PI * rnd.nextDouble();
                } while (rnd.nextDouble() * (bigR + r) > bigR + r * Math.cos(v));
                n[0] = Math.cos(v) * Math.cos(u); n[1] = Math.sin(v); n[2] = Math.cos(v) * Math.sin(u);
                p[0] = (bigR + r * Math.cos(v)) * Math.cos(u); p[1] = r * Math.sin(v); p[2] = (bigR + r * Math.cos(v)) * Math.sin(u);
            }
        }
    }

    /** A unit quaternion (w, x, y, z) rotating the z axis onto {@code n} (the disc's thin axis = the normal). */
    static float[] quaternionWithZAxis(double[] n) {
        double w = 1 + n[2], x = -n[1], y = n[0], z = 0;   // half-way rotation from (0,0,1) to n
        if (w < 1e-9) { w = 0; x = 1; y = 0; }
        double len = Math.sqrt(w * w + x * x + y * y + z * z);
        return new float[] {(float) (w / len), (float) (x / len), (float) (y / len), (float) (z / len)};
    }

    private static double[] rotationY(double a) {
        return new double[] {Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)};
    }

    private static double[] rotationX(double a) {
        return new double[] {1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)};
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        return c;
    }

    private static double[] apply(double[] m, double[] v) {
        return new double[] {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
    }

    private static double dot(double[] a, double[] b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

    private static double[] normalize(double[] v) {
        double n = Math.sqrt(dot(v, v));
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }
}
