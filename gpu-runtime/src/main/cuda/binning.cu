// Tile binning: prefix sums of tiles touched, one (tile << 32 | depth bits) key per (Gaussian, tile) pair, a
// stable LSD radix sort of the 64-bit keys with the Gaussian index as value (8-bit digits, per-block histograms,
// one global exclusive scan of the digit-major histogram table, stable warp-ranked scatter), and per-tile ranges.
// Every kernel is a plain __global__ launched through the driver API; the host sequences the passes.
#include "common.cuh"

#define SCAN_THREADS 256
#define SCAN_ITEMS 4
#define SCAN_CHUNK (SCAN_THREADS * SCAN_ITEMS)
#define RADIX_THREADS 256
#define RADIX_WARPS (RADIX_THREADS / 32)
#define RADIX_ITEMS 16
#define RADIX_CHUNK (RADIX_THREADS * RADIX_ITEMS)
#define RADIX_DIGITS 256

// Exclusive scan of 256 values held one per thread; returns this thread's exclusive prefix, total in *total.
__device__ __forceinline__ uint32_t block_exclusive_scan(uint32_t value, uint32_t* total) {
    __shared__ uint32_t warpSums[SCAN_THREADS / 32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    uint32_t x = value;
    for (int d = 1; d < 32; d <<= 1) {
        uint32_t y = __shfl_up_sync(0xffffffffu, x, d);
        if (lane >= d) x += y;
    }
    if (lane == 31) warpSums[warp] = x;
    __syncthreads();
    if (warp == 0) {
        uint32_t s = lane < SCAN_THREADS / 32 ? warpSums[lane] : 0;
        for (int d = 1; d < 32; d <<= 1) {
            uint32_t y = __shfl_up_sync(0xffffffffu, s, d);
            if (lane >= d) s += y;
        }
        if (lane < SCAN_THREADS / 32) warpSums[lane] = s; // inclusive over warps
    }
    __syncthreads();
    uint32_t warpOffset = warp == 0 ? 0 : warpSums[warp - 1];
    *total = warpSums[SCAN_THREADS / 32 - 1];
    uint32_t r = warpOffset + x - value;
    __syncthreads(); // warpSums is reused by the next call
    return r;
}

// Exclusive scan of each SCAN_CHUNK-sized chunk of in[0..n) into out; the chunk totals go to blockSums.
extern "C" __global__ void __launch_bounds__(SCAN_THREADS) scan_blocks(const uint32_t* in, uint32_t* out, uint32_t* blockSums, int n) {
    size_t base = (size_t) blockIdx.x * SCAN_CHUNK + (size_t) threadIdx.x * SCAN_ITEMS;
    uint32_t v[SCAN_ITEMS];
    uint32_t sum = 0;
    for (int k = 0; k < SCAN_ITEMS; k++) {
        v[k] = base + k < (size_t) n ? in[base + k] : 0;
        sum += v[k];
    }
    uint32_t total;
    uint32_t run = block_exclusive_scan(sum, &total);
    for (int k = 0; k < SCAN_ITEMS; k++) {
        if (base + k < (size_t) n) out[base + k] = run;
        run += v[k];
    }
    if (threadIdx.x == 0) blockSums[blockIdx.x] = total;
}

// Adds the scanned chunk offsets to every element of its chunk.
extern "C" __global__ void __launch_bounds__(SCAN_THREADS) scan_add(uint32_t* out, const uint32_t* blockOffsets, int n) {
    size_t base = (size_t) blockIdx.x * SCAN_CHUNK + (size_t) threadIdx.x * SCAN_ITEMS;
    uint32_t add = blockOffsets[blockIdx.x];
    for (int k = 0; k < SCAN_ITEMS; k++)
        if (base + k < (size_t) n) out[base + k] += add;
}

// One key per (visible Gaussian, touched tile): tile id in the high word, the depth's float bits (positive floats
// order like their bits) in the low word; value: the Gaussian index. Written at the Gaussian's scanned offset, so
// before sorting the pairs are in Gaussian index order (ties keep it: the sort is stable, like the CPU backend).
extern "C" __global__ void duplicate_keys(int n, const uint32_t* offsets, const int* radius, const int* rect,
                                          const float* depth, int tilesX, unsigned long long* keys, uint32_t* values) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n || radius[i] == 0) return;
    uint32_t o = offsets[i];
    unsigned long long d = (unsigned long long) __float_as_uint(depth[i]);
    int x0 = rect[4 * i], y0 = rect[4 * i + 1], x1 = rect[4 * i + 2], y1 = rect[4 * i + 3];
    for (int ty = y0; ty < y1; ty++) {
        for (int tx = x0; tx < x1; tx++) {
            keys[o] = ((unsigned long long) (ty * tilesX + tx) << 32) | d;
            values[o] = (uint32_t) i;
            o++;
        }
    }
}

// Digit counts of one chunk per block, stored digit-major: hist[digit * numBlocks + block].
extern "C" __global__ void __launch_bounds__(RADIX_THREADS) radix_histogram(const unsigned long long* keys, int n, int shift, uint32_t* hist) {
    __shared__ uint32_t counts[RADIX_DIGITS];
    counts[threadIdx.x] = 0;
    __syncthreads();
    size_t start = (size_t) blockIdx.x * RADIX_CHUNK;
    size_t end = min((size_t) n, start + RADIX_CHUNK);
    for (size_t k = start + threadIdx.x; k < end; k += RADIX_THREADS)
        atomicAdd(&counts[(keys[k] >> shift) & 0xff], 1u);
    __syncthreads();
    hist[(size_t) threadIdx.x * gridDim.x + blockIdx.x] = counts[threadIdx.x];
}

// Stable scatter of one chunk by digit. Items are taken 256 at a time in index order; within a round an item's
// rank among equal digits is its warp's exclusive count (scanned over warps) plus its rank inside the warp.
extern "C" __global__ void __launch_bounds__(RADIX_THREADS) radix_scatter(const unsigned long long* keysIn, const uint32_t* valuesIn,
                                              unsigned long long* keysOut, uint32_t* valuesOut, int n, int shift,
                                              const uint32_t* histScanned) {
    __shared__ uint32_t base[RADIX_DIGITS];
    __shared__ uint32_t warpCount[RADIX_WARPS][RADIX_DIGITS];
    __shared__ uint32_t roundCount[RADIX_DIGITS];
    int t = threadIdx.x, lane = t & 31, warp = t >> 5;
    base[t] = histScanned[(size_t) t * gridDim.x + blockIdx.x];
    for (int w = 0; w < RADIX_WARPS; w++) warpCount[w][t] = 0;
    __syncthreads();
    size_t start = (size_t) blockIdx.x * RADIX_CHUNK;
    size_t end = min((size_t) n, start + RADIX_CHUNK);
    unsigned lowerLanes = (1u << lane) - 1u;
    for (size_t roundStart = start; roundStart < end; roundStart += RADIX_THREADS) {
        size_t idx = roundStart + t;
        bool valid = idx < end;
        unsigned long long key = valid ? keysIn[idx] : 0ull;
        uint32_t digit = (uint32_t) (key >> shift) & 0xffu;
        unsigned active = __ballot_sync(0xffffffffu, valid);
        uint32_t rank = 0;
        if (valid) {
            unsigned peers = __match_any_sync(active, digit);
            rank = __popc(peers & lowerLanes);
            if (rank == 0) warpCount[warp][digit] = __popc(peers);
        }
        __syncthreads();
        uint32_t run = 0;
        for (int w = 0; w < RADIX_WARPS; w++) {
            uint32_t c = warpCount[w][t];
            warpCount[w][t] = run;
            run += c;
        }
        roundCount[t] = run;
        __syncthreads();
        if (valid) {
            uint32_t pos = base[digit] + warpCount[warp][digit] + rank;
            keysOut[pos] = key;
            valuesOut[pos] = valuesIn[idx];
        }
        __syncthreads();
        base[t] += roundCount[t];
        for (int w = 0; w < RADIX_WARPS; w++) warpCount[w][t] = 0;
        __syncthreads();
    }
}

// [start, end) of every tile's run in the sorted keys (ranges zeroed beforehand: empty tiles stay [0, 0)).
extern "C" __global__ void tile_ranges(const unsigned long long* keys, int n, uint32_t* ranges) {
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= n) return;
    uint32_t tile = (uint32_t) (keys[k] >> 32);
    if (k == 0 || (uint32_t) (keys[k - 1] >> 32) != tile) ranges[2 * tile] = k;
    if (k == n - 1 || (uint32_t) (keys[k + 1] >> 32) != tile) ranges[2 * tile + 1] = k + 1;
}
