package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.camera.Camera;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NerfSyntheticLoaderTest {

    /** A camera at (0, -4, 0) in OpenGL convention looking at the origin (Blender's front view: y up -> z up world). */
    static final String FRAME_MATRIX = "[[1,0,0,0],[0,0,-1,-4],[0,1,0,0],[0,0,0,1]]";

    private static void writeScene(Path dir, int frames) throws Exception {
        Files.createDirectories(dir.resolve("train"));
        StringBuilder sb = new StringBuilder("{\"camera_angle_x\": 0.6911112070083618, \"frames\": [");
        for (int i = 0; i < frames; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"file_path\": \"./train/r_").append(i).append("\", \"transform_matrix\": ").append(FRAME_MATRIX).append('}');
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) {
                int a = x < 4 ? 0 : 255; // left half transparent, right half opaque red
                img.setRGB(x, y, (a << 24) | (200 << 16));
            }
            ImageIO.write(img, "png", dir.resolve("train/r_" + i + ".png").toFile());
        }
        sb.append("]}");
        Files.writeString(dir.resolve("transforms_train.json"), sb.toString());
    }

    @Test
    void convertsOpenGlCameraToWorldToOpenCvWorldToCamera(@TempDir Path dir) throws Exception {
        writeScene(dir, 1);
        SceneDataset ds = NerfSyntheticLoader.load(dir, new LoadOptions(1, new float[] {1, 1, 1}, 0));
        Camera cam = ds.train().get(0).camera();
        assertThat(cam.pose().centre()).containsExactly(new double[] {0, -4, 0}, org.assertj.core.data.Offset.offset(1e-12));
        // the origin is 4 in front of the camera (OpenCV: +z forward)
        double[] o = cam.pose().apply(new double[] {0, 0, 0});
        assertThat(o[2]).isCloseTo(4, org.assertj.core.data.Offset.offset(1e-12));
        // world +z (up in Blender) is image up, i.e. OpenCV -y; world +x is image right (+x)
        double[] up = cam.pose().apply(new double[] {0, 0, 1});
        assertThat(up[1] - o[1]).isCloseTo(-1, org.assertj.core.data.Offset.offset(1e-12));
        double[] right = cam.pose().apply(new double[] {1, 0, 0});
        assertThat(right[0] - o[0]).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
        // focal length from camera_angle_x, principal point at the centre
        assertThat(cam.intrinsics().fx()).isCloseTo(4 / Math.tan(0.6911112070083618 / 2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cam.intrinsics().cx()).isEqualTo(4);
    }

    @Test
    void compositesAlphaOnTheBackgroundAndDownscales(@TempDir Path dir) throws Exception {
        writeScene(dir, 1);
        SceneDataset ds = NerfSyntheticLoader.load(dir, new LoadOptions(2, new float[] {1, 1, 1}, 0));
        View v = ds.train().get(0);
        assertThat(v.image().width()).isEqualTo(4);
        assertThat(v.camera().intrinsics().fx()).isCloseTo(2 / Math.tan(0.6911112070083618 / 2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(v.image().get(0, 0, 0)).isEqualTo(1f);              // transparent -> white
        assertThat(v.image().get(1, 0, 0)).isEqualTo(1f);
        assertThat(v.image().get(0, 3, 0)).isCloseTo(200 / 255f, org.assertj.core.data.Offset.offset(1e-6f)); // opaque red
        assertThat(v.image().get(1, 3, 0)).isZero();
    }

    @Test
    void holdsOutEveryEighthView(@TempDir Path dir) throws Exception {
        writeScene(dir, 17);
        SceneDataset ds = NerfSyntheticLoader.load(dir, LoadOptions.defaults(1));
        assertThat(ds.test()).extracting(View::name).containsExactly("r_0", "r_8", "r_16");
        assertThat(ds.train()).hasSize(14);
    }

    @Test
    void missingImageIsAClearError(@TempDir Path dir) throws Exception {
        writeScene(dir, 2);
        Files.delete(dir.resolve("train/r_1.png"));
        assertThatThrownBy(() -> DatasetLoader.load(dir, LoadOptions.defaults(1))).hasMessageContaining("image missing").hasMessageContaining("r_1.png");
        assertThatThrownBy(() -> DatasetLoader.load(dir.resolve("nope"), LoadOptions.defaults(1))).hasMessageContaining("not found");
    }
}
