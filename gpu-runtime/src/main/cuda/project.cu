// Projection stage: camera transform, EWA 2D covariance with the low-pass, conic, footprint radius, tile
// rectangle and SH colour per Gaussian; and its exact backward (chain rule from the screen-space gradients to every
// parameter). One thread per Gaussian, double precision like the CPU reference (the cost is O(N), not O(pixels)).
#include "common.cuh"

// Rotation (from a normalised quaternion) times diag(scale): M = R S, and Sigma = M M^T.
struct Cov3 {
    double qw, qx, qy, qz, qn, sx, sy, sz;
    double r[9], m[9], s00, s01, s02, s11, s12, s22;
};

__device__ __forceinline__ bool make_cov3(const Params& p, int i, Cov3& c) {
    double qw = p.rot[4 * i], qx = p.rot[4 * i + 1], qy = p.rot[4 * i + 2], qz = p.rot[4 * i + 3];
    c.qn = sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
    if (!(c.qn > 1e-12)) return false;
    c.qw = qw / c.qn; c.qx = qx / c.qn; c.qy = qy / c.qn; c.qz = qz / c.qn;
    qw = c.qw; qx = c.qx; qy = c.qy; qz = c.qz;
    c.sx = exp((double) p.lsc[3 * i]); c.sy = exp((double) p.lsc[3 * i + 1]); c.sz = exp((double) p.lsc[3 * i + 2]);
    double* r = c.r;
    r[0] = 1 - 2 * (qy * qy + qz * qz); r[1] = 2 * (qx * qy - qw * qz); r[2] = 2 * (qx * qz + qw * qy);
    r[3] = 2 * (qx * qy + qw * qz); r[4] = 1 - 2 * (qx * qx + qz * qz); r[5] = 2 * (qy * qz - qw * qx);
    r[6] = 2 * (qx * qz - qw * qy); r[7] = 2 * (qy * qz + qw * qx); r[8] = 1 - 2 * (qx * qx + qy * qy);
    double* m = c.m;
    for (int row = 0; row < 3; row++) {
        m[3 * row] = r[3 * row] * c.sx; m[3 * row + 1] = r[3 * row + 1] * c.sy; m[3 * row + 2] = r[3 * row + 2] * c.sz;
    }
    c.s00 = m[0] * m[0] + m[1] * m[1] + m[2] * m[2];
    c.s01 = m[0] * m[3] + m[1] * m[4] + m[2] * m[5];
    c.s02 = m[0] * m[6] + m[1] * m[7] + m[2] * m[8];
    c.s11 = m[3] * m[3] + m[4] * m[4] + m[5] * m[5];
    c.s12 = m[3] * m[6] + m[4] * m[7] + m[5] * m[8];
    c.s22 = m[6] * m[6] + m[7] * m[7] + m[8] * m[8];
    return true;
}

// T = J W, the EWA Jacobian times the view rotation (2x3).
struct Ewa {
    double tx, ty, j00, j02, j11, j12, t[6], ca, cb, cc, det;
    bool clampX, clampY;
};

__device__ __forceinline__ void make_ewa(const View& v, double x, double y, double z, const Cov3& c, Ewa& e) {
    const double limX = v.limX, limY = v.limY;
    double txz = x / z, tyz = y / z;
    e.clampX = txz < -limX || txz > limX;
    e.clampY = tyz < -limY || tyz > limY;
    e.tx = fmin(limX, fmax(-limX, txz)) * z;
    e.ty = fmin(limY, fmax(-limY, tyz)) * z;
    double fx = v.fx, fy = v.fy;
    e.j00 = fx / z; e.j02 = -fx * e.tx / (z * z); e.j11 = fy / z; e.j12 = -fy * e.ty / (z * z);
    const float* r = v.r;
    double* t = e.t;
    t[0] = e.j00 * r[0] + e.j02 * r[6]; t[1] = e.j00 * r[1] + e.j02 * r[7]; t[2] = e.j00 * r[2] + e.j02 * r[8];
    t[3] = e.j11 * r[3] + e.j12 * r[6]; t[4] = e.j11 * r[4] + e.j12 * r[7]; t[5] = e.j11 * r[5] + e.j12 * r[8];
    double a0 = t[0] * c.s00 + t[1] * c.s01 + t[2] * c.s02, a1 = t[0] * c.s01 + t[1] * c.s11 + t[2] * c.s12,
           a2 = t[0] * c.s02 + t[1] * c.s12 + t[2] * c.s22;
    double b0 = t[3] * c.s00 + t[4] * c.s01 + t[5] * c.s02, b1 = t[3] * c.s01 + t[4] * c.s11 + t[5] * c.s12,
           b2 = t[3] * c.s02 + t[4] * c.s12 + t[5] * c.s22;
    e.ca = a0 * t[0] + a1 * t[1] + a2 * t[2] + LOW_PASS;
    e.cb = a0 * t[3] + a1 * t[4] + a2 * t[5];
    e.cc = b0 * t[3] + b1 * t[4] + b2 * t[5] + LOW_PASS;
    e.det = e.ca * e.cc - e.cb * e.cb;
}

__device__ __forceinline__ void to_camera(const View& v, const float* pos, int i, double& x, double& y, double& z) {
    double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
    const float* r = v.r;
    x = r[0] * px + r[1] * py + r[2] * pz + v.t[0];
    y = r[3] * px + r[4] * py + r[5] * pz + v.t[1];
    z = r[6] * px + r[7] * py + r[8] * pz + v.t[2];
}

extern "C" __global__ void project_forward(View v, int n, Params p, Projected out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    out.radius[i] = 0;
    out.touched[i] = 0;
    double x, y, z;
    to_camera(v, p.pos, i, x, y, z);
    if (z <= NEAR_Z) return;
    Cov3 c;
    if (!make_cov3(p, i, c)) return;
    Ewa e;
    make_ewa(v, x, y, z, c, e);
    if (!(e.det > 0)) return;
    double mid = 0.5 * (e.ca + e.cc);
    double lambda = mid + sqrt(fmax(0.1, mid * mid - e.det));
    int radius = (int) ceil(RADIUS_SIGMAS * sqrt(lambda));
    double u = v.fx * x / z + v.cx, vv = v.fy * y / z + v.cy;
    // Inria's getRect in its pixel coordinates (centres at integer index), in float like the CPU backend
    float pu = (float) (u - 0.5), pv = (float) (vv - 0.5);
    int x0 = min(v.tilesX, max(0, (int) ((pu - radius) / TILE)));
    int y0 = min(v.tilesY, max(0, (int) ((pv - radius) / TILE)));
    int x1 = min(v.tilesX, max(0, (int) ((pu + radius + TILE - 1) / TILE)));
    int y1 = min(v.tilesY, max(0, (int) ((pv + radius + TILE - 1) / TILE)));
    if ((x1 - x0) * (y1 - y0) == 0) return;

    double dx = p.pos[3 * i] - v.centre[0], dy = p.pos[3 * i + 1] - v.centre[1], dz = p.pos[3 * i + 2] - v.centre[2];
    double dn = sqrt(dx * dx + dy * dy + dz * dz);
    dx /= dn; dy /= dn; dz /= dn;
    double b[16];
    int deg = v.shDegree;
    sh_basis(deg, dx, dy, dz, b);
    int nCoef = (deg + 1) * (deg + 1);
    uint8_t bits = 0;
    // loops over the 16 coefficients are unrolled with a guard so that b[] stays in registers
#pragma unroll
    for (int ch = 0; ch < 3; ch++) {
        double col = b[0] * p.dc[3 * i + ch];
#pragma unroll
        for (int k = 1; k < 16; k++)
            if (k < nCoef) col += b[k] * p.rest[SH_REST_STRIDE * i + 3 * (k - 1) + ch];
        col += 0.5;
        if (col < 0) { col = 0; bits |= (uint8_t) (1 << ch); }
        out.colour[3 * i + ch] = (float) col;
    }
    out.clamped[i] = bits;
    out.opacity[i] = (float) (1.0 / (1.0 + exp(-(double) p.opa[i])));
    out.uv[2 * i] = (float) u;
    out.uv[2 * i + 1] = (float) vv;
    out.conic[3 * i] = (float) (e.cc / e.det);
    out.conic[3 * i + 1] = (float) (-e.cb / e.det);
    out.conic[3 * i + 2] = (float) (e.ca / e.det);
    out.depth[i] = (float) z;
    out.rect[4 * i] = x0; out.rect[4 * i + 1] = y0; out.rect[4 * i + 2] = x1; out.rect[4 * i + 3] = y1;
    out.radius[i] = radius;
    out.touched[i] = (uint32_t) ((x1 - x0) * (y1 - y0));
}

// Parameter gradients, same groups as the model; the kernel adds to them.
struct Grads {
    float* pos; float* lsc; float* rot; float* opa; float* dc; float* rest; float* mean2d;
};

extern "C" __global__ void project_backward(View v, int n, Params p, const float* opacity, const uint8_t* clamped,
                                            const int* radius, const float* screen, Grads gr) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n || radius[i] == 0) return;
    const float* g = screen + GRAD_STRIDE * i;
    double x, y, z;
    to_camera(v, p.pos, i, x, y, z);
    Cov3 c;
    make_cov3(p, i, c);
    Ewa e;
    make_ewa(v, x, y, z, c, e);
    double kA = e.cc / e.det, kB = -e.cb / e.det, kC = e.ca / e.det;
    const double* t = e.t;
    const float* r = v.r;
    double fx = v.fx, fy = v.fy;

    double dU = g[0], dV = g[1];
    double dpx = 0, dpy = 0, dpz = 0;
    // conic gradient as a symmetric matrix G; dL/dCov2 = -K G K
    double gA = g[2], gB = 0.5 * g[3], gC = g[4];
    double kg00 = kA * gA + kB * gB, kg01 = kA * gB + kB * gC, kg10 = kB * gA + kC * gB, kg11 = kB * gB + kC * gC;
    double c00 = -(kg00 * kA + kg01 * kB), c01 = -(kg00 * kB + kg01 * kC), c11 = -(kg10 * kB + kg11 * kC);
    double gt00 = c00 * t[0] + c01 * t[3], gt01 = c00 * t[1] + c01 * t[4], gt02 = c00 * t[2] + c01 * t[5];
    double gt10 = c01 * t[0] + c11 * t[3], gt11 = c01 * t[1] + c11 * t[4], gt12 = c01 * t[2] + c11 * t[5];
    double ds00 = t[0] * gt00 + t[3] * gt10, ds01 = t[0] * gt01 + t[3] * gt11, ds02 = t[0] * gt02 + t[3] * gt12;
    double ds11 = t[1] * gt01 + t[4] * gt11, ds12 = t[1] * gt02 + t[4] * gt12, ds22 = t[2] * gt02 + t[5] * gt12;
    double dt00 = 2 * (gt00 * c.s00 + gt01 * c.s01 + gt02 * c.s02), dt01 = 2 * (gt00 * c.s01 + gt01 * c.s11 + gt02 * c.s12),
           dt02 = 2 * (gt00 * c.s02 + gt01 * c.s12 + gt02 * c.s22);
    double dt10 = 2 * (gt10 * c.s00 + gt11 * c.s01 + gt12 * c.s02), dt11 = 2 * (gt10 * c.s01 + gt11 * c.s11 + gt12 * c.s12),
           dt12 = 2 * (gt10 * c.s02 + gt11 * c.s12 + gt12 * c.s22);
    double dj00 = dt00 * r[0] + dt01 * r[1] + dt02 * r[2];
    double dj02 = dt00 * r[6] + dt01 * r[7] + dt02 * r[8];
    double dj11 = dt10 * r[3] + dt11 * r[4] + dt12 * r[5];
    double dj12 = dt10 * r[6] + dt11 * r[7] + dt12 * r[8];
    double z2 = z * z, z3 = z2 * z;
    dpz += -fx / z2 * dj00 - fy / z2 * dj11;
    if (e.clampX) dpz += fx * e.tx / z3 * dj02; else { dpx += -fx / z2 * dj02; dpz += 2 * fx * e.tx / z3 * dj02; }
    if (e.clampY) dpz += fy * e.ty / z3 * dj12; else { dpy += -fy / z2 * dj12; dpz += 2 * fy * e.ty / z3 * dj12; }
    dpx += fx / z * dU;
    dpy += fy / z * dV;
    dpz += -fx * x / z2 * dU - fy * y / z2 * dV;
    dpz += g[9];

    double gpx = r[0] * dpx + r[3] * dpy + r[6] * dpz;
    double gpy = r[1] * dpx + r[4] * dpy + r[7] * dpz;
    double gpz = r[2] * dpx + r[5] * dpy + r[8] * dpz;
    gr.mean2d[2 * i] += (float) dU;
    gr.mean2d[2 * i + 1] += (float) dV;

    // Sigma = M M^T: dL/dM = 2 dSigma M
    const double* m = c.m;
    double dm[9];
    double ds[9] = {ds00, ds01, ds02, ds01, ds11, ds12, ds02, ds12, ds22};
    for (int row = 0; row < 3; row++)
        for (int col = 0; col < 3; col++)
            dm[3 * row + col] = 2 * (ds[3 * row] * m[col] + ds[3 * row + 1] * m[3 + col] + ds[3 * row + 2] * m[6 + col]);
    const double* R = c.r;
    gr.lsc[3 * i] += (float) ((dm[0] * R[0] + dm[3] * R[3] + dm[6] * R[6]) * c.sx);
    gr.lsc[3 * i + 1] += (float) ((dm[1] * R[1] + dm[4] * R[4] + dm[7] * R[7]) * c.sy);
    gr.lsc[3 * i + 2] += (float) ((dm[2] * R[2] + dm[5] * R[5] + dm[8] * R[8]) * c.sz);
    double g00 = dm[0] * c.sx, g01 = dm[1] * c.sy, g02 = dm[2] * c.sz;
    double g10 = dm[3] * c.sx, g11 = dm[4] * c.sy, g12 = dm[5] * c.sz;
    double g20 = dm[6] * c.sx, g21 = dm[7] * c.sy, g22 = dm[8] * c.sz;
    double qw = c.qw, qx = c.qx, qy = c.qy, qz = c.qz;
    double dqw = 2 * (-qz * g01 + qy * g02 + qz * g10 - qx * g12 - qy * g20 + qx * g21);
    double dqx = 2 * (qy * g01 + qz * g02 + qy * g10 - 2 * qx * g11 - qw * g12 + qz * g20 + qw * g21 - 2 * qx * g22);
    double dqy = 2 * (-2 * qy * g00 + qx * g01 + qw * g02 + qx * g10 + qz * g12 - qw * g20 + qz * g21 - 2 * qy * g22);
    double dqz = 2 * (-2 * qz * g00 - qw * g01 + qx * g02 + qw * g10 - 2 * qz * g11 + qy * g12 + qx * g20 + qy * g21);
    double dot = qw * dqw + qx * dqx + qy * dqy + qz * dqz;
    gr.rot[4 * i] += (float) ((dqw - qw * dot) / c.qn);
    gr.rot[4 * i + 1] += (float) ((dqx - qx * dot) / c.qn);
    gr.rot[4 * i + 2] += (float) ((dqy - qy * dot) / c.qn);
    gr.rot[4 * i + 3] += (float) ((dqz - qz * dot) / c.qn);

    double o = opacity[i];
    gr.opa[i] += (float) (g[5] * o * (1 - o));

    int deg = v.shDegree;
    double dx = p.pos[3 * i] - v.centre[0], dy = p.pos[3 * i + 1] - v.centre[1], dz = p.pos[3 * i + 2] - v.centre[2];
    double dn = sqrt(dx * dx + dy * dy + dz * dz);
    double nx = dx / dn, ny = dy / dn, nz = dz / dn;
    double b[16];
    sh_basis(deg, nx, ny, nz, b);
    int nCoef = (deg + 1) * (deg + 1);
    int bits = clamped[i];
    double dr = (bits & 1) ? 0 : g[6];
    double dg = (bits & 2) ? 0 : g[7];
    double db = (bits & 4) ? 0 : g[8];
    gr.dc[3 * i] += (float) (b[0] * dr);
    gr.dc[3 * i + 1] += (float) (b[0] * dg);
    gr.dc[3 * i + 2] += (float) (b[0] * db);
    if (deg > 0) {
        double w[16];
#pragma unroll
        for (int k = 0; k < 16; k++) w[k] = 0;
#pragma unroll
        for (int k = 1; k < 16; k++) {
            if (k >= nCoef) break;
            int o3 = SH_REST_STRIDE * i + 3 * (k - 1);
            gr.rest[o3] += (float) (b[k] * dr);
            gr.rest[o3 + 1] += (float) (b[k] * dg);
            gr.rest[o3 + 2] += (float) (b[k] * db);
            w[k] = p.rest[o3] * dr + p.rest[o3 + 1] * dg + p.rest[o3 + 2] * db;
        }
        // d basis / d direction, weighted (same terms as SphericalHarmonics.gradient)
        const double C1 = 0.4886025119029199;
        double x_ = nx, y_ = ny, z_ = nz;
        double gx = -C1 * w[3], gy = -C1 * w[1], gz = C1 * w[2];
        if (deg >= 2) {
            const double C20 = 1.0925484305920792, C21 = -1.0925484305920792, C22 = 0.31539156525252005,
                         C23 = -1.0925484305920792, C24 = 0.5462742152960396;
            gx += C20 * y_ * w[4]; gy += C20 * x_ * w[4];
            gy += C21 * z_ * w[5]; gz += C21 * y_ * w[5];
            gx += -2 * C22 * x_ * w[6]; gy += -2 * C22 * y_ * w[6]; gz += 4 * C22 * z_ * w[6];
            gx += C23 * z_ * w[7]; gz += C23 * x_ * w[7];
            gx += 2 * C24 * x_ * w[8]; gy += -2 * C24 * y_ * w[8];
        }
        if (deg >= 3) {
            const double C30 = -0.5900435899266435, C31 = 2.890611442640554, C32 = -0.4570457994644658,
                         C33 = 0.3731763325901154, C34 = -0.4570457994644658, C35 = 1.445305721320277, C36 = -0.5900435899266435;
            double xx = x_ * x_, yy = y_ * y_, zz = z_ * z_;
            gx += C30 * 6 * x_ * y_ * w[9]; gy += C30 * (3 * xx - 3 * yy) * w[9];
            gx += C31 * y_ * z_ * w[10]; gy += C31 * x_ * z_ * w[10]; gz += C31 * x_ * y_ * w[10];
            gx += C32 * (-2 * x_ * y_) * w[11]; gy += C32 * (4 * zz - xx - 3 * yy) * w[11]; gz += C32 * 8 * y_ * z_ * w[11];
            gx += C33 * (-6 * x_ * z_) * w[12]; gy += C33 * (-6 * y_ * z_) * w[12]; gz += C33 * (6 * zz - 3 * xx - 3 * yy) * w[12];
            gx += C34 * (4 * zz - 3 * xx - yy) * w[13]; gy += C34 * (-2 * x_ * y_) * w[13]; gz += C34 * 8 * x_ * z_ * w[13];
            gx += C35 * 2 * x_ * z_ * w[14]; gy += C35 * (-2 * y_ * z_) * w[14]; gz += C35 * (xx - yy) * w[14];
            gx += C36 * (3 * xx - 3 * yy) * w[15]; gy += C36 * (-6 * x_ * y_) * w[15];
        }
        double ndot = nx * gx + ny * gy + nz * gz;
        gpx += (gx - nx * ndot) / dn;
        gpy += (gy - ny * ndot) / dn;
        gpz += (gz - nz * ndot) / dn;
    }
    gr.pos[3 * i] += (float) gpx;
    gr.pos[3 * i + 1] += (float) gpy;
    gr.pos[3 * i + 2] += (float) gpz;
}
