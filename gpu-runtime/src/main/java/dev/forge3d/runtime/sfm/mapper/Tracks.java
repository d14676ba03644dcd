package dev.forge3d.runtime.sfm.mapper;

import dev.forge3d.runtime.sfm.geometry.TwoViewGeometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature tracks: keypoints linked through verified matches (union-find over all pairs), each track one scene
 * point seen in several images, with at most one keypoint per image.
 */
public final class Tracks {

    /** {@code images[t][k]}, {@code keypoints[t][k]}: the k-th observation of track t. */
    public final int[][] images;
    public final int[][] keypoints;
    /** {@code trackOf[image][keypoint]}: the track of a keypoint, or -1. */
    public final int[][] trackOf;

    private Tracks(int[][] images, int[][] keypoints, int[][] trackOf) {
        this.images = images;
        this.keypoints = keypoints;
        this.trackOf = trackOf;
    }

    public int size() { return images.length; }

    public static Tracks build(int[] featureCounts, List<TwoViewGeometry> pairs) {
        int n = featureCounts.length;
        int[] offset = new int[n + 1];
        for (int i = 0; i < n; i++) offset[i + 1] = offset[i] + featureCounts[i];
        int[] parent = new int[offset[n]];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        boolean[] used = new boolean[offset[n]];
        for (TwoViewGeometry p : pairs) {
            int[] m = p.matches();
            for (int k = 0; k < m.length; k += 2) {
                int ga = offset[p.imageA()] + m[k], gb = offset[p.imageB()] + m[k + 1];
                used[ga] = used[gb] = true;
                union(parent, ga, gb);
            }
        }
        Map<Integer, List<Integer>> groups = new HashMap<>();
        for (int g = 0; g < parent.length; g++) {
            if (used[g]) groups.computeIfAbsent(find(parent, g), x -> new ArrayList<>()).add(g);
        }
        List<int[]> ti = new ArrayList<>(), tk = new ArrayList<>();
        int[][] trackOf = new int[n][];
        for (int i = 0; i < n; i++) { trackOf[i] = new int[featureCounts[i]]; Arrays.fill(trackOf[i], -1); }
        List<Integer> roots = new ArrayList<>(groups.keySet());
        roots.sort(null);
        for (int root : roots) {
            List<Integer> members = groups.get(root);
            if (members.size() < 2) continue;
            // A component with two keypoints in one image is inconsistent somewhere; keep the first keypoint of each
            // image (the mapper's reprojection checks reject a wrong one) rather than losing the whole track.
            int[] im = new int[members.size()], kp = new int[members.size()];
            boolean[] seen = new boolean[n];
            int m = 0;
            for (int g : members) {
                int img = Arrays.binarySearch(offset, g);
                img = img >= 0 ? img : -img - 2;
                while (img + 1 < offset.length && offset[img + 1] == g) img++;
                if (seen[img]) continue;
                seen[img] = true;
                im[m] = img;
                kp[m] = g - offset[img];
                m++;
            }
            if (m < 2) continue;
            im = Arrays.copyOf(im, m);
            kp = Arrays.copyOf(kp, m);
            int t = ti.size();
            ti.add(im);
            tk.add(kp);
            for (int q = 0; q < im.length; q++) trackOf[im[q]][kp[q]] = t;
        }
        return new Tracks(ti.toArray(int[][]::new), tk.toArray(int[][]::new), trackOf);
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) { p[x] = p[p[x]]; x = p[x]; }
        return x;
    }

    private static void union(int[] p, int a, int b) {
        int ra = find(p, a), rb = find(p, b);
        if (ra != rb) { if (ra < rb) p[rb] = ra; else p[ra] = rb; }
    }
}
