package dev.forge3d.runtime.dataset;

/**
 * How to load a dataset.
 *
 * @param downscale      integer box-filter factor applied to images and intrinsics on load (1 = full size)
 * @param background     RGB in [0, 1] that transparent pixels are composited over (white for NeRF-synthetic)
 * @param holdOutEvery   every n-th view (index % n == 0) goes to the held-out set; 0 keeps all views for training
 */
public record LoadOptions(int downscale, float[] background, int holdOutEvery) {

    public LoadOptions {
        if (downscale < 1) throw new IllegalArgumentException("--downscale must be >= 1, got " + downscale);
        if (background == null || background.length != 3) throw new IllegalArgumentException("background must be RGB");
        background = background.clone();
        if (holdOutEvery < 0) throw new IllegalArgumentException("hold-out interval must be >= 0");
    }

    public static LoadOptions defaults(int downscale) {
        return new LoadOptions(downscale, new float[] {1, 1, 1}, 8);
    }
}
