package dev.forge3d.runtime.splat.io;

import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.ParamGroup;
import dev.forge3d.runtime.splat.raster.TestScenes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlyIoTest {

    @Test
    void writesTheInriaLayoutByteForByteAndReadsItBack(@TempDir Path dir) throws Exception {
        GaussianModel m = TestScenes.random(5, 42, 3);
        Path f = dir.resolve("point_cloud.ply");
        PlyWriter.write(m, f);
        byte[] bytes = Files.readAllBytes(f);
        String header = PlyWriter.header(5);
        assertThat(new String(bytes, 0, header.length(), StandardCharsets.US_ASCII)).isEqualTo(header);
        assertThat(header).startsWith("ply\nformat binary_little_endian 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\n"
                + "property float nx\nproperty float ny\nproperty float nz\nproperty float f_dc_0\n");
        assertThat(header).contains("property float f_rest_44\nproperty float opacity\nproperty float scale_0\n");
        assertThat(header).endsWith("property float rot_3\nend_header\n");
        assertThat(header.lines().filter(l -> l.startsWith("property float")).count()).isEqualTo(62);
        assertThat(bytes.length).isEqualTo(header.length() + 5 * 62 * 4);

        ByteBuffer b = ByteBuffer.wrap(bytes, header.length(), bytes.length - header.length()).slice().order(ByteOrder.LITTLE_ENDIAN);
        int v = 3 * 62 * 4; // vertex 3
        assertThat(b.getFloat(v)).isEqualTo(m.positions()[9]);
        assertThat(b.getFloat(v + 3 * 4)).isZero(); // nx
        assertThat(b.getFloat(v + 6 * 4)).isEqualTo(m.shDc()[9]);
        // f_rest is channel-major: f_rest_{c*15 + k} = coefficient k+1 of channel c
        assertThat(b.getFloat(v + (9 + 1 * 15 + 4) * 4)).isEqualTo(m.shRest()[45 * 3 + 3 * 4 + 1]);
        assertThat(b.getFloat(v + 54 * 4)).isEqualTo(m.opacityLogits()[3]);
        assertThat(b.getFloat(v + 55 * 4)).isEqualTo(m.logScales()[9]);
        assertThat(b.getFloat(v + 58 * 4)).isEqualTo(m.rotations()[12]); // rot_0 = w

        GaussianModel back = PlyReader.read(f);
        assertThat(back.size()).isEqualTo(5);
        assertThat(back.shDegree()).isEqualTo(3);
        for (ParamGroup g : ParamGroup.ALL) {
            for (int i = 0; i < 5 * g.dim; i++) assertThat(back.get(g)[i]).as("%s[%d]", g, i).isEqualTo(m.get(g)[i]);
        }
        // writing what we read gives the same bytes
        Path again = dir.resolve("again.ply");
        PlyWriter.write(back, again);
        assertThat(Files.readAllBytes(again)).isEqualTo(bytes);
    }

    @Test
    void splatFileHas32BytesPerGaussianSortedByVolumeTimesOpacity(@TempDir Path dir) throws Exception {
        GaussianModel m = new GaussianModel(2);
        float[] q = {1, 0, 0, 0};
        m.set(0, 1, 2, 3, 0.1f, 0.1f, 0.1f, q, 0.5f, 1f, 0f, 0.5f);
        m.set(1, -1, -2, -3, 0.5f, 0.5f, 0.5f, q, 0.9f, 0f, 1f, 0f);
        Path f = dir.resolve("scene.splat");
        SplatWriter.write(m, f);
        byte[] bytes = Files.readAllBytes(f);
        assertThat(bytes).hasSize(64);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getFloat(0)).isEqualTo(-1f); // the bigger, more opaque one first
        assertThat(b.getFloat(12)).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(bytes[24] & 0xff).isEqualTo(0);        // r
        assertThat(bytes[25] & 0xff).isIn(254, 255);     // g
        assertThat(bytes[27] & 0xff).isEqualTo(229);      // 0.9 * 255 = 229.5 truncated
        assertThat(bytes[28] & 0xff).isEqualTo(255);      // w = 1 -> 256 clipped
        assertThat(bytes[29] & 0xff).isEqualTo(128);
    }

    @Test
    void rejectsNonSplatPly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mesh.ply");
        Files.writeString(f, "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nend_header\n0\n");
        assertThatThrownBy(() -> PlyReader.read(f)).hasMessageContaining("binary_little_endian");
        Path g = dir.resolve("points.ply");
        Files.writeString(g, "ply\nformat binary_little_endian 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z\nend_header\n");
        assertThatThrownBy(() -> PlyReader.read(g)).hasMessageContaining("missing property f_dc_0");
    }
}
