package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.NotFoundException;
import com.marcnuri.helm.Helm;
import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.shim.ShimContract;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Lamina on a real cluster (K3s in Docker), installed as a user does: the lamina-operator and lamina-shim images built
 * by Jib and imported into K3s's containerd from tarballs, then the chart (CRDs, RBAC, the operator Deployment, the
 * gateway Service, the async claim). Functions whose pods run an AWS base image beside the shim under the restricted
 * Pod Security Standard are invoked through the gateway Service: synchronously, by alias, asynchronously and by a
 * schedule. Needs a Docker engine and the two images; without either it is skipped and says why. One command builds
 * the images and runs it:
 *
 * <pre>./mvnw -B -Pimages -pl runtime-shim,operator -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dit.test=KubernetesClusterIT -Dfailsafe.failIfNoSpecifiedTests=false</pre>
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class KubernetesClusterIT {
    static final String VERSION = System.getProperty("lamina.version", "0.1.0-SNAPSHOT");
    static final String OPERATOR_IMAGE = "lamina-operator:" + VERSION;
    static final String SHIM_IMAGE = "lamina-shim:" + VERSION;
    static final String COMMAND = "./mvnw -B -Pimages -pl runtime-shim,operator -am verify -Dtest=none "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KubernetesClusterIT "
            + "-Dfailsafe.failIfNoSpecifiedTests=false";
    static final String SYSTEM = "lamina-system";
    /** The bash custom runtime of Lambda's own walkthrough: echoes every event back. */
    static final String BOOTSTRAP = """
            #!/bin/sh
            set -eu
            while true; do
              HEADERS="$(mktemp)"
              EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              curl -sS -X POST "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$EVENT_DATA"
              rm -f "$HEADERS"
            done
            """;

    /** {@link #BOOTSTRAP} that also writes every event it takes to its output. */
    static final String LOGGING_BOOTSTRAP = """
            #!/bin/sh
            set -eu
            while true; do
              HEADERS="$(mktemp)"
              EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              echo "event: $EVENT_DATA"
              curl -sS -X POST "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$EVENT_DATA"
              rm -f "$HEADERS"
            done
            """;
    static final String RELEASE = "lamina";
    static final String GATEWAY_SERVICE = RELEASE + "-operator";

    private static K3sContainer k3s;
    private static KubernetesClient client;
    private static String skipped;

    @BeforeAll
    static void startCluster() throws Exception {
        skipped = whyNot();
        if (skipped != null) {
            System.out.println("K3s suite skipped: " + skipped);
            return;
        }
        k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));
        k3s.start();
        for (String image : List.of(OPERATOR_IMAGE, SHIM_IMAGE)) {
            load(image);
        }
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
        installChart();
    }

    /** Why the suite cannot run here, or null when it can. */
    private static String whyNot() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "no Docker engine is reachable, and the K3s suite runs Kubernetes in Docker. Where Docker exists, "
                    + "run: " + COMMAND;
        }
        for (String image : List.of(OPERATOR_IMAGE, SHIM_IMAGE)) {
            if (!imagePresent(image)) {
                return "image " + image + " is not in the local Docker engine. Build both images and run the suite "
                        + "with: " + COMMAND;
            }
        }
        return null;
    }

    @BeforeEach
    void needsACluster() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    void aFunctionRunsItsRuntimeBesideTheShimInARestrictedPodAndAnswersAnInvocation() throws Exception {
        String ns = restrictedNamespace("hello");
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("hello-code").withNamespace(ns)
                .endMetadata().addToData("bootstrap", BOOTSTRAP).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: hello, namespace: %s}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: hello-code}
                  timeoutSeconds: 5
                """.formatted(ns))).create();
        eventually().until(() -> ready(ns, "hello"));

        Pod pod = startEnvironment(ns, "hello-latest");
        try (LocalPortForward forward = client.pods().inNamespace(ns).withName(pod.getMetadata().getName())
                .portForward(ShimContract.INVOKE_PORT)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + forward.getLocalPort()
                                    + "/2015-03-31/functions/hello/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"k3s\"}"))
                    .timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"hello\":\"k3s\"}");
            assertThat(response.headers().firstValue("X-Amz-Executed-Version")).hasValue("$LATEST");
        }
    }

    @Test
    void theGatewayScalesAFunctionFromZeroToAnswerACallAndBackToZeroWhenIdle() throws Exception {
        // The gateway serves the namespace of lamina.gateway.namespace: "default".
        client.namespaces().withName("default").edit(n -> {
            n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
            return n;
        });
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("echo-code").withNamespace("default")
                .endMetadata().addToData("bootstrap", BOOTSTRAP).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: echo, namespace: default}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: echo-code}
                  scaling: {idleTimeoutSeconds: 5}
                """)).create();
        eventually().until(() -> ready("default", "echo"));
        assertThat(client.apps().deployments().inNamespace("default").withName("echo-latest").get().getSpec()
                .getReplicas()).isZero();

        HttpResponse<String> response = callGateway("/2015-03-31/functions/echo/invocations", "{\"via\":\"gateway\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"via\":\"gateway\"}");
        eventually().until(() -> client.apps().deployments().inNamespace("default").withName("echo-latest").get()
                .getSpec().getReplicas() == 0);
    }

    @Test
    void throughTheGatewayServiceAFunctionAnswersSyncViaAnAliasAsyncAndOnASchedule() throws Exception {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("journey-code").withNamespace("default")
                .endMetadata().addToData("bootstrap", LOGGING_BOOTSTRAP).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: journey, namespace: default}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: journey-code}
                  publish: true
                  scaling: {idleTimeoutSeconds: 600}
                """)).create();
        eventually().until(() -> ready("default", "journey") && version("default", "journey-v1") != null);
        client.resource(Fixtures.alias("default", "journey", "live", "1")).create();

        HttpResponse<String> sync = callGateway("/2015-03-31/functions/journey/invocations", "{\"call\":\"sync\"}");
        assertThat(sync.statusCode()).isEqualTo(200);
        assertThat(sync.body()).isEqualTo("{\"call\":\"sync\"}");

        HttpResponse<String> viaAlias = eventually().until(() -> callGateway(
                "/2015-03-31/functions/journey/invocations?Qualifier=live", "{\"call\":\"alias\"}"),
                response -> response.statusCode() == 200);
        assertThat(viaAlias.body()).isEqualTo("{\"call\":\"alias\"}");
        assertThat(viaAlias.headers().firstValue("X-Amz-Executed-Version")).hasValue("1");

        HttpResponse<String> async = callGateway("/2015-03-31/functions/journey/invocations",
                "{\"call\":\"async\"}", "X-Amz-Invocation-Type", "Event");
        assertThat(async.statusCode()).as("queued on the chart's async claim").isEqualTo(202);
        eventually().until(() -> logsOf("default", "journey").contains("event: {\"call\":\"async\"}"));

        client.load(new ByteArrayInputStream("""
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata: {name: journey-every-minute, namespace: default}
                spec:
                  function: journey
                  source:
                    schedule:
                      expression: rate(1 minute)
                      input: '{"call":"schedule"}'
                """.getBytes(StandardCharsets.UTF_8))).serverSideApply();
        eventually().until(() -> logsOf("default", "journey").contains("event: {\"call\":\"schedule\"}"));
    }

    @Test
    void versionsAliasesAndDeletionOnARealCluster() {
        String ns = restrictedNamespace("versions");
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("code").withNamespace(ns).endMetadata()
                .addToData("bootstrap", BOOTSTRAP).build()).create();
        String function = """
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: app, namespace: %s}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: code}
                  memoryMB: %d
                  publish: true
                """;
        client.resource(Fixtures.function(function.formatted(ns, 128))).create();
        eventually().until(() -> version(ns, "app-v1") != null);
        client.resource(Fixtures.alias(ns, "app", "live", "1", "provisionedConcurrency: 1")).create();
        Function updated = Fixtures.function(function.formatted(ns, 256));
        Function current = client.resources(Function.class).inNamespace(ns).withName("app").get();
        current.setSpec(updated.getSpec());
        client.resource(current).update();
        eventually().until(() -> version(ns, "app-v2") != null);

        // The alias's provisioned concurrency keeps one initialised environment of version 1.
        eventually().until(() -> readyPods(ns, "1").size() == 1);
        eventually().until(() -> ready(ns, "app"));

        client.resources(Function.class).inNamespace(ns).withName("app").delete();
        eventually().until(() -> client.resources(FunctionVersion.class).inNamespace(ns).list().getItems().isEmpty()
                && client.apps().deployments().inNamespace(ns).list().getItems().isEmpty());
    }

    @Test
    void aReadWriteManyClaimIsMountedAtTheAccessPointAsItsPosixUser() {
        String ns = restrictedNamespace("efs");
        String volume = "efs-" + ns;
        client.resource(new PersistentVolumeBuilder().withNewMetadata().withName(volume).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteMany").withStorageClassName("manual")
                .addToCapacity("storage", new Quantity("1Gi"))
                .withNewHostPath().withPath("/tmp/" + volume).withType("DirectoryOrCreate").endHostPath()
                .endSpec().build()).create();
        client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("shared").withNamespace(ns)
                .endMetadata().withNewSpec().withAccessModes("ReadWriteMany").withStorageClassName("manual")
                .withVolumeName(volume).withNewResources().addToRequests("storage", new Quantity("1Gi"))
                .endResources().endSpec().build()).create();
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("code").withNamespace(ns).endMetadata()
                .addToData("bootstrap", BOOTSTRAP).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: files, namespace: %s}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: code}
                  fileSystems: [{claimName: shared, mountPath: /mnt/shared, path: /app, uid: 1000, gid: 1000}]
                """.formatted(ns))).create();
        eventually().until(() -> ready(ns, "files"));

        Pod pod = startEnvironment(ns, "files-latest");
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getSpec().getContainers().getFirst().getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getSubPath()).isEqualTo("app"));
    }

    private static boolean ready(String ns, String name) {
        Function function = client.resources(Function.class).inNamespace(ns).withName(name).get();
        return function != null && function.getStatus() != null
                && Conditions.find(function.getStatus().conditions(), Condition.READY).filter(Condition::isTrue)
                .isPresent();
    }

    private static FunctionVersion version(String ns, String name) {
        return client.resources(FunctionVersion.class).inNamespace(ns).withName(name).get();
    }

    /** One environment of the version, as the autoscaler would start it on a first invocation. */
    private static Pod startEnvironment(String ns, String deployment) {
        client.apps().deployments().inNamespace(ns).withName(deployment).scale(1);
        String version = client.apps().deployments().inNamespace(ns).withName(deployment).get().getMetadata()
                .getLabels().get(Labels.VERSION);
        return eventually().until(() -> readyPods(ns, version), pods -> pods.size() == 1).getFirst();
    }

    private static List<Pod> readyPods(String ns, String versionLabel) {
        return client.pods().inNamespace(ns).withLabel(Labels.VERSION, versionLabel).list().getItems().stream()
                .filter(Readiness::isPodReady)
                .toList();
    }

    /** A namespace enforcing the restricted Pod Security Standard: pods that are not restricted are refused. */
    private static String restrictedNamespace(String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
        return name;
    }

    /** Installs the chart as a user does, with the images loaded into K3s and open invocation (no tokens here). */
    private static void installChart() throws Exception {
        Path kubeconfig = Files.createTempFile("k3s", ".yaml");
        Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
        try {
            new Helm(HelmChartTest.CHART).install().withName(RELEASE).withNamespace(SYSTEM).createNamespace()
                    .withKubeConfig(kubeconfig)
                    .set("operator.image.tag", VERSION).set("operator.image.pullPolicy", "Never")
                    .set("shim.image.tag", VERSION)
                    // This suite's calls carry no token; who may invoke is tested against the mock API server.
                    .set("gateway.invokeAuth", "none")
                    .waitReady().withTimeout(300).call();
        } finally {
            Files.delete(kubeconfig);
        }
    }

    /** An HTTP call through the chart's gateway Service (forwarded to one of its pods, as kubectl does). */
    private static HttpResponse<String> callGateway(String pathAndQuery, String body, String... headers)
            throws Exception {
        try (LocalPortForward gateway = client.services().inNamespace(SYSTEM).withName(GATEWAY_SERVICE)
                .portForward(8080)) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + gateway.getLocalPort() + pathAndQuery))
                    .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(body));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Everything the containers of a function's pods have logged (its runtime's lines reach the shim's log). */
    private static String logsOf(String ns, String function) {
        StringBuilder logs = new StringBuilder();
        for (Pod pod : client.pods().inNamespace(ns).withLabel(Labels.FUNCTION, function).list().getItems()) {
            Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
                    .forEach(container -> logs.append(client.pods().inNamespace(ns)
                            .withName(pod.getMetadata().getName()).inContainer(container.getName()).getLog()));
        }
        return logs.toString();
    }

    private static boolean imagePresent(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException missing) {
            return false;
        }
    }

    /** Copies an image from the local Docker engine into K3s's containerd. */
    private static void load(String image) throws Exception {
        Path tar = Files.createTempFile("lamina-image", ".tar");
        try (InputStream saved = DockerClientFactory.instance().client().saveImageCmd(image.split(":")[0])
                .withTag(image.split(":")[1]).exec()) {
            Files.copy(saved, tar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/image.tar");
        var result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/image.tar");
        assertThat(result.getExitCode()).as("importing %s: %s", image, result.getStderr()).isZero();
        Files.delete(tar);
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions();
    }
}
