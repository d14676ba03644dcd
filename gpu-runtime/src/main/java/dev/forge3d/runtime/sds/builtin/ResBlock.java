package dev.forge3d.runtime.sds.builtin;

import ai.djl.ndarray.NDArray;
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
 * A residual block conditioned by FiLM: {@code GN -> SiLU -> conv3x3 -> GN * (1 + scale) + shift -> SiLU -> conv3x3},
 * plus a 1x1 projection of the input when the channel count changes. Inputs: feature map (B, in, H, W) and the
 * conditioning vector (B, condDim) (timestep and prompt). Output: (B, out, H, W).
 */
final class ResBlock extends AbstractBlock {

    private final int in, out, groups;
    private final Conv2d conv1, conv2;
    private final Linear film;
    private final Conv2d skip;

    ResBlock(int in, int out) {
        this.in = in;
        this.out = out;
        this.groups = 8;
        conv1 = addChildBlock("conv1", conv3(out));
        film = addChildBlock("film", Linear.builder().setUnits(2L * out).build());
        conv2 = addChildBlock("conv2", conv3(out));
        skip = in == out ? null : addChildBlock("skip", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build());
    }

    static Conv2d conv3(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0), cond = inputs.get(1);
        NDArray h = GroupNorm.silu(GroupNorm.apply(x, groups));
        h = conv1.forward(ps, new NDList(h), training).singletonOrThrow();
        NDArray ss = film.forward(ps, new NDList(cond), training).singletonOrThrow();   // (B, 2*out)
        long b = ss.getShape().get(0);
        NDArray scale = ss.get(":, 0:" + out).reshape(b, out, 1, 1);
        NDArray shift = ss.get(":, " + out + ":").reshape(b, out, 1, 1);
        h = GroupNorm.apply(h, groups).mul(scale.add(1f)).add(shift);
        h = conv2.forward(ps, new NDList(GroupNorm.silu(h)), training).singletonOrThrow();
        NDArray res = skip == null ? x : skip.forward(ps, new NDList(x), training).singletonOrThrow();
        return new NDList(h.add(res));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0], c = inputShapes[1];
        conv1.initialize(manager, dataType, x);
        film.initialize(manager, dataType, c);
        Shape mid = new Shape(x.get(0), out, x.get(2), x.get(3));
        conv2.initialize(manager, dataType, mid);
        if (skip != null) skip.initialize(manager, dataType, x);
    }

    int inChannels() { return in; }
}
