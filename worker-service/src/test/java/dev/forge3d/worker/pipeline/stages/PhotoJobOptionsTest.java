package dev.forge3d.worker.pipeline.stages;

import dev.forge3d.jobs.options.PhotoJobOptions;
import dev.forge3d.runtime.asset.ProductAssets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhotoJobOptionsTest {

    private static ObjectNode params(String... kv) {
        ObjectNode o = JsonMapper.builder().build().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) o.put(kv[i], kv[i + 1]);
        return o;
    }

    @Test
    void presetsPickResolutionAndIterationsAndFieldsOverrideThem() {
        PhotoJobOptions d = PhotoJobOptions.parse(params());
        assertThat(d.preset()).isEqualTo(PhotoJobOptions.Preset.PREVIEW);
        assertThat(d.maxResolution()).isEqualTo(200);
        assertThat(d.iterations()).isEqualTo(2000);
        // SfM reads photos at its own size whatever the preset: the preview's 400 px lost registrations
        assertThat(d.sfmResolution()).isEqualTo(PhotoJobOptions.DEFAULT_SFM_RESOLUTION).isGreaterThan(d.maxResolution());
        assertThat(PhotoJobOptions.parse(params("preset", "high")).sfmResolution()).isEqualTo(PhotoJobOptions.DEFAULT_SFM_RESOLUTION);
        assertThat(PhotoJobOptions.parse(params("sfmResolution", "800")).sfmResolution()).isEqualTo(800);
        assertThat(d.background()).containsExactly(1f, 1f, 1f);
        assertThat(d.outputFormats()).containsExactlyInAnyOrder("ply", "splat", "spz", "glb");
        assertThat(d.crop()).isEqualTo(PhotoJobOptions.Crop.AUTO);
        assertThat(d.autoMasks()).isTrue();
        assertThat(PhotoJobOptions.parse(params("autoMasks", " OFF")).autoMasks()).isFalse();
        assertThat(d.meshTriangles()).isEqualTo(100_000);
        assertThat(d.scaleMeters()).isNaN();
        PhotoJobOptions asset = PhotoJobOptions.parse(params("crop", " None", "meshTriangles", "5000", "scaleMeters", "0.25"));
        assertThat(AssetOptions.of(asset, false).crop()).isEqualTo(ProductAssets.Crop.NONE);
        assertThat(asset.meshTriangles()).isEqualTo(5000);
        assertThat(AssetOptions.of(asset, false).heightMeters()).isEqualTo(0.25);
        assertThat(AssetOptions.of(asset, true).keepScale()).isTrue();

        PhotoJobOptions high = PhotoJobOptions.parse(params("preset", "High", "iterations", "1234", "seed", "-7",
                "background", "#ff8000", "outputFormats", " splat "));
        assertThat(high.maxResolution()).isEqualTo(1600);
        assertThat(high.iterations()).isEqualTo(1234);
        assertThat(high.seed()).isEqualTo(-7);
        assertThat(high.background()).containsExactly(1f, 128 / 255f, 0f);
        assertThat(high.outputFormats()).containsExactly("splat");
        assertThat(PhotoJobOptions.parse(params("background", "0.5, 0.25,0")).background()).containsExactly(0.5f, 0.25f, 0f);
    }

    @Test
    void theSharedDefaultsAreTheWorkersOwn() {
        assertThat(PhotoJobOptions.DEFAULT_TRIANGLES).isEqualTo(ProductAssets.Options.DEFAULT_TRIANGLES);
        for (PhotoJobOptions.Preset p : PhotoJobOptions.Preset.values()) {
            PhotoJobOptions o = PhotoJobOptions.parse(params("preset", p.label()));
            assertThat(TrainStage.config(o, 1).maxGaussians).isEqualTo(p.maxGaussians);
        }
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("preset", "ultra"))).hasMessageContaining("'preset'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("iterations", "0"))).hasMessageContaining("'iterations' must be between 1 and 200000");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("maxResolution", "2k"))).hasMessageContaining("'maxResolution' must be a whole number");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("sfmResolution", "199"))).hasMessageContaining("'sfmResolution' must be between 200 and 8192");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("sfmResolution", "9000"))).hasMessageContaining("'sfmResolution'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("background", "1,1,2"))).hasMessageContaining("'background'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("outputFormats", "ply,obj"))).hasMessageContaining("'obj'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("crop", "tight"))).hasMessageContaining("'crop' must be auto or none");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("autoMasks", "yes"))).hasMessageContaining("'autoMasks' must be auto or off");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("meshTriangles", "999"))).hasMessageContaining("'meshTriangles' must be between 1000 and 2000000");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("meshTriangles", "1e9"))).hasMessageContaining("'meshTriangles'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("scaleMeters", "0"))).hasMessageContaining("'scaleMeters'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("scaleMeters", "NaN"))).hasMessageContaining("'scaleMeters'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("scaleMeters", "1e6"))).hasMessageContaining("'scaleMeters'");
        assertThatThrownBy(() -> PhotoJobOptions.parse(params("outputFormats", ","))).hasMessageContaining("names no format");
    }

    @Test
    void aWorkersCapsLowerTheBudgetAndSaySo() {
        WorkerLimits limits = new WorkerLimits(1000, 7000, 500, 60);
        PhotoJobOptions high = PhotoJobOptions.parse(params("preset", "high")).cappedTo(limits.maxResolution(), limits.maxIterations());
        assertThat(high.maxResolution()).isEqualTo(1000);
        assertThat(high.iterations()).isEqualTo(7000);
        assertThat(high.capped()).containsExactly("maxResolution 1600 -> 1000", "iterations 30000 -> 7000");
        assertThat(PhotoJobOptions.parse(params()).cappedTo(limits.maxResolution(), limits.maxIterations()).capped()).isEmpty();
    }

    @Test
    void theMemoryEstimateGrowsWithPresetResolutionAndPhotos() {
        long mib = 1L << 20;
        long preview8 = PhotoJobOptions.parse(params()).estimatedMemoryBytes(8);
        // 256 MiB + the larger of training (200,000 Gaussians x 1 KiB + 8 x 200x150 px x 16 B) and SfM
        // (8 x (3072x2304 px x 4 B + 4000 features x 640 B))
        assertThat(preview8).isEqualTo(256 * mib + Math.max(200_000L * 1024 + 8L * 200 * 150 * 16,
                8L * (3072L * 2304 * 4 + 4000L * 640)));
        assertThat(preview8).isLessThan(512 * mib); // a preview job fits a 1 GiB worker
        long standard50 = PhotoJobOptions.parse(params("preset", "standard")).estimatedMemoryBytes(50);
        long high50 = PhotoJobOptions.parse(params("preset", "high")).estimatedMemoryBytes(50);
        assertThat(standard50).isGreaterThan(1024 * mib).isLessThan(high50);
        assertThat(PhotoJobOptions.parse(params("maxResolution", "2000")).estimatedMemoryBytes(8)).isGreaterThan(preview8);
        assertThat(PhotoJobOptions.parse(params()).estimatedMemoryBytes(100)).isGreaterThan(preview8);
        // SfM's photo size counts once its photos outweigh training's Gaussians and photos
        assertThat(PhotoJobOptions.parse(params("sfmResolution", "4096")).estimatedMemoryBytes(100))
                .isGreaterThan(PhotoJobOptions.parse(params()).estimatedMemoryBytes(100));
        // Photos smaller than the options' sizes (the API reads each photo's size at upload) need what they are:
        // 60 renders of 400 px at preview fit a 1 GiB worker; the same count of unknown size is estimated at 3072 px.
        long small60 = PhotoJobOptions.parse(params()).estimatedMemoryBytes(60, 400);
        assertThat(small60).isLessThan(1024 * mib)
                .isEqualTo(256 * mib + Math.max(200_000L * 1024 + 60L * 200 * 150 * 16, 60L * (400L * 300 * 4 + 4000L * 640)));
        assertThat(PhotoJobOptions.parse(params()).estimatedMemoryBytes(60)).isGreaterThan(1024 * mib);
        assertThat(PhotoJobOptions.parse(params()).estimatedMemoryBytes(8, 100_000)).isEqualTo(preview8);
        // iterations change the running time, not the memory
        assertThat(PhotoJobOptions.parse(params("iterations", "30000")).estimatedMemoryBytes(8)).isEqualTo(preview8);
    }
}
