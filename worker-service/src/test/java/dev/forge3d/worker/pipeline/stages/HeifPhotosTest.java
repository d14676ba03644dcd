package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.runtime.progress.ProgressListener;
import dev.forge3d.worker.pipeline.StageFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeifPhotosTest {

    @Test
    void aWorkerWithoutLibheifFailsTheJobSayingWhatToInstall(@TempDir Path dir) throws Exception {
        Path a = Files.write(dir.resolve("IMG_0001.HEIC"), new byte[] {1});
        Path b = Files.write(dir.resolve("IMG_0002.HEIC"), new byte[] {1});
        Path photos = Files.createDirectories(dir.resolve("photos"));
        assertThatThrownBy(() -> HeifPhotos.decodeAll(Optional.empty(), List.of(a, b), photos, 2, ProgressListener.NONE))
                .isInstanceOf(StageFailedException.class)
                .hasMessage("2 of the photos are HEIC/HEIF (IMG_0001.HEIC, ...), and this worker cannot decode them: "
                        + "HEIC/HEIF photos need libheif's tools on the worker (heif-info and heif-convert on its PATH, "
                        + "e.g. apt-get install libheif-examples); or send the photos as JPEG")
                .satisfies(e -> assertThat(((StageFailedException) e).retryable()).isFalse());
    }

    @Test
    void decodedPhotosAreNamedAfterTheUploadWithoutTakingAnotherPhotosName() {
        Set<String> taken = new HashSet<>(Set.of("img_0001.png", "view.jpg"));
        assertThat(HeifPhotos.pngName("IMG_0002.HEIC", taken)).isEqualTo("IMG_0002.png");
        assertThat(HeifPhotos.pngName("IMG_0001.HEIC", taken)).isEqualTo("IMG_0001-heic.png");
        assertThat(HeifPhotos.pngName("IMG_0001.heif", taken)).isEqualTo("IMG_0001-heic-3.png");
        assertThat(HeifPhotos.pngName(".heic", taken)).isEqualTo("photo.png");
    }
}
