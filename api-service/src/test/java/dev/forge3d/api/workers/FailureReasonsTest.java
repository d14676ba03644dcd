package dev.forge3d.api.workers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureReasonsTest {

    private static String clean(String s) {
        return FailureReasons.clean(s, 4000);
    }

    @Test
    void exceptionClassNamesAreRemovedAndTheMessageKept() {
        assertThat(clean("java.lang.IllegalStateException: could not register 5 of 8 images"))
                .isEqualTo("could not register 5 of 8 images");
        assertThat(clean("dev.forge3d.worker.pipeline.Sfm$RegistrationException: too few matches"))
                .isEqualTo("too few matches");
        assertThat(clean("RuntimeException: boom")).isEqualTo("boom");
        assertThat(clean("java.lang.OutOfMemoryError: Java heap space")).isEqualTo("Java heap space");
        assertThat(clean("failed with java.io.UncheckedIOException while reading"))
                .isEqualTo("failed with while reading");
    }

    @Test
    void stackTracesAreReducedToTheirMessages() {
        String trace = """
                java.lang.IllegalStateException: training diverged at step 1200
                \tat dev.forge3d.worker.pipeline.Trainer.step(Trainer.java:311)
                \tat java.base/java.lang.Thread.run(Thread.java:1583)
                Caused by: java.io.IOException: No space left on device
                \tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)
                \t... 12 more
                """;
        assertThat(clean(trace)).isEqualTo("training diverged at step 1200; No space left on device");
    }

    @Test
    void absolutePathsBecomeTheirFileNames() {
        assertThat(clean("cannot open /home/alice/.forge3d/worker/jobs/42/train/state.bin: permission denied"))
                .isEqualTo("cannot open state.bin: permission denied");
        assertThat(clean("java.nio.file.NoSuchFileException: /srv/data/colmap/images/IMG_0001.jpg"))
                .isEqualTo("IMG_0001.jpg");
        assertThat(clean("bad file:/opt/forge3d/lib/model.onnx")).isEqualTo("bad model.onnx");
        assertThat(clean("missing C:\\Users\\bob\\forge3d\\cache\\weights.bin")).isEqualTo("missing weights.bin");
        assertThat(clean("wrote to /var/tmp/forge3d/")).isEqualTo("wrote to …");
    }

    @Test
    void ordinaryMessagesAreUntouched() {
        for (String s : new String[] {"GPU out of memory", "could not register 5 of 8 images",
                "checkpoint train/step-100.bin is corrupt", "CUDA error: an illegal memory access",
                "Error: the model did not converge", "see https://forge3d.dev/problems/job-failed",
                "ratio 3/4 too low"}) {
            assertThat(clean(s)).isEqualTo(s);
        }
    }

    @Test
    void emptyOrOnlyInternalReasonsGetAFixedText() {
        assertThat(clean(null)).isEqualTo(FailureReasons.NO_REASON);
        assertThat(clean("  ")).isEqualTo(FailureReasons.NO_REASON);
        assertThat(clean("java.lang.NullPointerException\n\tat a.b.C.d(C.java:1)"))
                .isEqualTo(FailureReasons.NOTHING_READABLE);
        assertThat(FailureReasons.clean("x".repeat(10_000), 4000)).hasSize(4000);
    }
}
