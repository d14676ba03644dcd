package dev.forge3d.runtime.sds.surface;

/**
 * Cleans the solid of a cubic scalar field in place, so that marching cubes at {@code level} gives one closed outer
 * surface: samples at or above the level are solid; every 6-connected solid piece but the largest is set to 0
 * (floaters), and every non-solid sample the grid's border cannot reach through non-solid samples is set to 1
 * (cavities, whose walls would otherwise be interior shells). A through-hole (a torus's) reaches the border and stays.
 */
final class SolidCleaner {

    record Cleaned(int pieces, int removedSamples, int filledSamples) { }

    private SolidCleaner() { }

    static Cleaned clean(float[] field, int res, float level) {
        int n = field.length;
        int[] label = new int[n];
        int[] queue = new int[n];
        int pieces = 0, best = 0, bestSize = 0;
        for (int s = 0; s < n; s++) {
            if (field[s] < level || label[s] != 0) continue;
            int id = ++pieces, size = fill(field, res, level, true, s, id, label, queue);
            if (size > bestSize) { bestSize = size; best = id; }
        }
        int removed = 0;
        for (int s = 0; s < n; s++) {
            if (label[s] > 0 && label[s] != best) { field[s] = 0; label[s] = 0; removed++; }
        }
        // Outside: everything not solid that the border reaches.
        int outside = -1;
        for (int k = 0; k < res; k++) for (int j = 0; j < res; j++) for (int i = 0; i < res; i++) {
            if (i != 0 && j != 0 && k != 0 && i != res - 1 && j != res - 1 && k != res - 1) continue;
            int s = i + res * (j + res * k);
            if (label[s] == 0) fill(field, res, level, false, s, outside, label, queue);
        }
        int filled = 0;
        for (int s = 0; s < n; s++) {
            if (label[s] == 0) { field[s] = 1; filled++; }
        }
        return new Cleaned(pieces, removed, filled);
    }

    /** Breadth-first 6-connected fill of the solid (or non-solid) samples from {@code seed} that are unlabelled. */
    private static int fill(float[] field, int res, float level, boolean solid, int seed, int id, int[] label, int[] queue) {
        int head = 0, tail = 0, plane = res * res;
        label[seed] = id;
        queue[tail++] = seed;
        while (head < tail) {
            int s = queue[head++];
            int i = s % res, j = (s / res) % res, k = s / plane;
            for (int d = 0; d < 6; d++) {
                int t;
                switch (d) {
                    case 0 -> t = i > 0 ? s - 1 : -1;
                    case 1 -> t = i < res - 1 ? s + 1 : -1;
                    case 2 -> t = j > 0 ? s - res : -1;
                    case 3 -> t = j < res - 1 ? s + res : -1;
                    case 4 -> t = k > 0 ? s - plane : -1;
                    default -> t = k < res - 1 ? s + plane : -1;
                }
                if (t < 0 || label[t] != 0 || (field[t] >= level) != solid) continue;
                label[t] = id;
                queue[tail++] = t;
            }
        }
        return tail;
    }
}
