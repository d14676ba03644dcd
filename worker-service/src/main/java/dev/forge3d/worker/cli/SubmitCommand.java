package dev.forge3d.worker.cli;

import dev.forge3d.client.model.CreateJobJson;
import dev.forge3d.client.model.Job;
import dev.forge3d.worker.client.PublicApiClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code forge3d submit}: create a job on a forge3d server from a photo folder, a zip, or a prompt. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Create a job on a forge3d server: photos (a folder of JPEG/PNG, or a zip) or a text prompt.",
                "Prints the job id; --wait follows it to the end, --out also downloads its artifacts."})
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    static final class Source {
        @Option(names = "--photos", paramLabel = "DIR", description = "folder of JPEG/PNG photos (uploaded as 'images' parts)")
        Path photos;
        @Option(names = "--archive", paramLabel = "ZIP", description = "a zip of photos (uploaded as the 'archive' part)")
        Path archive;
        @Option(names = "--prompt", paramLabel = "TEXT", description = "a text prompt (job type text-to-3d)")
        String prompt;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--type", paramLabel = "TYPE", description = "job type (default: photos-to-splat for photos, text-to-3d for a prompt)")
    String type;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "job option, e.g. -o preset=preview -o seed=7")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Idempotency-Key to send (default: a new random UUID, printed to stderr): the same key and body return the same job, so a submit that failed half-way can be repeated with it")
    String idempotencyKey;

    @Option(names = "--wait", description = "follow the job with a progress bar until it ends")
    boolean await;

    @Option(names = "--out", paramLabel = "DIR", description = "after success, download the artifacts here (implies --wait)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PublicApiClient client = api.client();
        String jobType;
        List<Path> images = List.of();
        CreateJobJson json = null;
        if (source.prompt != null) {
            if (source.prompt.isBlank()) throw new IllegalArgumentException("--prompt must not be empty");
            jobType = type == null ? "text-to-3d" : type;
            json = client.promptJob(jobType, source.prompt, options);
        } else if (source.archive != null) {
            if (!Files.isRegularFile(source.archive)) throw new IllegalArgumentException("no such zip file: " + source.archive);
            jobType = type == null ? "photos-to-splat" : type;
        } else {
            images = photos(source.photos);
            jobType = type == null ? "photos-to-splat" : type;
        }
        // Always an Idempotency-Key: a submit whose answer was lost can be repeated without creating a second job.
        String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        if (idempotencyKey == null) {
            spec.commandLine().getErr().println("idempotency key " + key + " (to repeat this submit: --idempotency-key " + key + ")");
            spec.commandLine().getErr().flush();
        }
        Job job = json != null
                ? client.createPromptJob(json, key)
                : client.createPhotoJob(jobType, images, source.archive, options, key);
        UUID id = job.getId();
        if (id == null) throw new IllegalStateException("the API answered without a job id: " + job);
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
        if (!await && out == null) return 0;
        Job end = JobWaiter.await(client, id, Duration.ofSeconds(1), null, System.err);
        JobWaiter.requireSucceeded(end, id);
        if (out != null) DownloadCommand.downloadAll(client, id, out, System.err);
        return 0;
    }

    static List<Path> photos(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no such folder: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(SubmitCommand::isPhoto).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no JPEG, PNG or HEIC photos in " + dir);
        return files;
    }

    private static boolean isPhoto(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".heic") || n.endsWith(".heif");
    }
}
