package dev.forge3d.runtime.dataset;

import dev.forge3d.runtime.dataset.colmap.ColmapDatasetLoader;
import dev.forge3d.runtime.dataset.colmap.ColmapModel;
import dev.forge3d.runtime.dataset.colmap.ColmapModelReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class ColmapModelReaderTest {

    static final double[] Q = {0.9238795325112867, 0, 0.3826834323650898, 0}; // 45 degrees about y

    private static void writeText(Path dir, String cameraLine) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cameras.txt"), "# Camera list\n" + cameraLine + "\n");
        Files.writeString(dir.resolve("images.txt"), "# Image list\n"
                + "1 " + Q[0] + " " + Q[1] + " " + Q[2] + " " + Q[3] + " 0.5 -0.25 2 1 b.png\n"
                + "\n"   // an image without 2D points: the POINTS2D line is empty
                + "2 1 0 0 0 0 0 0 1 a.png\n"
                + "10.0 20.0 1 11.0 21.0 -1\n");
        Files.writeString(dir.resolve("points3D.txt"), "# 3D point list\n1 0.1 0.2 0.3 255 0 51 0.5 1 0 2 0\n");
    }

    private static void writeBinary(Path dir) throws Exception {
        Files.createDirectories(dir);
        ByteBuffer c = ByteBuffer.allocate(8 + 4 + 4 + 8 + 8 + 4 * 8).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(1).putInt(1).putInt(1).putLong(640).putLong(480).putDouble(500).putDouble(510).putDouble(320).putDouble(240);
        Files.write(dir.resolve("cameras.bin"), c.array());
        ByteArrayOutputStream im = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2);
        im.write(h.array());
        im.write(imageRecord(1, Q, new double[] {0.5, -0.25, 2}, "b.png", 0));
        im.write(imageRecord(2, new double[] {1, 0, 0, 0}, new double[] {0, 0, 0}, "a.png", 2));
        Files.write(dir.resolve("images.bin"), im.toByteArray());
        ByteBuffer p = ByteBuffer.allocate(8 + 8 + 24 + 3 + 8 + 8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        p.putLong(1).putLong(1).putDouble(0.1).putDouble(0.2).putDouble(0.3).put((byte) 255).put((byte) 0).put((byte) 51)
                .putDouble(0.5).putLong(2).putInt(1).putInt(0).putInt(2).putInt(0);
        Files.write(dir.resolve("points3D.bin"), p.array());
    }

    private static byte[] imageRecord(int id, double[] q, double[] t, String name, int points) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 56 + 4 + n.length + 1 + 8 + points * 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(id);
        for (double v : q) b.putDouble(v);
        for (double v : t) b.putDouble(v);
        b.putInt(1).put(n).put((byte) 0).putLong(points);
        for (int i = 0; i < points; i++) b.putDouble(i).putDouble(i).putLong(-1);
        return b.array();
    }

    private static void check(ColmapModel m) {
        assertThat(m.cameras()).hasSize(1);
        ColmapModel.CameraModel cam = m.cameras().get(1);
        assertThat(cam.model()).isEqualTo("PINHOLE");
        assertThat(cam.params()).containsExactly(500, 510, 320, 240);
        assertThat(m.images()).hasSize(2);
        ColmapModel.Image b = m.images().get(0);
        assertThat(b.name()).isEqualTo("b.png");
        assertThat(b.pose().quaternion()).containsExactly(Q, offset(1e-12));
        assertThat(b.pose().translation()).containsExactly(0.5, -0.25, 2);
        assertThat(m.points()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(m.colours()).containsExactly(1f, 0f, 0.2f);
    }

    @Test
    void readsTextModels(@TempDir Path dir) throws Exception {
        writeText(dir, "1 PINHOLE 640 480 500 510 320 240");
        check(ColmapModelReader.read(dir));
    }

    @Test
    void readsBinaryModels(@TempDir Path dir) throws Exception {
        writeBinary(dir);
        check(ColmapModelReader.read(dir));
    }

    @Test
    void loadsAPinholeSceneSortedByNameAndRejectsDistortedCameras(@TempDir Path dir) throws Exception {
        writeText(dir.resolve("sparse/0"), "1 SIMPLE_PINHOLE 640 480 500 320 240");
        Files.createDirectories(dir.resolve("images"));
        for (String n : new String[] {"a.png", "b.png"}) ImageIO.write(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("images/" + n).toFile());
        SceneDataset ds = DatasetLoader.load(dir, new LoadOptions(4, new float[] {1, 1, 1}, 0));
        assertThat(ds.train()).extracting(View::name).containsExactly("a.png", "b.png");
        assertThat(ds.train().get(0).camera().intrinsics().fx()).isEqualTo(125);
        assertThat(ds.train().get(0).image().width()).isEqualTo(160);
        assertThat(ds.hasPoints()).isTrue();

        writeText(dir.resolve("sparse/0"), "1 OPENCV 640 480 500 500 320 240 0.1 0.01 0 0");
        assertThatThrownBy(() -> ColmapDatasetLoader.load(dir, LoadOptions.defaults(1)))
                .hasMessageContaining("OPENCV").hasMessageContaining("undistort");
    }
}
