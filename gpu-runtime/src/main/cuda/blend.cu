// Per-tile alpha compositing: one 16x16 block per tile, one thread per pixel, the tile's depth-sorted Gaussians
// staged through shared memory in batches of 256 (forward: front to back; backward: back to front, recovering the
// transmittance as T / (1 - alpha) as in the reference rasterizer). Same cut-offs and order of operations as the
// CPU backend's TileBlender.
#include "common.cuh"

struct Frame {
    float* rgb;          // planar 3 x w x h
    float* alpha;        // 1 - T_final
    float* depth;        // sum w z
    float* finalT;
    int* lastContrib;    // 1-based index, within the tile's list, of the last contributor
};

extern "C" __global__ void __launch_bounds__(BLOCK_PIXELS) blend_forward(View v, const uint32_t* ranges, const uint32_t* list,
        const float* uv, const float* conic, const float* opacity, const float* colour, const float* depth, Frame f) {
    __shared__ int sId[BLOCK_PIXELS];
    __shared__ float2 sUv[BLOCK_PIXELS];
    __shared__ float4 sConOpa[BLOCK_PIXELS];
    int tile = blockIdx.x;
    int tx = tile % v.tilesX, ty = tile / v.tilesX;
    int px = tx * TILE + (threadIdx.x & (TILE - 1)), py = ty * TILE + (threadIdx.x / TILE);
    bool inside = px < v.width && py < v.height;
    bool done = !inside;
    float fx = px + 0.5f, fy = py + 0.5f;
    uint32_t start = ranges[2 * tile], end = ranges[2 * tile + 1];
    float T = 1.f, cr = 0.f, cg = 0.f, cb = 0.f, cd = 0.f;
    int last = 0;
    for (uint32_t batch = start; batch < end; batch += BLOCK_PIXELS) {
        if (__syncthreads_count(done) == BLOCK_PIXELS) break;
        uint32_t k = batch + threadIdx.x;
        if (k < end) {
            int g = list[k];
            sId[threadIdx.x] = g;
            sUv[threadIdx.x] = make_float2(uv[2 * g], uv[2 * g + 1]);
            sConOpa[threadIdx.x] = make_float4(conic[3 * g], conic[3 * g + 1], conic[3 * g + 2], opacity[g]);
        }
        __syncthreads();
        int count = min(BLOCK_PIXELS, (int) (end - batch));
        for (int j = 0; j < count && !done; j++) {
            float2 m = sUv[j];
            float4 co = sConOpa[j];
            float dx = m.x - fx, dy = m.y - fy;
            float power = -0.5f * (co.x * dx * dx + co.z * dy * dy) - co.y * dx * dy;
            if (power > 0.f) continue;
            float alpha = fminf(ALPHA_MAX, co.w * expf(power));
            if (alpha < ALPHA_MIN) continue;
            float testT = T * (1.f - alpha);
            if (testT < T_MIN) { done = true; continue; }
            float w = alpha * T;
            int g = sId[j];
            cr += w * colour[3 * g];
            cg += w * colour[3 * g + 1];
            cb += w * colour[3 * g + 2];
            cd += w * depth[g];
            T = testT;
            last = (int) (batch - start) + j + 1;
        }
    }
    if (inside) {
        int plane = v.width * v.height;
        int pix = py * v.width + px;
        f.rgb[pix] = cr + T * v.bg[0];
        f.rgb[plane + pix] = cg + T * v.bg[1];
        f.rgb[2 * plane + pix] = cb + T * v.bg[2];
        f.alpha[pix] = 1.f - T;
        f.depth[pix] = cd;
        f.finalT[pix] = T;
        f.lastContrib[pix] = last;
    }
}

__device__ __forceinline__ float warp_sum(float x) {
    for (int d = 16; d > 0; d >>= 1) x += __shfl_down_sync(0xffffffffu, x, d);
    return x;
}

// dL/dalpha and dL/ddepth may be null (training passes only dL/dRGB). Screen-space gradients are summed over the
// 32 pixels of a warp, then added per Gaussian with one atomicAdd per warp and quantity.
extern "C" __global__ void __launch_bounds__(BLOCK_PIXELS) blend_backward(View v, const uint32_t* ranges, const uint32_t* list,
        const float* uv, const float* conic, const float* opacity, const float* colour, const float* depth,
        const float* finalT, const int* lastContrib, const float* dRgb, const float* dAlpha, const float* dDepth,
        float* screen) {
    __shared__ int sId[BLOCK_PIXELS];
    __shared__ float2 sUv[BLOCK_PIXELS];
    __shared__ float4 sConOpa[BLOCK_PIXELS];
    __shared__ float4 sColDepth[BLOCK_PIXELS];
    __shared__ int sMaxLast;
    int tile = blockIdx.x;
    int tx = tile % v.tilesX, ty = tile / v.tilesX;
    int px = tx * TILE + (threadIdx.x & (TILE - 1)), py = ty * TILE + (threadIdx.x / TILE);
    bool inside = px < v.width && py < v.height;
    float fx = px + 0.5f, fy = py + 0.5f;
    int plane = v.width * v.height;
    int pix = py * v.width + px;
    float T = 1.f, sR = 0.f, sG = 0.f, sB = 0.f, sD = 0.f, sA = 0.f;
    float gR = 0.f, gG = 0.f, gB = 0.f, gD = 0.f, gA = 0.f;
    int last = 0;
    if (threadIdx.x == 0) sMaxLast = 0;
    __syncthreads();
    if (inside) {
        T = finalT[pix];
        last = lastContrib[pix];
        sR = T * v.bg[0]; sG = T * v.bg[1]; sB = T * v.bg[2];
        gR = dRgb[pix]; gG = dRgb[plane + pix]; gB = dRgb[2 * plane + pix];
        if (dAlpha) gA = dAlpha[pix];
        if (dDepth) gD = dDepth[pix];
        atomicMax(&sMaxLast, last);
    }
    __syncthreads();
    uint32_t start = ranges[2 * tile];
    // Gaussians past the block's furthest last contributor never contributed: start below them
    uint32_t end = start + (uint32_t) sMaxLast;
    int lane = threadIdx.x & 31;
    for (int batchEnd = (int) end; batchEnd > (int) start; batchEnd -= BLOCK_PIXELS) {
        int batchStart = max((int) start, batchEnd - BLOCK_PIXELS);
        int count = batchEnd - batchStart;
        __syncthreads();
        if ((int) threadIdx.x < count) {
            // reversed within the batch: shared slot j holds list[batchEnd - 1 - j]
            int g = list[batchEnd - 1 - threadIdx.x];
            sId[threadIdx.x] = g;
            sUv[threadIdx.x] = make_float2(uv[2 * g], uv[2 * g + 1]);
            sConOpa[threadIdx.x] = make_float4(conic[3 * g], conic[3 * g + 1], conic[3 * g + 2], opacity[g]);
            sColDepth[threadIdx.x] = make_float4(colour[3 * g], colour[3 * g + 1], colour[3 * g + 2], depth[g]);
        }
        __syncthreads();
        for (int j = 0; j < count; j++) {
            int rel = batchEnd - 1 - j - (int) start; // 0-based position in the tile's list
            float2 m = sUv[j];
            float4 co = sConOpa[j];
            float4 cz = sColDepth[j];
            float dx = m.x - fx, dy = m.y - fy;
            float power = -0.5f * (co.x * dx * dx + co.z * dy * dy) - co.y * dx * dy;
            float G = expf(power);
            float oG = co.w * G;
            float alpha = fminf(ALPHA_MAX, oG);
            bool act = inside && rel < last && power <= 0.f && alpha >= ALPHA_MIN;
            float aU = 0.f, aV = 0.f, aA = 0.f, aB = 0.f, aC = 0.f, aO = 0.f, aR = 0.f, aG = 0.f, aBl = 0.f, aZ = 0.f;
            if (act) {
                float oneMinus = 1.f - alpha;
                float ti = T / oneMinus;
                float w = alpha * ti;
                aR = w * gR; aG = w * gG; aBl = w * gB; aZ = w * gD;
                float inv = 1.f / oneMinus;
                float dLdAlpha = gR * (ti * cz.x - sR * inv) + gG * (ti * cz.y - sG * inv) + gB * (ti * cz.z - sB * inv)
                               + gD * (ti * cz.w - sD * inv) + gA * (ti - sA * inv);
                sR += w * cz.x; sG += w * cz.y; sB += w * cz.z; sD += w * cz.w; sA += w;
                T = ti;
                if (oG <= ALPHA_MAX) { // the clamp has zero gradient
                    aO = G * dLdAlpha;
                    float gl = dLdAlpha * co.w * G; // dL/dpower
                    aU = -gl * (co.x * dx + co.y * dy);
                    aV = -gl * (co.y * dx + co.z * dy);
                    aA = -gl * 0.5f * dx * dx;
                    aB = -gl * dx * dy;
                    aC = -gl * 0.5f * dy * dy;
                }
            }
            if (!__any_sync(0xffffffffu, act)) continue;
            aU = warp_sum(aU); aV = warp_sum(aV); aA = warp_sum(aA); aB = warp_sum(aB); aC = warp_sum(aC);
            aO = warp_sum(aO); aR = warp_sum(aR); aG = warp_sum(aG); aBl = warp_sum(aBl); aZ = warp_sum(aZ);
            if (lane == 0) {
                float* s = screen + GRAD_STRIDE * sId[j];
                atomicAdd(s, aU); atomicAdd(s + 1, aV); atomicAdd(s + 2, aA); atomicAdd(s + 3, aB); atomicAdd(s + 4, aC);
                atomicAdd(s + 5, aO); atomicAdd(s + 6, aR); atomicAdd(s + 7, aG); atomicAdd(s + 8, aBl); atomicAdd(s + 9, aZ);
            }
        }
    }
}
