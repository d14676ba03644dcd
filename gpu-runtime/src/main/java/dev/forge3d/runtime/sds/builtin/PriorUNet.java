package dev.forge3d.runtime.sds.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The built-in prior's denoiser: a small text-conditioned UNet predicting the noise ε of a DDPM. Three resolutions
 * (S, S/2, S/4) with one FiLM residual block each way and skip connections. Inputs: noisy images (B, 3, S, S) in
 * [-1, 1], the sinusoidal timestep embedding (B, {@link #TIME_DIM}) and the prompt embedding (B, textDim), all zeros
 * for the unconditional branch of classifier-free guidance. Output: ε̂ (B, 3, S, S).
 */
public final class PriorUNet extends AbstractBlock {

    public static final int TIME_DIM = 64;
    static final int COND_DIM = 128;

    private final int c1, c2, c3;
    private final Linear time1, time2, text;
    private final Conv2d convIn, down1, down2, convOut;
    private final ResBlock enc1, enc2, enc3, mid, dec3, dec2, dec1;

    /** @param base channels at full resolution (then 2x and 3x at the lower ones) */
    public PriorUNet(int base) {
        c1 = base; c2 = 2 * base; c3 = 3 * base;
        time1 = addChildBlock("time1", Linear.builder().setUnits(COND_DIM).build());
        time2 = addChildBlock("time2", Linear.builder().setUnits(COND_DIM).build());
        text = addChildBlock("text", Linear.builder().setUnits(COND_DIM).build());
        convIn = addChildBlock("convIn", ResBlock.conv3(c1));
        enc1 = addChildBlock("enc1", new ResBlock(c1, c1));
        down1 = addChildBlock("down1", strided(c1));
        enc2 = addChildBlock("enc2", new ResBlock(c1, c2));
        down2 = addChildBlock("down2", strided(c2));
        enc3 = addChildBlock("enc3", new ResBlock(c2, c3));
        mid = addChildBlock("mid", new ResBlock(c3, c3));
        dec3 = addChildBlock("dec3", new ResBlock(2 * c3, c3));
        dec2 = addChildBlock("dec2", new ResBlock(c3 + c2, c2));
        dec1 = addChildBlock("dec1", new ResBlock(c2 + c1, c1));
        convOut = addChildBlock("convOut", ResBlock.conv3(3));
    }

    private static Conv2d strided(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optStride(new Shape(2, 2)).setFilters(filters).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0), temb = inputs.get(1), txt = inputs.get(2);
        NDArray t = GroupNorm.silu(time1.forward(ps, new NDList(temb), training).singletonOrThrow());
        t = time2.forward(ps, new NDList(t), training).singletonOrThrow();
        NDArray c = GroupNorm.silu(t.add(text.forward(ps, new NDList(txt), training).singletonOrThrow()));
        NDArray h0 = one(convIn, ps, x, training);
        NDArray h1 = res(enc1, ps, h0, c, training);
        NDArray h2 = res(enc2, ps, one(down1, ps, h1, training), c, training);
        NDArray h3 = res(enc3, ps, one(down2, ps, h2, training), c, training);
        NDArray m = res(mid, ps, h3, c, training);
        NDArray u3 = res(dec3, ps, NDArrays.concat(new NDList(m, h3), 1), c, training);
        NDArray u2 = res(dec2, ps, NDArrays.concat(new NDList(upsample(u3), h2), 1), c, training);
        NDArray u1 = res(dec1, ps, NDArrays.concat(new NDList(upsample(u2), h1), 1), c, training);
        return new NDList(one(convOut, ps, GroupNorm.silu(GroupNorm.apply(u1, 8)), training));
    }

    private static NDArray one(Conv2d conv, ParameterStore ps, NDArray x, boolean training) {
        return conv.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    private static NDArray res(ResBlock b, ParameterStore ps, NDArray x, NDArray c, boolean training) {
        return b.forward(ps, new NDList(x, c), training).singletonOrThrow();
    }

    /** Nearest-neighbour 2x upsampling. */
    static NDArray upsample(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long b = x.get(0), s = x.get(2);
        time1.initialize(manager, dataType, inputShapes[1]);
        time2.initialize(manager, dataType, new Shape(b, COND_DIM));
        text.initialize(manager, dataType, inputShapes[2]);
        Shape cond = new Shape(b, COND_DIM);
        convIn.initialize(manager, dataType, x);
        enc1.initialize(manager, dataType, new Shape(b, c1, s, s), cond);
        down1.initialize(manager, dataType, new Shape(b, c1, s, s));
        enc2.initialize(manager, dataType, new Shape(b, c1, s / 2, s / 2), cond);
        down2.initialize(manager, dataType, new Shape(b, c2, s / 2, s / 2));
        enc3.initialize(manager, dataType, new Shape(b, c2, s / 4, s / 4), cond);
        mid.initialize(manager, dataType, new Shape(b, c3, s / 4, s / 4), cond);
        dec3.initialize(manager, dataType, new Shape(b, 2 * c3, s / 4, s / 4), cond);
        dec2.initialize(manager, dataType, new Shape(b, c3 + c2, s / 2, s / 2), cond);
        dec1.initialize(manager, dataType, new Shape(b, c2 + c1, s, s), cond);
        convOut.initialize(manager, dataType, new Shape(b, c1, s, s));
    }

    /** DDPM's sinusoidal timestep embedding, (count, TIME_DIM) row-major. */
    public static float[] timeEmbedding(int[] timesteps) {
        int half = TIME_DIM / 2;
        float[] out = new float[timesteps.length * TIME_DIM];
        for (int i = 0; i < timesteps.length; i++) {
            for (int k = 0; k < half; k++) {
                double freq = Math.exp(-Math.log(10000) * k / half);
                double a = timesteps[i] * freq;
                out[i * TIME_DIM + k] = (float) Math.sin(a);
                out[i * TIME_DIM + half + k] = (float) Math.cos(a);
            }
        }
        return out;
    }
}
