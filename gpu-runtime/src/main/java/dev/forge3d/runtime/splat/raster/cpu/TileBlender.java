package dev.forge3d.runtime.splat.raster.cpu;

import dev.forge3d.runtime.splat.raster.RasterConstants;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blending stage for one 16x16 tile: front-to-back alpha compositing (forward) and the reverse traversal that
 * recovers transmittance (backward). Gaussian-major inside the tile: each Gaussian visits only the half-rows (8
 * pixels, one AVX2 vector) that meet its alpha >= 1/255 ellipse's bounding box, which skips most of the tile for
 * small Gaussians. Per pixel the order of operations and the cut-offs are those of the reference rasterizer; the
 * forward and backward share the exact same arithmetic, so the backward sees the same alphas.
 */
final class TileBlender {

    static final int GRAD_STRIDE = 10; // du dv dA dB dC dOpacity dR dG dB dDepth
    private static final int T = RasterConstants.TILE;
    private static final int N = T * T;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector LANE_CENTRE = FloatVector.fromArray(S, new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f}, 0);

    /** 8-pixel row segments evaluated by this thread's forward / backward kernels (benchmark counters). */
    long forwardRows, backwardRows;

    // per-thread scratch, tile-local pixel index = row * 16 + column
    private final float[] tT = new float[N];
    private final float[] cR = new float[N], cG = new float[N], cB = new float[N], cD = new float[N];
    private final float[] lastF = new float[N];
    private final float[] alive = new float[N]; // 1 while the pixel still accumulates, 0 once done
    private final float[] sR = new float[N], sG = new float[N], sB = new float[N], sD = new float[N], sA = new float[N];
    private final float[] acc = new float[8 * GRAD_STRIDE];
    private final float[] gR = new float[N], gG = new float[N], gB = new float[N], gD = new float[N], gA = new float[N];

    /** Sum of the 8 lanes of accumulator k, left to right (deterministic). */
    private float sum8(int k) {
        float s = 0;
        for (int i = 0; i < 8; i++) s += acc[k + i];
        return s;
    }

    /** Output buffers of a render (full image). */
    static final class Frame {
        int width, height;
        float[] rgb, alpha, depth, finalT;
        int[] lastContrib;
        float[] background;
    }

    /**
     * e^x for x <= 0 (inputs below -87 give ~0): Cephes' expf polynomial after range reduction, in plain IEEE
     * arithmetic. Unlike the Vector API's EXP (SVML when compiled, Math.exp per lane before), it gives the same
     * bits interpreted or compiled, so renders and gradients are reproducible run to run.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f);
        FloatVector t = x.mul(1.44269504088896341f).sub(0.5f);
        jdk.incubator.vector.IntVector n = (jdk.incubator.vector.IntVector) t.convert(VectorOperators.F2I, 0); // ceil(t) for t <= 0: round(x log2 e)
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = x.sub(nf.mul(0.693359375f)).sub(nf.mul(-2.12194440e-4f));
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        p = p.mul(r).add(8.3334519073E-3f);
        p = p.mul(r).add(4.1665795894E-2f);
        p = p.mul(r).add(1.6666665459E-1f);
        p = p.mul(r).add(5.0000001201E-1f);
        FloatVector y = p.mul(r).mul(r).add(r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(scale);
    }

    /** power = -0.5 (A dx^2 + C dy^2) - B dx dy for 8 pixels of a row (cdy2 = C dy^2, bdy = B dy). */
    private static FloatVector power(FloatVector dx, float a, float cdy2, float bdy) {
        return dx.mul(a).mul(dx).add(cdy2).mul(-0.5f).sub(dx.mul(bdy));
    }

    void forward(int tile, ViewParams vp, Projected pr, TileBins bins, Frame f) {
        int tx = tile % vp.tilesX, ty = tile / vp.tilesX;
        int x0 = tx * T, y0 = ty * T;
        int tw = Math.min(T, vp.width - x0), th = Math.min(T, vp.height - y0);
        int pixels = tw * th;
        for (int p = 0; p < N; p++) {
            tT[p] = 1f; cR[p] = 0; cG[p] = 0; cB[p] = 0; cD[p] = 0; lastF[p] = 0;
            alive[p] = (p >> 4) >= th || (p & 15) >= tw ? 0f : 1f; // pixels outside the image never blend
        }
        int doneCount = 0;
        int start = bins.tileStart[tile], end = bins.tileStart[tile + 1];
        for (int j = start; j < end && doneCount < pixels; j++) {
            int g = bins.list[j];
            float ex = pr.extX[g];
            if (ex < 0) continue;
            float u = pr.u[g], v = pr.v[g], ey = pr.extY[g];
            int xa = Math.max(x0, (int) Math.ceil(u - ex - 0.5f) - 1), xb = Math.min(x0 + tw - 1, (int) Math.floor(u + ex - 0.5f) + 1);
            int ya = Math.max(y0, (int) Math.ceil(v - ey - 0.5f) - 1), yb = Math.min(y0 + th - 1, (int) Math.floor(v + ey - 0.5f) + 1);
            if (xa > xb || ya > yb) continue;
            int h0 = (xa - x0) >> 3, h1 = (xb - x0) >> 3;
            float A = pr.conA[g], B = pr.conB[g], C = pr.conC[g], o = pr.opacity[g], z = pr.depth[g];
            float r = pr.colour[3 * g], gg = pr.colour[3 * g + 1], b = pr.colour[3 * g + 2];
            float rel = j - start + 1;
            for (int py = ya; py <= yb; py++) {
                float dy = v - (py + 0.5f);
                float cdy2 = C * dy * dy, bdy = B * dy;
                for (int h = h0; h <= h1; h++) {
                    doneCount += forwardRow((py - y0) * T + h * L, u - (x0 + h * L), A, cdy2, bdy, o, r, gg, b, z, rel);
                }
            }
        }
        int plane = vp.width * vp.height;
        float[] bg = f.background;
        for (int ly = 0; ly < th; ly++) {
            for (int lx = 0; lx < tw; lx++) {
                int p = ly * T + lx;
                int pix = (y0 + ly) * vp.width + x0 + lx;
                float t = tT[p];
                f.rgb[pix] = cR[p] + t * bg[0];
                f.rgb[plane + pix] = cG[p] + t * bg[1];
                f.rgb[2 * plane + pix] = cB[p] + t * bg[2];
                f.alpha[pix] = 1 - t;
                f.depth[pix] = cD[p];
                f.finalT[pix] = t;
                f.lastContrib[pix] = (int) lastF[p];
            }
        }
    }

    /** Blends one Gaussian into 8 pixels of a row (tile index p); returns how many of them just saturated. */
    private int forwardRow(int p, float dx0, float A, float cdy2, float bdy, float o, float r, float gg, float b, float z, float rel) {
        forwardRows++;
        FloatVector dx = FloatVector.broadcast(S, dx0).sub(LANE_CENTRE);
        FloatVector power = power(dx, A, cdy2, bdy);
        FloatVector alpha = exp(power).mul(o).min(RasterConstants.ALPHA_MAX);
        FloatVector aliveV = FloatVector.fromArray(S, alive, p);
        VectorMask<Float> ok = power.compare(VectorOperators.LE, 0f)
                .and(alpha.compare(VectorOperators.GE, RasterConstants.ALPHA_MIN))
                .and(aliveV.compare(VectorOperators.GT, 0f));
        if (!ok.anyTrue()) return 0;
        FloatVector t = FloatVector.fromArray(S, tT, p);
        FloatVector testT = t.mul(alpha.neg().add(1f));
        VectorMask<Float> stop = ok.and(testT.compare(VectorOperators.LT, RasterConstants.T_MIN));
        VectorMask<Float> contrib = ok;
        int stopped = 0;
        if (stop.anyTrue()) {
            aliveV.blend(0f, stop).intoArray(alive, p);
            stopped = stop.trueCount();
            contrib = ok.andNot(stop);
        }
        FloatVector w = ZERO.blend(alpha.mul(t), contrib);
        FloatVector.fromArray(S, cR, p).add(w.mul(r)).intoArray(cR, p);
        FloatVector.fromArray(S, cG, p).add(w.mul(gg)).intoArray(cG, p);
        FloatVector.fromArray(S, cB, p).add(w.mul(b)).intoArray(cB, p);
        FloatVector.fromArray(S, cD, p).add(w.mul(z)).intoArray(cD, p);
        t.blend(testT, contrib).intoArray(tT, p);
        FloatVector.fromArray(S, lastF, p).blend(rel, contrib).intoArray(lastF, p);
        return stopped;
    }

    void backward(int tile, ViewParams vp, Projected pr, TileBins bins, Frame f,
                  float[] dRgb, float[] dAlpha, float[] dDepth, float[] slotGrad) {
        int tx = tile % vp.tilesX, ty = tile / vp.tilesX;
        int x0 = tx * T, y0 = ty * T;
        int tw = Math.min(T, vp.width - x0), th = Math.min(T, vp.height - y0);
        int plane = vp.width * vp.height;
        float[] bg = f.background;
        int maxLast = 0;
        for (int p = 0; p < N; p++) { lastF[p] = 0; tT[p] = 1; sR[p] = sG[p] = sB[p] = sD[p] = sA[p] = 0; gR[p] = gG[p] = gB[p] = gD[p] = gA[p] = 0; }
        for (int ly = 0; ly < th; ly++) {
            for (int lx = 0; lx < tw; lx++) {
                int p = ly * T + lx;
                int pix = (y0 + ly) * vp.width + x0 + lx;
                float t = f.finalT[pix];
                tT[p] = t;
                int last = f.lastContrib[pix];
                lastF[p] = last;
                maxLast = Math.max(maxLast, last);
                sR[p] = t * bg[0]; sG[p] = t * bg[1]; sB[p] = t * bg[2];
                gR[p] = dRgb[pix]; gG[p] = dRgb[plane + pix]; gB[p] = dRgb[2 * plane + pix];
                if (dAlpha != null) gA[p] = dAlpha[pix];
                if (dDepth != null) gD[p] = dDepth[pix];
            }
        }
        boolean rgbOnly = dAlpha == null && dDepth == null;
        int start = bins.tileStart[tile], end = bins.tileStart[tile + 1];
        for (int j = end - 1; j >= start; j--) {
            int g = bins.list[j];
            int slot = (pr.slotOffset[g] + (ty - pr.rectY0[g]) * (pr.rectX1[g] - pr.rectX0[g]) + (tx - pr.rectX0[g])) * GRAD_STRIDE;
            int rel = j - start; // contributes to pixels whose last contributor (1-based) is beyond rel
            float ex = pr.extX[g];
            int xa = 0, xb = -1, ya = 0, yb = -1;
            float u = pr.u[g], v = pr.v[g];
            if (rel < maxLast && ex >= 0) {
                float ey = pr.extY[g];
                xa = Math.max(x0, (int) Math.ceil(u - ex - 0.5f) - 1); xb = Math.min(x0 + tw - 1, (int) Math.floor(u + ex - 0.5f) + 1);
                ya = Math.max(y0, (int) Math.ceil(v - ey - 0.5f) - 1); yb = Math.min(y0 + th - 1, (int) Math.floor(v + ey - 0.5f) + 1);
            }
            if (xa > xb || ya > yb) {
                for (int k = 0; k < GRAD_STRIDE; k++) slotGrad[slot + k] = 0f;
                continue;
            }
            java.util.Arrays.fill(acc, 0f);
            float A = pr.conA[g], B = pr.conB[g], C = pr.conC[g], o = pr.opacity[g], z = pr.depth[g];
            float r = pr.colour[3 * g], gg = pr.colour[3 * g + 1], b = pr.colour[3 * g + 2];
            float relF = rel;
            int h0 = (xa - x0) >> 3, h1 = (xb - x0) >> 3;
            for (int py = ya; py <= yb; py++) {
                float dy = v - (py + 0.5f);
                float cdy2 = C * dy * dy, bdy = B * dy;
                for (int h = h0; h <= h1; h++) {
                    if (rgbOnly) backwardRowRgb((py - y0) * T + h * L, u - (x0 + h * L), dy, A, B, C, cdy2, bdy, o, r, gg, b, z, relF);
                    else backwardRow((py - y0) * T + h * L, u - (x0 + h * L), dy, A, B, C, cdy2, bdy, o, r, gg, b, z, relF);
                }
            }
            slotGrad[slot] = sum8(0);
            slotGrad[slot + 1] = sum8(8);
            slotGrad[slot + 2] = sum8(16);
            slotGrad[slot + 3] = sum8(24);
            slotGrad[slot + 4] = sum8(32);
            slotGrad[slot + 5] = sum8(40);
            slotGrad[slot + 6] = sum8(48);
            slotGrad[slot + 7] = sum8(56);
            slotGrad[slot + 8] = sum8(64);
            slotGrad[slot + 9] = sum8(72);
        }
    }

    /** Backward of one Gaussian over 8 pixels of a row; adds into the accumulator vectors in {@code acc}. */
    private void backwardRow(int p, float dx0, float dy, float A, float B, float C, float cdy2, float bdy, float o,
                             float r, float gg, float b, float z, float relF) {
        backwardRows++;
        FloatVector dx = FloatVector.broadcast(S, dx0).sub(LANE_CENTRE);
        FloatVector power = power(dx, A, cdy2, bdy);
        FloatVector G = exp(power);
        FloatVector oG = G.mul(o);
        FloatVector alpha = oG.min(RasterConstants.ALPHA_MAX);
        VectorMask<Float> act = power.compare(VectorOperators.LE, 0f)
                .and(alpha.compare(VectorOperators.GE, RasterConstants.ALPHA_MIN))
                .and(FloatVector.fromArray(S, lastF, p).compare(VectorOperators.GT, relF));
        if (!act.anyTrue()) return;
        FloatVector oneMinus = alpha.neg().add(1f);
        FloatVector ti = FloatVector.fromArray(S, tT, p).div(oneMinus);
        FloatVector w = ZERO.blend(alpha.mul(ti), act);
        FloatVector pr0 = FloatVector.fromArray(S, gR, p), pg0 = FloatVector.fromArray(S, gG, p), pb0 = FloatVector.fromArray(S, gB, p);
        FloatVector pd0 = FloatVector.fromArray(S, gD, p), pa0 = FloatVector.fromArray(S, gA, p);
        FloatVector aR = w.mul(pr0);
        FloatVector aG = w.mul(pg0);
        FloatVector aBl = w.mul(pb0);
        FloatVector aZ = w.mul(pd0);
        FloatVector inv = FloatVector.broadcast(S, 1f).div(oneMinus);
        FloatVector vsR = FloatVector.fromArray(S, sR, p), vsG = FloatVector.fromArray(S, sG, p), vsB = FloatVector.fromArray(S, sB, p);
        FloatVector vsD = FloatVector.fromArray(S, sD, p), vsA = FloatVector.fromArray(S, sA, p);
        FloatVector dLdAlpha = pr0.mul(ti.mul(r).sub(vsR.mul(inv)))
                .add(pg0.mul(ti.mul(gg).sub(vsG.mul(inv))))
                .add(pb0.mul(ti.mul(b).sub(vsB.mul(inv))))
                .add(pd0.mul(ti.mul(z).sub(vsD.mul(inv))))
                .add(pa0.mul(ti.sub(vsA.mul(inv))));
        vsR.add(w.mul(r)).intoArray(sR, p);
        vsG.add(w.mul(gg)).intoArray(sG, p);
        vsB.add(w.mul(b)).intoArray(sB, p);
        vsD.add(w.mul(z)).intoArray(sD, p);
        vsA.add(w).intoArray(sA, p);
        FloatVector.fromArray(S, tT, p).blend(ti, act).intoArray(tT, p);
        VectorMask<Float> smooth = act.and(oG.compare(VectorOperators.LE, RasterConstants.ALPHA_MAX)); // the clamp has zero gradient
        FloatVector dLdAlphaS = ZERO.blend(dLdAlpha, smooth);
        FloatVector aO = G.mul(dLdAlphaS);
        FloatVector gl = dLdAlphaS.mul(o).mul(G); // dL/dpower
        FloatVector aU = gl.mul(dx.mul(A).add(bdy)).neg();
        FloatVector aV = gl.mul(dx.mul(B).add(C * dy)).neg();
        FloatVector aA = gl.mul(dx.mul(dx).mul(0.5f)).neg();
        FloatVector aB = gl.mul(dx.mul(dy)).neg();
        FloatVector aC = gl.mul(0.5f * dy * dy).neg();
        FloatVector.fromArray(S, acc, 0).add(aU).intoArray(acc, 0);
        FloatVector.fromArray(S, acc, 8).add(aV).intoArray(acc, 8);
        FloatVector.fromArray(S, acc, 16).add(aA).intoArray(acc, 16);
        FloatVector.fromArray(S, acc, 24).add(aB).intoArray(acc, 24);
        FloatVector.fromArray(S, acc, 32).add(aC).intoArray(acc, 32);
        FloatVector.fromArray(S, acc, 40).add(aO).intoArray(acc, 40);
        FloatVector.fromArray(S, acc, 48).add(aR).intoArray(acc, 48);
        FloatVector.fromArray(S, acc, 56).add(aG).intoArray(acc, 56);
        FloatVector.fromArray(S, acc, 64).add(aBl).intoArray(acc, 64);
        FloatVector.fromArray(S, acc, 72).add(aZ).intoArray(acc, 72);
    }

    /** As {@link #backwardRow} when only dL/dRGB is given (training): no depth and alpha channels; adds into the accumulator vectors in {@code acc}. */
    private void backwardRowRgb(int p, float dx0, float dy, float A, float B, float C, float cdy2, float bdy, float o,
                             float r, float gg, float b, float z, float relF) {
        backwardRows++;
        FloatVector dx = FloatVector.broadcast(S, dx0).sub(LANE_CENTRE);
        FloatVector power = power(dx, A, cdy2, bdy);
        FloatVector G = exp(power);
        FloatVector oG = G.mul(o);
        FloatVector alpha = oG.min(RasterConstants.ALPHA_MAX);
        VectorMask<Float> act = power.compare(VectorOperators.LE, 0f)
                .and(alpha.compare(VectorOperators.GE, RasterConstants.ALPHA_MIN))
                .and(FloatVector.fromArray(S, lastF, p).compare(VectorOperators.GT, relF));
        if (!act.anyTrue()) return;
        FloatVector oneMinus = alpha.neg().add(1f);
        FloatVector ti = FloatVector.fromArray(S, tT, p).div(oneMinus);
        FloatVector w = ZERO.blend(alpha.mul(ti), act);
        FloatVector pr0 = FloatVector.fromArray(S, gR, p), pg0 = FloatVector.fromArray(S, gG, p), pb0 = FloatVector.fromArray(S, gB, p);
        FloatVector aR = w.mul(pr0);
        FloatVector aG = w.mul(pg0);
        FloatVector aBl = w.mul(pb0);
        FloatVector inv = FloatVector.broadcast(S, 1f).div(oneMinus);
        FloatVector vsR = FloatVector.fromArray(S, sR, p), vsG = FloatVector.fromArray(S, sG, p), vsB = FloatVector.fromArray(S, sB, p);
        FloatVector dLdAlpha = pr0.mul(ti.mul(r).sub(vsR.mul(inv)))
                .add(pg0.mul(ti.mul(gg).sub(vsG.mul(inv))))
                .add(pb0.mul(ti.mul(b).sub(vsB.mul(inv))));
        vsR.add(w.mul(r)).intoArray(sR, p);
        vsG.add(w.mul(gg)).intoArray(sG, p);
        vsB.add(w.mul(b)).intoArray(sB, p);
        FloatVector.fromArray(S, tT, p).blend(ti, act).intoArray(tT, p);
        VectorMask<Float> smooth = act.and(oG.compare(VectorOperators.LE, RasterConstants.ALPHA_MAX)); // the clamp has zero gradient
        FloatVector dLdAlphaS = ZERO.blend(dLdAlpha, smooth);
        FloatVector aO = G.mul(dLdAlphaS);
        FloatVector gl = dLdAlphaS.mul(o).mul(G); // dL/dpower
        FloatVector aU = gl.mul(dx.mul(A).add(bdy)).neg();
        FloatVector aV = gl.mul(dx.mul(B).add(C * dy)).neg();
        FloatVector aA = gl.mul(dx.mul(dx).mul(0.5f)).neg();
        FloatVector aB = gl.mul(dx.mul(dy)).neg();
        FloatVector aC = gl.mul(0.5f * dy * dy).neg();
        FloatVector.fromArray(S, acc, 0).add(aU).intoArray(acc, 0);
        FloatVector.fromArray(S, acc, 8).add(aV).intoArray(acc, 8);
        FloatVector.fromArray(S, acc, 16).add(aA).intoArray(acc, 16);
        FloatVector.fromArray(S, acc, 24).add(aB).intoArray(acc, 24);
        FloatVector.fromArray(S, acc, 32).add(aC).intoArray(acc, 32);
        FloatVector.fromArray(S, acc, 40).add(aO).intoArray(acc, 40);
        FloatVector.fromArray(S, acc, 48).add(aR).intoArray(acc, 48);
        FloatVector.fromArray(S, acc, 56).add(aG).intoArray(acc, 56);
        FloatVector.fromArray(S, acc, 64).add(aBl).intoArray(acc, 64);
    }
}
