package dev.forge3d.runtime.splat.train;

import dev.forge3d.runtime.dataset.View;
import dev.forge3d.runtime.image.ImageMetrics;
import dev.forge3d.runtime.image.RgbImage;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.raster.RasterSettings;
import dev.forge3d.runtime.splat.raster.Rasterizer;

import java.util.ArrayList;
import java.util.List;

/** Held-out evaluation: renders each view, clamps to [0, 1], and scores PSNR and SSIM against the ground truth. */
public final class Evaluation {

    public record ViewScore(String name, double psnr, double ssim) { }

    public record Result(double psnr, double ssim, List<ViewScore> views) { }

    private Evaluation() { }

    public static Result evaluate(GaussianModel model, List<View> views, Rasterizer rasterizer, RasterSettings settings) {
        List<ViewScore> scores = new ArrayList<>();
        double ps = 0, ss = 0;
        for (View v : views) {
            RgbImage img = render(model, v, rasterizer, settings);
            double p = ImageMetrics.psnr(img, v.image()), s = ImageMetrics.ssim(img, v.image());
            scores.add(new ViewScore(v.name(), p, s));
            ps += p;
            ss += s;
        }
        int n = Math.max(1, views.size());
        return new Result(views.isEmpty() ? Double.NaN : ps / n, views.isEmpty() ? Double.NaN : ss / n, scores);
    }

    public static RgbImage render(GaussianModel model, View v, Rasterizer rasterizer, RasterSettings settings) {
        return rasterizer.forward(model, v.camera(), settings).image().clamped();
    }
}
