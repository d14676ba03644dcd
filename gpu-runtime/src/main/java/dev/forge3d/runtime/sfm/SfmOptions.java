package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.mapper.IncrementalMapper;
import dev.forge3d.runtime.sfm.mapper.ModelValidator;
import dev.forge3d.runtime.sfm.mapper.ValidatedReconstruction;

import java.util.Optional;

/**
 * Settings of one SfM run.
 *
 * @param intrinsics            user-given intrinsics (trusted, fixed), or empty to self-calibrate
 * @param featureMaxDimension   features are extracted on photos downscaled to this longest side
 * @param maxFeatures           keypoints kept per photo (strongest first)
 * @param matchRatio            Lowe's ratio test threshold
 * @param minPairInliers        verified matches a pair needs to count as overlapping
 * @param validation            checks a model must pass to be accepted (below the placed fraction the run fails
 *                              naming the photos not placed)
 * @param attempts              initial pair rules and how many reconstructions to try before failing
 * @param pairs                 which photo pairs are matched (by default retrieval, {@link PairSelection#unordered()};
 *                              neighbours in time for a video; or every pair)
 */
public record SfmOptions(Optional<IntrinsicsFile> intrinsics, int featureMaxDimension, int maxFeatures,
                         double matchRatio, int minPairInliers, int threads, IncrementalMapper.Options mapper,
                         ModelValidator.Thresholds validation, ValidatedReconstruction.Settings attempts, PairSelection pairs) {

    public static SfmOptions defaults() {
        return new SfmOptions(Optional.empty(), 3072, 10000, 0.8, 15,
                Math.max(1, Runtime.getRuntime().availableProcessors()), IncrementalMapper.Options.defaults(),
                ModelValidator.Thresholds.defaults(), ValidatedReconstruction.Settings.defaults(), PairSelection.unordered());
    }

    public SfmOptions withIntrinsics(IntrinsicsFile k) {
        return new SfmOptions(Optional.ofNullable(k), featureMaxDimension, maxFeatures, matchRatio, minPairInliers,
                threads, mapper, validation, attempts, pairs);
    }

    public SfmOptions withThreads(int n) {
        return new SfmOptions(intrinsics, featureMaxDimension, maxFeatures, matchRatio, minPairInliers,
                Math.max(1, n), mapper, validation, attempts, pairs);
    }

    public SfmOptions withFeatureMaxDimension(int px) {
        return new SfmOptions(intrinsics, px, maxFeatures, matchRatio, minPairInliers, threads, mapper, validation, attempts, pairs);
    }

    public SfmOptions withMaxFeatures(int n) {
        return new SfmOptions(intrinsics, featureMaxDimension, n, matchRatio, minPairInliers, threads, mapper, validation, attempts, pairs);
    }

    public SfmOptions withPairs(PairSelection p) {
        return new SfmOptions(intrinsics, featureMaxDimension, maxFeatures, matchRatio, minPairInliers, threads, mapper, validation, attempts, p);
    }

    public SfmOptions withValidation(ModelValidator.Thresholds t) {
        return new SfmOptions(intrinsics, featureMaxDimension, maxFeatures, matchRatio, minPairInliers, threads, mapper, t, attempts, pairs);
    }
}
