package dev.forge3d.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Kustomize overlay in {@code deploy/k8s/overlays} renders with {@code kubectl kustomize}, and every object it
 * renders reads into fabric8's Kubernetes API model for its apiVersion and kind with no field the API lacks
 * (fabric8 keeps unknown fields aside instead of failing, so the test walks the objects for them). KEDA's
 * ScaledObject and TriggerAuthentication are checked by {@link KedaSchema} against KEDA's CRD schema where its
 * validator is installed (scripts/k8s). Then what the objects must agree on: selectors, secret references, probes,
 * the worker's grace period, the GPU overlay's device requests. Skipped with a message when kubectl is absent.
 */
class KubernetesManifestsTest {
    static final Path K8S = Path.of("k8s");
    static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The kinds the manifests may use, each with its model class. */
    static final Map<String, Class<? extends HasMetadata>> MODEL = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/Secret", Secret.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
    static final Set<String> KEDA = Set.of("keda.sh/v1alpha1/ScaledObject", "keda.sh/v1alpha1/TriggerAuthentication");

    @ParameterizedTest
    @ValueSource(strings = {"cpu-only", "gpu"})
    void theOverlayRendersAndEveryObjectIsValid(String overlay) throws Exception {
        List<JsonNode> docs = render(K8S.resolve("overlays").resolve(overlay));
        Map<String, HasMetadata> typed = new LinkedHashMap<>();
        List<JsonNode> keda = new ArrayList<>();
        for (JsonNode doc : docs) {
            String kind = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            String name = kind + " " + doc.path("metadata").path("name").asText();
            if (KEDA.contains(kind)) {
                keda.add(doc);
                continue;
            }
            assertThat(MODEL).as("a kind this test knows: " + name).containsKey(kind);
            HasMetadata object = YAML.treeToValue(doc, MODEL.get(kind));
            List<String> unknown = new ArrayList<>();
            unknownFields(object, name, unknown, 0);
            assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
            if (!(object instanceof Namespace)) {
                assertThat(object.getMetadata().getNamespace()).as(name).isEqualTo("forge3d");
            }
            typed.put(doc.path("kind").asText() + "/" + object.getMetadata().getName(), object);
        }
        assertThat(typed.keySet()).contains("Deployment/forge3d-api", "Service/forge3d-api",
                "PodDisruptionBudget/forge3d-api", "HorizontalPodAutoscaler/forge3d-api", "Deployment/forge3d-worker",
                "Secret/forge3d-database", "Secret/forge3d-s3", "Secret/forge3d-credentials");
        assertThat(keda).extracting(d -> d.path("kind").asText())
                .containsExactlyInAnyOrder("ScaledObject", "TriggerAuthentication");
        KedaSchema.check(keda);

        Deployment api = (Deployment) typed.get("Deployment/forge3d-api");
        Deployment worker = (Deployment) typed.get("Deployment/forge3d-worker");
        for (Deployment d : List.of(api, worker)) {
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            secretReferencesResolve(d, typed);
        }
        Map<String, String> apiLabels = api.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(apiLabels).containsAllEntriesOf(((Service) typed.get("Service/forge3d-api")).getSpec().getSelector());
        assertThat(apiLabels).containsAllEntriesOf(((PodDisruptionBudget) typed.get("PodDisruptionBudget/forge3d-api"))
                .getSpec().getSelector().getMatchLabels());
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) typed.get("HorizontalPodAutoscaler/forge3d-api");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("forge3d-api");
        assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> "cpu".equals(m.getResource().getName()));

        Container apiContainer = api.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(apiContainer.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(apiContainer.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");

        // SIGTERM: 5 s for the running job, then up to 60 s for it to stop and be handed back (WorkerNode.close).
        assertThat(worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(70);
        JsonNode scaled = keda.stream().filter(d -> d.path("kind").asText().equals("ScaledObject")).findFirst().orElseThrow();
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("forge3d-worker");
        assertThat(scaled.path("spec").path("minReplicaCount").asInt(-1)).isZero();
        String query = scaled.path("spec").path("triggers").get(0).path("metadata").path("query").asText();
        Container workerContainer = worker.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Quantity gpus = workerContainer.getResources().getLimits().get("nvidia.com/gpu");
        if (overlay.equals("gpu")) {
            assertThat(gpus).isEqualTo(new Quantity("1"));
            assertThat(worker.getSpec().getTemplate().getSpec().getTolerations())
                    .anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()));
            assertThat(worker.getSpec().getTemplate().getSpec().getNodeSelector()).containsKey("nvidia.com/gpu.present");
            assertThat(env(workerContainer, "FORGE3D_BACKEND")).isEqualTo("cuda");
            assertThat(workerContainer.getImage()).contains("forge3d-worker-cuda");
            assertThat(query).doesNotContain("requires_gpu");
        } else {
            assertThat(gpus).isNull();
            assertThat(env(workerContainer, "FORGE3D_BACKEND")).isEqualTo("cpu");
            assertThat(query).contains("not requires_gpu");
        }
        assertThat(query).contains("'QUEUED'").contains("'RUNNING'");
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static void secretReferencesResolve(Deployment d, Map<String, HasMetadata> typed) {
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null) continue;
                var ref = e.getValueFrom().getSecretKeyRef();
                Secret s = (Secret) typed.get("Secret/" + ref.getName());
                assertThat(s).as("secret of " + e.getName()).isNotNull();
                assertThat(s.getStringData()).as("key of " + e.getName()).containsKey(ref.getKey());
            }
        }
    }

    /** Fields fabric8 kept aside because the Kubernetes type has no such field (its additionalProperties). */
    @SuppressWarnings("unchecked")
    static void unknownFields(Object o, String path, List<String> out, int depth) throws ReflectiveOperationException {
        if (o == null || depth > 40) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) unknownFields(x, path + "[" + i++ + "]", out, depth + 1);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) unknownFields(e.getValue(), path + "." + e.getKey(), out, depth + 1);
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method g : o.getClass().getMethods()) {
            if (Modifier.isStatic(g.getModifiers()) || g.getParameterCount() != 0 || !g.getName().startsWith("get")
                    || g.getDeclaringClass() == Object.class) continue;
            Object v = g.invoke(o);
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) out.add(path + ": " + extra.keySet());
            } else {
                unknownFields(v, path + "." + g.getName().substring(3), out, depth + 1);
            }
        }
    }

    /** {@code kubectl kustomize DIR}, as YAML documents; skips the test when kubectl is absent. */
    static List<JsonNode> render(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            Assumptions.abort("kubectl is not installed (Debian: apt-get install kubernetes-client; .ci/run does it "
                    + "as root): the Kustomize overlays are not rendered or validated");
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize " + dir + ": " + err).isZero();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
            return docs.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        }
    }

    @org.junit.jupiter.api.Test
    void everyOverlayIsRenderedByTheTestAbove() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
                    .containsExactlyInAnyOrder("cpu-only", "gpu");
        }
    }
}
