package dev.forge3d.runtime.splat;

import java.util.Arrays;

/**
 * A table with one row per Gaussian and one flat float array per {@link ParamGroup} (structure of arrays by
 * group). Used for the parameters, their gradients and the optimizer moments, so that densification can grow and
 * shrink them all the same way. Arrays have spare capacity; only the first {@code size} rows are meaningful.
 */
public class GaussianTable {

    protected final float[][] data = new float[ParamGroup.ALL.length][];
    protected int size;

    public GaussianTable(int size) {
        this.size = size;
        int cap = Math.max(16, size);
        for (ParamGroup g : ParamGroup.ALL) data[g.ordinal()] = new float[cap * g.dim];
    }

    public int size() { return size; }

    public int capacity() { return data[0].length / ParamGroup.POSITION.dim; }

    /** The backing array of a group (length >= size * dim). */
    public float[] get(ParamGroup g) { return data[g.ordinal()]; }

    /** Zeroes the first {@code size} rows of every group. */
    public void clear() {
        for (ParamGroup g : ParamGroup.ALL) Arrays.fill(data[g.ordinal()], 0, size * g.dim, 0f);
    }

    /** Resizes to {@code newSize} rows, keeping existing rows; new rows are zero. */
    public void resize(int newSize) {
        if (newSize > capacity()) {
            int cap = Math.max(newSize, capacity() + capacity() / 2);
            for (ParamGroup g : ParamGroup.ALL) data[g.ordinal()] = Arrays.copyOf(data[g.ordinal()], cap * g.dim);
        }
        if (newSize > size) {
            for (ParamGroup g : ParamGroup.ALL) Arrays.fill(data[g.ordinal()], size * g.dim, newSize * g.dim, 0f);
        }
        size = newSize;
    }

    /** Appends a copy of row {@code src}; returns the new row's index. */
    public int appendCopy(int src) {
        int dst = size;
        resize(size + 1);
        for (ParamGroup g : ParamGroup.ALL) {
            float[] a = data[g.ordinal()];
            System.arraycopy(a, src * g.dim, a, dst * g.dim, g.dim);
        }
        return dst;
    }

    /** Keeps the rows where {@code keep[i]} is true, in order. */
    public void compact(boolean[] keep) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (!keep[i]) continue;
            if (n != i) {
                for (ParamGroup g : ParamGroup.ALL) {
                    float[] a = data[g.ordinal()];
                    System.arraycopy(a, i * g.dim, a, n * g.dim, g.dim);
                }
            }
            n++;
        }
        size = n;
    }

    /** Copies all rows of {@code other} (same size after the call). */
    public void copyFrom(GaussianTable other) {
        resize(other.size);
        for (ParamGroup g : ParamGroup.ALL) System.arraycopy(other.data[g.ordinal()], 0, data[g.ordinal()], 0, other.size * g.dim);
    }
}
