package dev.forge3d.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images' Dockerfiles and docker-compose.yml, read as text (no Docker daemon on the build machines): every
 * base image pinned to a version (never {@code latest}), the final stage runs as a non-root user with a
 * HEALTHCHECK and an entry point, every file COPY takes from the build context exists and is not excluded by
 * .dockerignore; compose pins its images, gives every long-running service a healthcheck, starts services on their
 * dependencies' health, and gives each GPU worker its own device.
 */
class DockerfilesTest {
    static final Path ROOT = Path.of("..");
    static final Pattern FROM = Pattern.compile("(?i)^FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?$");

    /** One instruction: keyword and its arguments, continuation lines joined. */
    record Instruction(String keyword, String args) {}

    static List<Instruction> parse(Path dockerfile) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(dockerfile)) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) continue;
            if (!current.isEmpty() && line.startsWith("#")) continue; // comments inside a continued instruction
            boolean continued = line.endsWith("\\");
            current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                String text = current.toString().strip();
                int sp = text.indexOf(' ');
                out.add(new Instruction(text.substring(0, sp < 0 ? text.length() : sp).toUpperCase(Locale.ROOT),
                        sp < 0 ? "" : text.substring(sp + 1).strip()));
                current.setLength(0);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.Dockerfile", "worker.Dockerfile", "worker-cuda.Dockerfile"})
    void theImageIsPinnedNonRootHealthCheckedAndCopiesWhatExists(String name) throws IOException {
        List<Instruction> all = parse(ROOT.resolve("docker").resolve(name));
        Set<String> stages = new HashSet<>();
        List<String> ignored = dockerignore();
        int finalStage = -1;
        for (int i = 0; i < all.size(); i++) {
            Instruction in = all.get(i);
            if (in.keyword().equals("FROM")) {
                Matcher m = FROM.matcher("FROM " + in.args());
                assertThat(m.matches()).as(in.args()).isTrue();
                String image = m.group(1);
                if (!stages.contains(image)) assertPinned(name, image);
                if (m.group(2) != null) stages.add(m.group(2));
                finalStage = i;
            }
            if (in.keyword().equals("COPY") || in.keyword().equals("ADD")) {
                List<String> words = new ArrayList<>(List.of(in.args().split("\\s+")));
                String from = null;
                while (words.getFirst().startsWith("--")) {
                    String flag = words.removeFirst();
                    if (flag.startsWith("--from=")) from = flag.substring("--from=".length());
                }
                List<String> sources = words.subList(0, words.size() - 1);
                if (from != null) {
                    if (!stages.contains(from)) assertPinned(name, from);
                    continue;
                }
                for (String src : sources) {
                    if (src.equals(".")) continue;
                    assertThat(ROOT.resolve(src)).as(name + ": COPY source " + src).exists();
                    assertThat(ignored).as(name + ": COPY source " + src + " excluded by .dockerignore")
                            .noneMatch(p -> matchesIgnore(p, src));
                }
            }
        }
        assertThat(finalStage).as("a FROM").isNotNegative();
        List<Instruction> last = all.subList(finalStage, all.size());
        List<String> users = last.stream().filter(i -> i.keyword().equals("USER")).map(Instruction::args).toList();
        assertThat(users).as(name + ": the final stage sets USER").isNotEmpty();
        String user = users.getLast().split(":")[0];
        assertThat(user).as(name + ": runs as non-root").isNotIn("root", "0");
        assertThat(last).as(name + ": HEALTHCHECK").anyMatch(i -> i.keyword().equals("HEALTHCHECK")
                && i.args().contains("CMD") && !i.args().strip().equalsIgnoreCase("NONE"));
        assertThat(last).as(name + ": ENTRYPOINT").anyMatch(i -> i.keyword().equals("ENTRYPOINT"));
        assertThat(stages).as(name + ": multi-stage (a build stage)").contains("build");
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker.Dockerfile", "worker-cuda.Dockerfile"})
    void workerImagesInstallTheVideoAndHeicDecoders(String name) throws IOException {
        // FFmpeg for video input; libheif's tools and (from libheif 1.16, Ubuntu 24.04 has 1.17) its HEVC plugin.
        assertThat(parse(ROOT.resolve("docker").resolve(name))).anyMatch(i -> i.keyword().equals("RUN")
                && i.args().contains("apt-get install") && i.args().contains(" ffmpeg ")
                && i.args().contains(" libheif-examples ") && i.args().contains(" libheif-plugin-libde265 "));
    }

    @Test
    void theApiImageShipsSpringBootLayersOfJars() throws IOException {
        List<Instruction> api = parse(ROOT.resolve("docker/api.Dockerfile"));
        // Jars (not --launcher's exploded classes): the JVM's AOT cache maps classes only from jars on the class path.
        assertThat(api).anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("-Djarmode=tools")
                && i.args().contains("extract --layers --destination /layers") && !i.args().contains("--launcher"));
        List<String> copies = api.stream().filter(i -> i.keyword().equals("COPY") && i.args().contains("/layers/"))
                .map(Instruction::args).toList();
        assertThat(copies).hasSize(4);
        assertThat(copies.getFirst()).contains("/layers/dependencies/");
        assertThat(copies.getLast()).contains("/layers/application/");
    }

    /**
     * The AOT cache is valid only for the JVM and the class path it was trained with: the training stage must be
     * built FROM the very stage the final image is built from (same jlink'd runtime, same jars, same paths), run the
     * API through the image's own entry point, and the final image must take the cache from it.
     */
    @Test
    void theApiImagesAotCacheIsTrainedOnTheFinalImagesRuntimeAndJars() throws IOException {
        List<Instruction> api = parse(ROOT.resolve("docker/api.Dockerfile"));
        List<Integer> froms = new ArrayList<>();
        for (int i = 0; i < api.size(); i++) if (api.get(i).keyword().equals("FROM")) froms.add(i);
        Matcher finalFrom = FROM.matcher("FROM " + api.get(froms.getLast()).args());
        assertThat(finalFrom.matches()).isTrue();
        String base = finalFrom.group(1);

        int trainingFrom = -1;
        for (int f : froms) {
            Matcher m = FROM.matcher("FROM " + api.get(f).args());
            assertThat(m.matches()).isTrue();
            if ("aot".equals(m.group(2))) {
                trainingFrom = f;
                assertThat(m.group(1)).as("the training stage's base").isEqualTo(base);
            }
        }
        assertThat(trainingFrom).as("a stage named aot").isNotNegative();
        int trainingEnd = froms.get(froms.indexOf(trainingFrom) + 1);
        assertThat(api.subList(trainingFrom, trainingEnd)).as("the training stage adds no jars or runtime of its own")
                .noneMatch(i -> i.keyword().equals("COPY") && (i.args().contains(".jar") || i.args().contains("/opt/java")));
        assertThat(api.subList(trainingFrom, trainingEnd)).anyMatch(i -> i.keyword().equals("RUN")
                && i.args().contains("api-aot-training"));
        assertThat(api.subList(froms.getLast(), api.size()))
                .anyMatch(i -> i.keyword().equals("COPY") && i.args().startsWith("--from=aot "));

        // The shared stage holds the jlink'd runtime and the layers.
        int baseFrom = -1;
        for (int f : froms) {
            Matcher m = FROM.matcher("FROM " + api.get(f).args());
            if (m.matches() && base.equals(m.group(2))) baseFrom = f;
        }
        assertThat(baseFrom).as("the final image's base is a stage of this file").isNotNegative();
        List<Instruction> shared = api.subList(baseFrom, froms.get(froms.indexOf(baseFrom) + 1));
        assertThat(shared).anyMatch(i -> i.keyword().equals("COPY") && i.args().contains("/runtime /opt/java"));
        assertThat(shared.stream().filter(i -> i.keyword().equals("COPY") && i.args().contains("/layers/"))).hasSize(4);

        // The training run starts the API through the entry point, which passes the cache to later starts.
        String training = Files.readString(ROOT.resolve("docker/api-aot-training.sh"));
        assertThat(training).contains("-XX:AOTCacheOutput=").contains("/usr/local/bin/forge3d").contains("--exit-when-ready");
        assertThat(Files.readString(ROOT.resolve("docker/forge3d"))).contains("-XX:AOTCache=");
    }

    @Test
    void theApiRuntimeIsLinkedSmall() throws IOException {
        List<Instruction> api = parse(ROOT.resolve("docker/api.Dockerfile"));
        assertThat(api).anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("docker/jlink-runtime.sh /layers /runtime"));
        String jlink = Files.readString(ROOT.resolve("docker/jlink-runtime.sh"));
        assertThat(jlink).contains("--print-module-deps").contains("--strip-debug").contains("--no-header-files")
                .contains("--no-man-pages").contains("--compress=");
    }

    @Test
    void theDockerignoreKeepsBuildOutputOut() throws IOException {
        assertThat(dockerignore()).contains("**/target/", "**/node_modules/", ".git/");
    }

    @Test
    void composePinsItsImagesChecksHealthAndGivesEachWorkerItsOwnGpu() throws IOException {
        // SnakeYAML (under Jackson's YAML module) resolves the anchors and merge keys (<<: *worker) as compose does.
        Object yaml;
        try (var in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            yaml = new org.yaml.snakeyaml.Yaml().load(in);
        }
        JsonNode compose = new YAMLMapper().valueToTree(yaml);
        JsonNode services = compose.path("services");
        Set<String> gpuIds = new HashSet<>();
        int gpuWorkers = 0;
        for (Map.Entry<String, JsonNode> e : services.properties()) {
            String name = e.getKey();
            JsonNode s = e.getValue();
            String image = s.path("image").asText();
            Matcher v = Pattern.compile("^\\$\\{[A-Z0-9_]+:-(.+)}$").matcher(image);
            assertPinned("compose " + name, v.matches() ? v.group(1) : image);
            if (s.has("build")) {
                assertThat(ROOT.resolve(s.path("build").path("dockerfile").asText())).as(name).exists();
            }
            boolean oneShot = name.endsWith("-init");
            if (!oneShot) assertThat(s.has("healthcheck")).as(name + ": healthcheck").isTrue();
            for (Map.Entry<String, JsonNode> dep : s.path("depends_on").properties()) {
                assertThat(dep.getValue().path("condition").asText()).as(name + " -> " + dep.getKey())
                        .isIn("service_healthy", "service_completed_successfully");
                String condition = dep.getValue().path("condition").asText();
                assertThat(services.path(dep.getKey()).has(condition.equals("service_healthy") ? "healthcheck" : "image"))
                        .as(name + " waits on " + dep.getKey()).isTrue();
            }
            for (JsonNode device : s.path("deploy").path("resources").path("reservations").path("devices")) {
                assertThat(device.has("count")).as(name + ": device_ids, not a count").isFalse();
                assertThat(device.path("device_ids")).as(name + ": one GPU").hasSize(1);
                assertThat(gpuIds.add(device.path("device_ids").get(0).asText())).as(name + ": its own GPU").isTrue();
                gpuWorkers++;
            }
        }
        assertThat(gpuWorkers).isGreaterThanOrEqualTo(2);
        assertThat(services.path("api").path("command").toString()).contains("--no-worker");
        assertThat(services.has("minio")).as("MinIO's community images are no longer published").isFalse();
    }

    static void assertPinned(String where, String image) {
        assertThat(image).as(where + ": an image, not a variable").doesNotContain("$");
        if (image.contains("@sha256:")) return;
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        assertThat(colon).as(where + ": " + image + " has a tag").isGreaterThan(slash);
        String tag = image.substring(colon + 1);
        assertThat(tag).as(where + ": " + image).isNotEqualTo("latest").matches(".*\\d.*");
    }

    static List<String> dockerignore() throws IOException {
        try (Stream<String> lines = Files.lines(ROOT.resolve(".dockerignore"))) {
            return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Whether a .dockerignore pattern (the forms this repository uses) excludes {@code path}. */
    static boolean matchesIgnore(String pattern, String path) {
        String p = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        String dir = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        if (dir.startsWith("**/")) {
            String name = dir.substring(3);
            return ("/" + path + "/").contains("/" + name + "/");
        }
        if (dir.startsWith("*.")) return path.endsWith(dir.substring(1));
        return path.equals(dir) || path.startsWith(dir + "/");
    }
}
