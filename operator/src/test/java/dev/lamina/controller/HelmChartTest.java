package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.lamina.api.Labels;
import dev.lamina.gateway.OutcomesApi;
import dev.lamina.shim.ShimContract;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Helm chart, through a real helm (helm-java bundles helm's library): it lints, and what {@code helm template}
 * renders, for the default values and for every option on, is read into Fabric8's typed Kubernetes model with no
 * field the model does not know, and holds together (the Service reaches the operator's pods, the bindings name the
 * ServiceAccount the pods run as, function pods take invocations from the gateway only, probes ask the app's own
 * endpoint). {@code values.schema.json} types and describes every value and refuses a value of the wrong type.
 */
@Timeout(120)
class HelmChartTest {
    static final Path CHART = Path.of("../charts/lamina");
    private static final String RELEASE = "lamina";
    private static final String NAMESPACE = "lamina-system";
    private static final String APP_VERSION = "0.1.0";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT = Pattern.compile("(?m)^---\\s*$");

    @Test
    void helmLintPassesAlsoStrict() {
        LintResult lint = new Helm(CHART).lint().call();
        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
        LintResult strict = new Helm(CHART).lint().strict().call();
        assertThat(strict.isFailed()).as("helm lint --strict: %s", strict.getMessages()).isFalse();
    }

    @Test
    void theDefaultValuesInstallAWorkingOperator() {
        List<HasMetadata> objects = render(Function.identity());
        assertThat(of(objects, GenericKubernetesResource.class)).as("every object is of a typed model").isEmpty();
        Deployment operator = only(objects, Deployment.class);
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().getFirst();

        assertThat(container.getImage()).isEqualTo("lamina-operator:" + APP_VERSION);
        assertThat(env(container)).containsEntry("LAMINA_CONTROLLER_SHIM_IMAGE", "lamina-shim:" + APP_VERSION)
                .containsEntry("LAMINA_ASYNC_DATA_DIR", "/var/lib/lamina/async")
                .containsEntry("LAMINA_GATEWAY_INVOKE_AUTH", "kubernetes")
                .containsEntry("LAMINA_CONTROLLER_GATEWAY_URL", "http://lamina-operator.lamina-system.svc:8080")
                .doesNotContainKey("QUARKUS_OPERATOR_SDK_NAMESPACES");
        assertThat(operator.getSpec().getStrategy().getType()).as("the async claim is ReadWriteOnce")
                .isEqualTo("Recreate");
        assertThat(operator.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(volume -> volume.getPersistentVolumeClaim() != null).singleElement()
                .satisfies(volume -> assertThat(volume.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo(only(objects, PersistentVolumeClaim.class).getMetadata().getName()));
        assertHoldsTogether(objects, List.of("default"));
    }

    @Test
    void everyOptionOnRendersTypedObjectsThatFit() throws URISyntaxException {
        Path values = Path.of(getClass().getResource("/chart/every-option.yaml").toURI());
        List<HasMetadata> objects = render(template -> template.withValuesFile(values));
        Deployment operator = only(objects, Deployment.class);
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().getFirst();

        assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
        assertThat(container.getImage()).isEqualTo("registry.example/lamina-operator:1.2.3");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(env(container)).containsEntry("LAMINA_CONTROLLER_SHIM_IMAGE", "registry.example/lamina-shim:1.2.4")
                .containsEntry("LAMINA_CONTROLLER_SHIM_MEMORY", "256Mi")
                .containsEntry("LAMINA_CONTROLLER_SHIM_CPU", "200m")
                .containsEntry("LAMINA_CONTROLLER_SHIM_CPU_LIMIT", "1")
                .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b")
                .containsEntry("LAMINA_GATEWAY_URL_DOMAIN", "lamina.example")
                .containsEntry("LAMINA_GATEWAY_ACCOUNT_ID", "123456789012")
                .doesNotContainKey("LAMINA_ASYNC_DATA_DIR");
        assertThat(only(objects, ConfigMap.class).getData().get("application.properties"))
                .contains("lamina.controller.runtimes.\"python3.13\"=registry.example/python:3.13")
                .contains("lamina.gateway.max-slot-wait=10s");

        Service service = only(objects, Service.class);
        Ingress ingress = only(objects, Ingress.class);
        assertThat(ingress.getSpec().getRules()).extracting(IngressRule::getHost)
                .containsExactly("lamina.example", "*.lambda-url.lamina.example");
        assertThat(ingress.getSpec().getRules()).allSatisfy(rule -> assertThat(rule.getHttp().getPaths())
                .singleElement().satisfies(path -> {
                    assertThat(path.getBackend().getService().getName()).isEqualTo(service.getMetadata().getName());
                    assertThat(path.getBackend().getService().getPort().getName()).isEqualTo("http");
                }));

        HTTPRoute route = only(objects, HTTPRoute.class);
        assertThat(route.getSpec().getHostnames()).containsExactly("lamina.example", "*.lambda-url.lamina.example");
        assertThat(route.getSpec().getParentRefs()).singleElement()
                .satisfies(parent -> assertThat(parent.getName()).isEqualTo("public"));
        assertThat(route.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getBackendRefs())
                .singleElement().satisfies(backend -> {
                    assertThat(backend.getName()).isEqualTo(service.getMetadata().getName());
                    assertThat(backend.getPort()).isEqualTo(service.getSpec().getPorts().getFirst().getPort());
                }));

        // The monitoring.coreos.com model is not on the test classpath: the ServiceMonitor is checked field by field.
        GenericKubernetesResource monitor = only(objects, GenericKubernetesResource.class);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.getAdditionalProperties()).containsOnlyKeys("spec");
        Map<String, String> serviceLabels = Map.of("app.kubernetes.io/name", "lamina",
                "app.kubernetes.io/instance", RELEASE, "app.kubernetes.io/component", "operator");
        assertThat(service.getMetadata().getLabels()).as("the ServiceMonitor selects the gateway Service")
                .containsAllEntriesOf(serviceLabels);
        assertThat(monitor.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
                "selector", Map.of("matchLabels", serviceLabels),
                "endpoints", List.of(Map.of("port", "http", "path", "/q/metrics", "interval", "15s"))));

        assertHoldsTogether(objects, List.of("team-a", "team-b"));
    }

    @Test
    void theSchemaRefusesAValueOfTheWrongType() {
        assertThatThrownBy(() -> render(template -> template.set("operator.replicas", "many")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> render(template -> template.set("ingress.hosts", "lamina.example")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("hosts");
        assertThatThrownBy(() -> render(template -> template.set("operator.replica", 2)))
                .as("an unknown value").hasMessageContaining("replica");
    }

    @Test
    void everyValueIsTypedAndDescribed() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(CHART.resolve("values.schema.json").toFile());
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
        assertTypedAndDescribed(schema.get("properties"), "");
    }

    private static void assertTypedAndDescribed(JsonNode properties, String path) {
        properties.properties().forEach(entry -> {
            String name = path + entry.getKey();
            JsonNode value = entry.getValue();
            assertThat(value.has("type")).as("%s has a type", name).isTrue();
            assertThat(value.path("description").asText()).as("%s is described", name).isNotBlank();
            if (value.has("properties")) {
                assertThat(value.get("additionalProperties").asBoolean(true)).as("%s refuses unknown values", name)
                        .isFalse();
                assertTypedAndDescribed(value.get("properties"), name + ".");
            }
        });
    }

    @Test
    void asyncOnASharedClaimRefusesMoreThanOneReplica() {
        assertThatThrownBy(() -> render(template -> template.set("operator.replicas", 2)))
                .hasMessageContaining("set operator.replicas to 1, or async.enabled to false");
    }

    @Test
    void asyncOnNatsServesFromEveryReplicaWithTheChartsNatsCluster() {
        List<HasMetadata> objects = render(template -> template.set("operator.replicas", 3)
                .set("async.store", "nats").set("async.nats.deploy", true)
                .set("async.nats.credentialsSecret", "nats-user"));
        Deployment operator = only(objects, Deployment.class);
        Container container = operator.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String nats = RELEASE + "-nats";
        assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
        assertThat(operator.getSpec().getStrategy()).as("no claim to hand over").isNull();
        assertThat(env(container)).containsEntry("LAMINA_ASYNC_STORE", "nats")
                .containsEntry("LAMINA_ASYNC_NATS_REPLICAS", "3")
                .containsEntry("LAMINA_ASYNC_NATS_CREDENTIALS_FILE", "/etc/lamina-nats/nats.creds")
                .doesNotContainKey("LAMINA_ASYNC_DATA_DIR");
        assertThat(env(container).get("LAMINA_ASYNC_NATS_SERVERS").split(",")).containsExactly(
                Stream.of(0, 1, 2).map(i -> "nats://%s-%d.%s.%s.svc:4222".formatted(nats, i, nats, NAMESPACE))
                        .toArray(String[]::new));
        assertThat(of(objects, PersistentVolumeClaim.class)).isEmpty();

        StatefulSet cluster = only(objects, StatefulSet.class);
        assertThat(cluster.getSpec().getReplicas()).isEqualTo(3);
        assertThat(cluster.getSpec().getServiceName()).isEqualTo(nats);
        Service headless = of(objects, Service.class).stream()
                .filter(service -> service.getMetadata().getName().equals(nats)).findFirst().orElseThrow();
        assertThat(cluster.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(headless.getSpec().getSelector())
                .containsAllEntriesOf(cluster.getSpec().getSelector().getMatchLabels());
        assertThat(of(objects, ConfigMap.class).stream().filter(map -> map.getMetadata().getName().equals(nats))
                .findFirst().orElseThrow().getData().get("nats.conf"))
                .contains("jetstream", "max_payload: 8MB", "nats://" + nats + "-2." + nats + "." + NAMESPACE + ".svc:6222");
    }

    @Test
    void asyncOnNatsNeedsServersOrTheChartsCluster() {
        assertThatThrownBy(() -> render(template -> template.set("async.store", "nats")))
                .hasMessageContaining("async.nats.servers");
        List<HasMetadata> objects = render(template -> template.set("operator.replicas", 2)
                .set("async.store", "nats").set("async.nats.servers[0]", "nats://nats.messaging:4222"));
        assertThat(env(only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst()))
                .containsEntry("LAMINA_ASYNC_NATS_SERVERS", "nats://nats.messaging:4222");
        assertThat(of(objects, StatefulSet.class)).isEmpty();
    }

    @Test
    void theSplitFormRendersAControllerAndAGatewayOnlyDeployment() {
        List<HasMetadata> objects = render(template -> template.set("split.enabled", true)
                .set("split.gateway.replicas", 4).set("split.gateway.resources.requests.cpu", "1")
                .set("async.enabled", false));
        assertThat(of(objects, GenericKubernetesResource.class)).as("every object is of a typed model").isEmpty();
        Map<String, Deployment> deployments = of(objects, Deployment.class).stream()
                .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
        assertThat(deployments).containsOnlyKeys("lamina-operator", "lamina-gateway");
        Deployment operator = deployments.get("lamina-operator");
        Deployment gateway = deployments.get("lamina-gateway");

        assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
        assertThat(gateway.getSpec().getReplicas()).isEqualTo(4);
        assertThat(env(container(operator))).containsEntry("LAMINA_CONTROLLER_LEASE_CANDIDATE", "true");
        assertThat(env(container(gateway))).as("gateway-only: never runs for the Lease")
                .containsEntry("LAMINA_CONTROLLER_LEASE_CANDIDATE", "false");
        assertThat(container(gateway).getResources().getRequests()).containsEntry("cpu", new Quantity("1"));
        assertThat(container(operator).getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        assertThat(gateway.getSpec().getTemplate().getMetadata().getLabels())
                .as("one Deployment's selector never takes the other's pods")
                .doesNotContainEntry("app.kubernetes.io/component", "operator");
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
                .doesNotContainEntry("app.kubernetes.io/component", "gateway");
        assertThat(env(container(gateway))).as("the same settings but the role")
                .hasSameSizeAs(env(container(operator)));
        assertHoldsTogether(objects, List.of("default"));
    }

    @Test
    void theSplitFormCountsGatewayReplicasAgainstTheAsyncClaim() {
        assertThatThrownBy(() -> render(template -> template.set("split.enabled", true)))
                .hasMessageContaining("split.enabled adds gateway replicas").hasMessageContaining("async.enabled");
    }

    /** What a user would notice if it were wrong, for any values; in the split form, for both Deployments. */
    private static void assertHoldsTogether(List<HasMetadata> objects, List<String> functionNamespaces) {
        Service service = only(objects, Service.class);
        for (Deployment deployment : of(objects, Deployment.class)) {
            assertServesTheGateway(objects, deployment, service, functionNamespaces);
        }
    }

    private static void assertServesTheGateway(List<HasMetadata> objects, Deployment operator, Service service,
                                               List<String> functionNamespaces) {
        var pod = operator.getSpec().getTemplate();
        Container container = container(operator);
        Map<String, String> podLabels = pod.getMetadata().getLabels();

        assertThat(podLabels).containsAllEntriesOf(operator.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).as("the Service reaches the operator's pods")
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
        assertThat(container.getPorts()).as("the gateway's HTTP port, named as ReplicaOutcomes looks it up")
                .singleElement().satisfies(port -> {
                    assertThat(port.getName()).isEqualTo("http");
                    assertThat(port.getContainerPort()).isEqualTo(8080);
                });
        assertThat(selector(env(container).get("LAMINA_CONTROLLER_GATEWAY_SELECTOR")))
                .as("the controller reads outcomes from these pods").isEqualTo(service.getSpec().getSelector());
        assertThat(only(objects, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels())
                .isEqualTo(service.getSpec().getSelector());

        for (Probe probe : List.of(container.getStartupProbe(), container.getReadinessProbe(),
                container.getLivenessProbe())) {
            assertThat(probe.getHttpGet().getPath()).as("an endpoint the app serves").isEqualTo(OutcomesApi.PATH);
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        }
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getMountPath())
                .isEqualTo("/tmp"));

        ServiceAccount account = only(objects, ServiceAccount.class);
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo(account.getMetadata().getName());
        List<Subject> subjects = Stream.concat(
                of(objects, ClusterRoleBinding.class).stream().flatMap(binding -> binding.getSubjects().stream()),
                of(objects, RoleBinding.class).stream().flatMap(binding -> binding.getSubjects().stream())).toList();
        assertThat(subjects).hasSize(2).allSatisfy(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(subject.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
        });

        List<NetworkPolicy> policies = of(objects, NetworkPolicy.class);
        assertThat(policies).extracting(policy -> policy.getMetadata().getNamespace())
                .containsExactlyElementsOf(functionNamespaces);
        Map<String, String> functionPod = Labels.forVersion("hello", "3");
        for (NetworkPolicy policy : policies) {
            assertThat(functionPod).as("the policy selects function pods")
                    .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
                assertThat(rule.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort().getIntVal()).isEqualTo(ShimContract.INVOKE_PORT);
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                });
                NetworkPolicyPeer from = rule.getFrom().getFirst();
                assertThat(rule.getFrom()).hasSize(1);
                assertThat(from.getNamespaceSelector().getMatchLabels())
                        .isEqualTo(Map.of("kubernetes.io/metadata.name", NAMESPACE));
                assertThat(podLabels).as("the gateway's pods are the ones allowed")
                        .containsAllEntriesOf(from.getPodSelector().getMatchLabels());
                assertThat(from.getPodSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
            });
        }
    }

    /** {@code helm template}'s objects, each read into the Fabric8 model, refusing fields the model does not know. */
    private static List<HasMetadata> render(
            Function<com.marcnuri.helm.TemplateCommand, com.marcnuri.helm.TemplateCommand> options) {
        String manifest = options.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE))
                .call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT.split(manifest)) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            HasMetadata object = SERIALIZATION.unmarshal(document);
            if (!(object instanceof GenericKubernetesResource)) {
                assertNoUnknownFields(object, object.getKind());
            }
            objects.add(object);
        }
        return objects;
    }

    /** Fabric8 keeps fields its model does not know in {@code additionalProperties}: none may be there. */
    private static void assertNoUnknownFields(Object node, String path) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean
                || node instanceof Enum<?>) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertNoUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> assertNoUnknownFields(value, path + "." + key));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() > 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) value).as("fields unknown to the model at %s", path).isNullOrEmpty();
            } else {
                assertNoUnknownFields(value, path + "." + getter.getName().substring(3));
            }
        }
    }

    private static Object invoke(Method getter, Object node) {
        try {
            return getter.invoke(node);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + getter, e);
        }
    }

    private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = of(objects, type);
        assertThat(found).as("rendered %s", type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static Map<String, String> selector(String labels) {
        return Arrays.stream(labels.split(",")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    }
}
