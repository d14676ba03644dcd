package dev.forge3d.runtime.sfm;

import dev.forge3d.runtime.sfm.mapper.IncrementalMapper;

import java.util.Optional;

/**
 * Settings of one SfM run.
 *
 * @param intrinsics            user-given intrinsics (trusted, fixed), or empty to self-calibrate
 * @param featureMaxDimension   features are extracted on photos downscaled to this longest side
 * @param maxFeatures           keypoints kept per photo (strongest first)
 * @param matchRatio            Lowe's ratio test threshold
 * @param minPairInliers        verified matches a pair needs to count as overlapping
 * @param minRegisteredFraction below this fraction of placed photos the run fails naming the rest
 */
public record SfmOptions(Optional<IntrinsicsFile> intrinsics, int featureMaxDimension, int maxFeatures,
                         double matchRatio, int minPairInliers, double minRegisteredFraction, int threads,
                         IncrementalMapper.Options mapper) {

    public static SfmOptions defaults() {
        return new SfmOptions(Optional.empty(), 3072, 10000, 0.8, 15, 0.5,
                Math.max(1, Runtime.getRuntime().availableProcessors()), IncrementalMapper.Options.defaults());
    }

    public SfmOptions withIntrinsics(IntrinsicsFile k) {
        return new SfmOptions(Optional.ofNullable(k), featureMaxDimension, maxFeatures, matchRatio, minPairInliers,
                minRegisteredFraction, threads, mapper);
    }

    public SfmOptions withThreads(int n) {
        return new SfmOptions(intrinsics, featureMaxDimension, maxFeatures, matchRatio, minPairInliers,
                minRegisteredFraction, Math.max(1, n), mapper);
    }

    public SfmOptions withFeatureMaxDimension(int px) {
        return new SfmOptions(intrinsics, px, maxFeatures, matchRatio, minPairInliers, minRegisteredFraction, threads, mapper);
    }

    public SfmOptions withMaxFeatures(int n) {
        return new SfmOptions(intrinsics, featureMaxDimension, n, matchRatio, minPairInliers, minRegisteredFraction, threads, mapper);
    }
}
