package dev.forge3d.runtime.sds.torchscript;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The module signatures of an exported Stable Diffusion folder, read from {@code module-signatures.json}: the one
 * declaration that {@code scripts/sds/sd_contract.py} (used by the export script and by the miniature test fixture)
 * traces against and that {@link TorchScriptDiffusionPrior} probes every loaded module with. Shapes are written with
 * symbols: {@code B} batch, {@code L} text length, {@code D} text width, {@code C} latent channels, {@code h} latent
 * side, {@code S} image side.
 */
public final class ModuleContract {

    public static final String RESOURCE = "module-signatures.json";

    /** One tensor of a signature. */
    public record Tensor(String name, List<String> shape, String dtype) {
        /** The concrete shape for the given symbol values (digits stand for themselves). */
        public long[] shape(Map<String, Long> dims) {
            long[] s = new long[shape.size()];
            for (int i = 0; i < s.length; i++) {
                String sym = shape.get(i);
                if (sym.chars().allMatch(Character::isDigit)) s[i] = Long.parseLong(sym);
                else if (dims.containsKey(sym)) s[i] = dims.get(sym);
                else throw new IllegalArgumentException("no value for size " + sym + " of " + name);
            }
            return s;
        }

        @Override
        public String toString() { return name + "[" + String.join(",", shape) + "] " + dtype; }
    }

    /** A module file's forward signature. */
    public record Signature(String file, List<Tensor> inputs, Tensor output) {
        public List<String> inputNames() { return inputs.stream().map(Tensor::name).toList(); }

        /** e.g. {@code forward(latents[B,C,h,h] float32, t[B] int64, text[B,L,D] float32) -> [B,C,h,h] float32}. */
        public String describe() {
            return "forward(" + String.join(", ", inputs.stream().map(Tensor::toString).toList()) + ") -> ["
                    + String.join(",", output.shape()) + "] " + output.dtype();
        }
    }

    private static final List<Signature> SIGNATURES = read();

    private ModuleContract() { }

    /** The four modules in the order the prior probes them (the text encoder first: it fixes D). */
    public static List<Signature> signatures() { return SIGNATURES; }

    public static Signature of(String file) {
        return SIGNATURES.stream().filter(s -> s.file().equals(file)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no module " + file + " in " + RESOURCE));
    }

    private static List<Signature> read() {
        try (InputStream in = ModuleContract.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            JsonNode root = new ObjectMapper().readTree(in);
            List<Signature> out = new ArrayList<>();
            for (JsonNode m : root.get("modules")) {
                List<Tensor> inputs = new ArrayList<>();
                for (JsonNode i : m.get("inputs")) inputs.add(tensor(i));
                out.add(new Signature(m.get("file").asString(), List.copyOf(inputs), tensor(m.get("output"))));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tensor tensor(JsonNode n) {
        List<String> shape = new ArrayList<>();
        for (JsonNode s : n.get("shape")) shape.add(s.asString());
        return new Tensor(n.get("name").asString(), List.copyOf(shape), n.get("dtype").asString());
    }

    private static final Pattern ROOT_CLASS = Pattern.compile("^\\x80\\x02c([\\w.]+)\\n(\\w+)\\n");

    /**
     * The argument names of a TorchScript archive's top-level {@code forward} (without {@code self}), as the archive's
     * own code declares them; empty where the archive's layout is not the one {@code torch.jit.save} writes.
     */
    public static Optional<List<String>> declaredInputs(Path archive) {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry pkl = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                if (z.getName().matches("[^/]+/data\\.pkl")) { pkl = z; break; }
            }
            if (pkl == null) return Optional.empty();
            String prefix = pkl.getName().substring(0, pkl.getName().indexOf('/') + 1);
            byte[] head;
            try (InputStream in = zip.getInputStream(pkl)) { head = in.readNBytes(256); }
            Matcher m = ROOT_CLASS.matcher(new String(head, StandardCharsets.ISO_8859_1));
            if (!m.find()) return Optional.empty();
            String module = m.group(1), cls = m.group(2);
            ZipEntry code = zip.getEntry(prefix + "code/" + module.replace('.', '/') + ".py");
            if (code == null) return Optional.empty();
            String src;
            try (InputStream in = zip.getInputStream(code)) { src = new String(in.readAllBytes(), StandardCharsets.UTF_8); }
            Matcher def = Pattern.compile("def forward\\(self: " + Pattern.quote(module + "." + cls) + ",?(.*?)\\)\\s*->", Pattern.DOTALL).matcher(src);
            if (!def.find()) return Optional.empty();
            List<String> names = new ArrayList<>();
            for (String arg : def.group(1).split(",")) {
                String a = arg.strip();
                if (a.isEmpty()) continue;
                int colon = a.indexOf(':');
                names.add((colon < 0 ? a : a.substring(0, colon)).strip());
            }
            return Optional.of(List.copyOf(names));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
