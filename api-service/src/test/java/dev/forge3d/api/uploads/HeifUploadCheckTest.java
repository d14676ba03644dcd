package dev.forge3d.api.uploads;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API's check of HEIC uploads on the committed fixtures ({@code scripts/make-heic-fixtures.py}): the container
 * is read, never decoded, so no encoder or decoder is needed here.
 */
class HeifUploadCheckTest {

    static final long LIMIT = 400_000_000L;

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = HeifUploadCheckTest.class.getResourceAsStream("/heic/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static ImageCheck.Checked verify(byte[] file) throws IOException {
        return ImageCheck.verify("IMG_0001.HEIC", new ByteArrayInputStream(file), LIMIT);
    }

    private static ProblemType problem(byte[] file) {
        try {
            verify(file);
        } catch (ApiException e) {
            return e.type();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted");
    }

    static int indexOf(byte[] data, String fourCc) {
        byte[] t = fourCc.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + 4 <= data.length; i++) {
            for (int j = 0; j < 4; j++) if (data[i + j] != t[j]) continue outer;
            return i;
        }
        throw new AssertionError(fourCc + " not found");
    }

    /** The fixture with the primary image's declared size (its ispe) replaced: a decompression bomb. */
    static byte[] bomb(byte[] heic, int width, int height) {
        byte[] b = heic.clone();
        int ispe = indexOf(b, "ispe");
        ByteBuffer.wrap(b, ispe + 8, 8).putInt(width).putInt(height);
        return b;
    }

    @Test
    void theSizeOfTheDisplayedPrimaryImageIsReadFromTheBoxes() throws IOException {
        // stored 128x96 with irot 270: displayed 96x128
        assertThat(verify(fixture("portrait-irot.heic"))).isEqualTo(new ImageCheck.Checked("image/heic", 96, 128));
        assertThat(verify(fixture("ten-bit.heic"))).isEqualTo(new ImageCheck.Checked("image/heic", 128, 96));
        // two images: the primary (128x96), not the second (64x64)
        assertThat(verify(fixture("two-images.heic"))).isEqualTo(new ImageCheck.Checked("image/heic", 128, 96));
    }

    @Test
    void aFileCutAnywhereIsCorrupt() throws IOException {
        byte[] good = fixture("portrait-irot.heic");
        int mdat = indexOf(good, "mdat") - 4, meta = indexOf(good, "meta") - 4;
        for (int length : new int[] {good.length - 1, mdat + 20, mdat + 4, meta + 100, meta + 6, 30}) {
            byte[] cut = Arrays.copyOf(good, length);
            assertThatThrownBy(() -> verify(cut)).as("cut at %d", length).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(ProblemType.CORRUPT_IMAGE))
                    .hasMessageStartingWith("IMG_0001.HEIC could not be decoded (");
        }
        assertThatThrownBy(() -> verify(Arrays.copyOf(good, good.length - 10)))
                .hasMessageContaining("the file is cut short: its 'mdat' box at byte " + mdat);
        // A whole mdat box, but the item's data declared beyond the file (iloc): cut before the box was written.
        byte[] shortBox = Arrays.copyOf(good, good.length - 10);
        ByteBuffer.wrap(shortBox, mdat, 4).putInt(good.length - 10 - mdat);
        assertThatThrownBy(() -> verify(shortBox)).hasMessageContaining("the data of item 2 ends at byte " + good.length);
        // only the file type: no image at all
        byte[] header = new byte[64];
        System.arraycopy("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 0, header, 0, 12);
        assertThat(problem(header)).isEqualTo(ProblemType.CORRUPT_IMAGE);
    }

    @Test
    void aDeclaredSizeOverThePixelLimitIsRefusedAsTooLarge() throws IOException {
        byte[] big = bomb(fixture("portrait-irot.heic"), 100_000, 100_000);
        assertThatThrownBy(() -> verify(big)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(ProblemType.PAYLOAD_TOO_LARGE))
                .hasMessage("IMG_0001.HEIC is 100000x100000 pixels; the limit is 400000000 pixels");
        assertThat(problem(bomb(fixture("portrait-irot.heic"), 0, 96))).isEqualTo(ProblemType.CORRUPT_IMAGE);
    }

    @Test
    void damagedBoxesAreCorruptNeverAnError() throws IOException {
        byte[] good = fixture("two-images.heic");
        // Every single-byte change inside the meta box either passes or is a 4xx problem: never an exception.
        int meta = indexOf(good, "meta") - 4, end = indexOf(good, "mdat") - 4;
        for (int i = meta; i < end; i++) {
            for (int v : new int[] {0x00, 0xFF, 0x7F}) {
                byte[] b = good.clone();
                b[i] = (byte) v;
                try {
                    verify(b);
                } catch (ApiException e) {
                    assertThat(e.type().status().is4xxClientError()).as("byte %d = %d", i, v).isTrue();
                }
            }
        }
    }

    @Test
    void avifStaysUnsupportedEvenInAGenericHeifWrapper() throws IOException {
        byte[] avif = fixture("tiny.avif");
        assertThatThrownBy(() -> verify(avif)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE))
                .hasMessageContaining("is a AVIF image");
        byte[] wrapped = avif.clone();
        System.arraycopy("mif1".getBytes(StandardCharsets.US_ASCII), 0, wrapped, 8, 4);
        assertThatThrownBy(() -> verify(wrapped)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE))
                .hasMessageContaining("is an AVIF image");
    }
}
