// Shared definitions of the forge3d splat kernels. The constants mirror
// dev.forge3d.runtime.splat.raster.RasterConstants so that the CUDA and CPU backends can be compared.
#pragma once
#include <stdint.h>

#define TILE 16
#define BLOCK_PIXELS (TILE * TILE)
#define LOW_PASS 0.3
#define NEAR_Z 0.2
#define ALPHA_MIN (1.0f / 255.0f)
#define ALPHA_MAX 0.99f
#define T_MIN 1e-4f
#define RADIUS_SIGMAS 3.0
// Screen-space gradient record per Gaussian: du dv dA dB dC dOpacity dR dG dB dDepth.
#define GRAD_STRIDE 10
#define SH_REST_STRIDE 45

// A camera and render settings, passed by value. The Java side packs it as ints in this exact field order
// (floats by their bit patterns), so fields are all 4 bytes and there is no padding.
struct View {
    float r[9];       // world-to-camera rotation, row-major
    float t[3];       // world-to-camera translation
    float centre[3];  // camera centre in world coordinates
    float fx, fy, cx, cy;
    float limX, limY; // FOV clamp of x/z and y/z in the EWA Jacobian
    int width, height, tilesX, tilesY;
    int shDegree;
    float bg[3];
};

// The parameter groups of the model on the device, same layout as GaussianTable (structure of arrays by group).
struct Params {
    const float* pos;    // 3 per Gaussian
    const float* lsc;    // log scales, 3
    const float* rot;    // quaternion w x y z, 4
    const float* opa;    // opacity logit, 1
    const float* dc;     // SH DC, 3
    const float* rest;   // SH rest, 45 (coefficient-major)
};

// Output of the projection stage per Gaussian.
struct Projected {
    float* uv;         // 2
    float* conic;      // 3: A B C with power = -0.5 (A dx^2 + C dy^2) - B dx dy
    float* depth;      // 1
    float* opacity;    // 1 (sigmoid)
    float* colour;     // 3
    uint8_t* clamped;  // bit c: colour channel c clamped at 0
    int* radius;       // 0 when culled
    int* rect;         // 4: tile rectangle x0 y0 x1 y1 (exclusive ends)
    uint32_t* touched; // tiles touched
};

__device__ __forceinline__ double sh_c0() { return 0.28209479177387814; }

// Real SH basis up to degree 3 (3DGS order and signs) at unit direction (x, y, z).
__device__ __forceinline__ void sh_basis(int deg, double x, double y, double z, double* b) {
    const double C1 = 0.4886025119029199;
    b[0] = 0.28209479177387814;
    if (deg < 1) return;
    b[1] = -C1 * y; b[2] = C1 * z; b[3] = -C1 * x;
    if (deg < 2) return;
    double xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
    b[4] = 1.0925484305920792 * xy; b[5] = -1.0925484305920792 * yz; b[6] = 0.31539156525252005 * (2 * zz - xx - yy);
    b[7] = -1.0925484305920792 * xz; b[8] = 0.5462742152960396 * (xx - yy);
    if (deg < 3) return;
    b[9] = -0.5900435899266435 * y * (3 * xx - yy);
    b[10] = 2.890611442640554 * xy * z;
    b[11] = -0.4570457994644658 * y * (4 * zz - xx - yy);
    b[12] = 0.3731763325901154 * z * (2 * zz - 3 * xx - 3 * yy);
    b[13] = -0.4570457994644658 * x * (4 * zz - xx - yy);
    b[14] = 1.445305721320277 * z * (xx - yy);
    b[15] = -0.5900435899266435 * x * (xx - 3 * yy);
}
