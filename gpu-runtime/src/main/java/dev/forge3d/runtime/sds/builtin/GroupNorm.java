package dev.forge3d.runtime.sds.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Group normalisation without affine parameters (the FiLM conditioning supplies scale and shift). */
final class GroupNorm {

    private GroupNorm() { }

    static NDArray apply(NDArray x, int groups) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDArray g = x.reshape(b, groups, (c / groups) * h * w);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        return centred.div(var.add(1e-5f).sqrt()).reshape(s);
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
