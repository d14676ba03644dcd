package dev.forge3d.runtime.sfm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntrinsicsFileTest {

    @Test
    void readsAStrechaStyleKMatrix() {
        IntrinsicsFile k = IntrinsicsFile.parse("2759.48 0 1520.69 \n0 2764.16 1006.81 \n0 0 1 \n", "K.txt");
        assertThat(k.fx()).isEqualTo(2759.48);
        assertThat(k.fy()).isEqualTo(2764.16);
        assertThat(k.cx()).isEqualTo(1520.69);
        assertThat(k.cy()).isEqualTo(1006.81);
        assertThat(k.width()).isZero();
        assertThat(k.forImage(3072, 2048, "a.jpg")).containsExactly(2759.48, 2764.16, 1520.69, 1006.81, 0.0);
    }

    @Test
    void readsColmapCamerasAndScalesThemToThePhotoSize() {
        String text = "# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n"
                + "1 PINHOLE 3072 2048 2759.48 2764.16 1520.69 1006.81\n";
        IntrinsicsFile k = IntrinsicsFile.parse(text, "cameras.txt");
        assertThat(k.width()).isEqualTo(3072);
        double[] half = k.forImage(1536, 1024, "small.jpg");
        assertThat(half[0]).isEqualTo(2759.48 / 2);
        assertThat(half[3]).isEqualTo(1006.81 / 2);

        IntrinsicsFile radial = IntrinsicsFile.parse("7 SIMPLE_RADIAL 640 480 500 320 240 -0.05", "cameras.txt");
        assertThat(radial.fx()).isEqualTo(500);
        assertThat(radial.fy()).isEqualTo(500);
        assertThat(radial.k1()).isEqualTo(-0.05);
        assertThat(IntrinsicsFile.parse("1 SIMPLE_PINHOLE 640 480 500 320 240", "c").cx()).isEqualTo(320);
    }

    @Test
    void rejectsWhatItCannotTrustWithAReadableMessage() {
        assertThatThrownBy(() -> IntrinsicsFile.parse("1 OPENCV 640 480 500 500 320 240 0 0 0 0", "cameras.txt"))
                .hasMessageContaining("camera model OPENCV is not supported");
        assertThatThrownBy(() -> IntrinsicsFile.parse("1 0 0\n0 1 0", "K.txt"))
                .hasMessageContaining("a 3x3 matrix needs 9 numbers, found 6");
        assertThatThrownBy(() -> IntrinsicsFile.parse("100 0 50\n0 100 50\n1 0 1", "K.txt"))
                .hasMessageContaining("K must have the form");
        assertThatThrownBy(() -> IntrinsicsFile.parse("1 PINHOLE 640 480 500 500 320 240\n2 PINHOLE 640 480 500 500 320 240", "cameras.txt"))
                .hasMessageContaining("2 cameras");
        assertThatThrownBy(() -> IntrinsicsFile.parse("", "K.txt")).hasMessageContaining("empty");
        IntrinsicsFile k = IntrinsicsFile.parse("1 PINHOLE 640 480 500 500 320 240", "cameras.txt");
        assertThatThrownBy(() -> k.forImage(480, 480, "square.jpg"))
                .hasMessageContaining("the intrinsics are for 640x480 but square.jpg is 480x480");
    }
}
