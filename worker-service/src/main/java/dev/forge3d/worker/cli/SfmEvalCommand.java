package dev.forge3d.worker.cli;

import dev.forge3d.runtime.camera.Pose;
import dev.forge3d.runtime.sfm.eval.GroundTruthCameras;
import dev.forge3d.runtime.sfm.eval.PoseEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forge3d sfm-eval}: pose accuracy of a COLMAP model against ground-truth cameras. */
@Command(name = "sfm-eval", mixinStandardHelpOptions = true,
        description = {"Compares the cameras of a COLMAP text model with ground truth (Strecha gt_dense_cameras or another COLMAP model)",
            "after a similarity (Umeyama) alignment of the camera centres; prints median rotation error (degrees) and",
            "centre error as a fraction of the scene extent (bounding-box diagonal of the true centres)."})
public final class SfmEvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A COLMAP text model: the folder with images.txt, or an sfm output folder (uses sparse/0).")
    Path model;

    @Option(names = "--gt", required = true, paramLabel = "DIR",
            description = "Ground truth: a folder of Strecha .camera files, or a COLMAP text model folder.")
    Path gt;

    @Option(names = "--per-image", description = "Also print each image's errors.")
    boolean perImage;

    @Override
    public Integer call() {
        Map<String, Pose> est = GroundTruthCameras.readColmapImages(modelDir(model));
        Map<String, Pose> truth = Files.isRegularFile(gt.resolve("images.txt")) || Files.isDirectory(gt.resolve("sparse"))
                ? GroundTruthCameras.readColmapImages(modelDir(gt)) : GroundTruthCameras.readStrecha(gt);
        PoseEvaluation.Report r = PoseEvaluation.evaluate(est, truth);
        if (perImage) {
            for (PoseEvaluation.ImageError e : r.images()) {
                System.out.printf(Locale.ROOT, "%-20s rotation %.4f deg  centre %.4f%%%n", e.name(), e.rotationDeg(), 100 * e.centreFraction());
            }
        }
        System.out.printf(Locale.ROOT, "registered %d/%d%s%n", r.images().size(), r.images().size() + r.missing().size(),
                r.missing().isEmpty() ? "" : " (missing: " + String.join(", ", r.missing()) + ")");
        System.out.printf(Locale.ROOT, "median rotation error %.4f deg (max %.4f)%n", r.medianRotationDeg(), r.maxRotationDeg());
        System.out.printf(Locale.ROOT, "median centre error %.4f%% of scene extent (max %.4f%%)%n",
                100 * r.medianCentreFraction(), 100 * r.maxCentreFraction());
        return 0;
    }

    private static Path modelDir(Path p) {
        if (Files.isRegularFile(p.resolve("images.txt"))) return p;
        Path s = p.resolve("sparse").resolve("0");
        if (Files.isRegularFile(s.resolve("images.txt"))) return s;
        throw new IllegalArgumentException("no COLMAP text model (images.txt) in " + p + " or " + s);
    }
}
