package dev.forge3d.runtime.splat.raster.cpu;

/**
 * Binning stage: orders visible Gaussians front to back (LSD radix sort of the depth's float bits, stable, so ties
 * keep index order) and scatters them into per-tile lists, which come out depth-sorted. Equivalent to the
 * reference's sort by (tile, depth) keys. Also assigns each (Gaussian, tile) pair a slot in Gaussian-major order,
 * where the backward pass leaves that tile's gradients for a deterministic reduction.
 */
final class TileBins {
    int[] order = new int[0];      // visible Gaussians by depth
    private int[] orderTmp = new int[0];
    private int[] keys = new int[0], keysTmp = new int[0];
    int[] tileStart = new int[0];  // tileStart[t] .. tileStart[t + 1] index list
    int[] list = new int[0];       // Gaussian ids per tile, front to back
    int visible;
    int instances;

    void build(Projected pr, int n, int tilesX, int tilesY) {
        if (order.length < n) {
            order = new int[n]; orderTmp = new int[n]; keys = new int[n]; keysTmp = new int[n];
        }
        int nv = 0;
        int slot = 0;
        for (int i = 0; i < n; i++) {
            pr.slotOffset[i] = slot;
            if (pr.radius[i] == 0) continue;
            slot += pr.tilesTouched(i);
            keys[nv] = Float.floatToRawIntBits(pr.depth[i]); // positive floats order like their bits
            order[nv++] = i;
        }
        pr.slotOffset[n] = slot;
        visible = nv;
        instances = slot;
        radixSort(nv);

        int nTiles = tilesX * tilesY;
        if (tileStart.length < nTiles + 1) tileStart = new int[nTiles + 1];
        java.util.Arrays.fill(tileStart, 0, nTiles + 1, 0);
        for (int k = 0; k < nv; k++) {
            int i = order[k];
            for (int ty = pr.rectY0[i]; ty < pr.rectY1[i]; ty++)
                for (int tx = pr.rectX0[i]; tx < pr.rectX1[i]; tx++) tileStart[ty * tilesX + tx + 1]++;
        }
        for (int t = 0; t < nTiles; t++) tileStart[t + 1] += tileStart[t];
        if (list.length < instances) list = new int[Math.max(instances, list.length + list.length / 2)];
        int[] fill = keysTmp.length >= nTiles ? keysTmp : new int[nTiles];
        System.arraycopy(tileStart, 0, fill, 0, nTiles);
        for (int k = 0; k < nv; k++) {
            int i = order[k];
            for (int ty = pr.rectY0[i]; ty < pr.rectY1[i]; ty++)
                for (int tx = pr.rectX0[i]; tx < pr.rectX1[i]; tx++) list[fill[ty * tilesX + tx]++] = i;
        }
    }

    private void radixSort(int n) {
        int[] k0 = keys, k1 = keysTmp, v0 = order, v1 = orderTmp;
        int[] count = new int[1 << 11];
        for (int shift = 0; shift < 32; shift += 11) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) count[(k0[i] >>> shift) & 0x7ff]++;
            int sum = 0;
            for (int b = 0; b < count.length; b++) { int c = count[b]; count[b] = sum; sum += c; }
            for (int i = 0; i < n; i++) {
                int d = count[(k0[i] >>> shift) & 0x7ff]++;
                k1[d] = k0[i];
                v1[d] = v0[i];
            }
            int[] t = k0; k0 = k1; k1 = t;
            t = v0; v0 = v1; v1 = t;
        }
        // three passes: the sorted data ended in the temporary arrays
        keys = k0; keysTmp = k1; order = v0; orderTmp = v1;
    }
}
