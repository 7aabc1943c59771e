package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.images.LocalRegistry;
import dev.lamina.images.RegistrySettings;
import dev.lamina.shim.ShimContract;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Published versions run their images by the digest their tag named at publish, from a real registry on loopback. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ImagePinningTest {
    private static LocalRegistry registry;
    private static MockCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start(@TempDir Path storage) throws Exception {
        assumeTrue(LocalRegistry.installed(), "docker-registry is not installed (Debian package docker-registry)");
        registry = LocalRegistry.start(storage);
        cluster = MockCluster.start(ControllerSettings.defaults()
                .withRegistries(new RegistrySettings(true, Duration.ofSeconds(5), Set.of())));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aVersionRunsTheDigestItsTagNamedWhenPublishedWhereverTheTagMovesLater() throws Exception {
        String ns = cluster.newNamespace("pinned");
        String tagged = registry.address() + "/team/fn:v1";
        String first = registry.push("team/fn", "v1", "first");
        client.resource(function(ns, tagged, "memoryMB: 128")).create();

        FunctionVersion v1 = eventually().until(() -> version(ns, "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().image()).isEqualTo(registry.address() + "/team/fn@" + first);
        assertThat(v1.getMetadata().getAnnotations()).doesNotContainKey(Labels.UNPINNED_IMAGES);
        assertThat(eventually().until(() -> image(ns, "1"), i -> i != null))
                .isEqualTo(registry.address() + "/team/fn@" + first);
        assertThat(eventually().until(() -> image(ns, Labels.LATEST), i -> i != null))
                .as("$LATEST runs the spec as written").isEqualTo(tagged);

        String second = registry.push("team/fn", "v1", "second");
        client.resources(Function.class).inNamespace(ns).withName("fn")
                .edit(f -> function(ns, tagged, "memoryMB: 256"));

        FunctionVersion v2 = eventually().until(() -> version(ns, "2"), v -> v != null);
        assertThat(v2.getSpec().snapshot().image()).isEqualTo(registry.address() + "/team/fn@" + second);
        assertThat(eventually().until(() -> image(ns, "2"), i -> i != null))
                .isEqualTo(registry.address() + "/team/fn@" + second);
        assertThat(version(ns, "1").getSpec().snapshot().image()).as("the old version keeps its digest")
                .isEqualTo(registry.address() + "/team/fn@" + first);
        assertThat(image(ns, "1")).isEqualTo(registry.address() + "/team/fn@" + first);
        assertThat(condition(ns, Condition.IMAGE_NOT_PINNED)).isEmpty();
    }

    @Test
    void codeAndLayersPackagedAsImagesArePinnedAndCopiedFromTheirDigests() throws Exception {
        String ns = cluster.newNamespace("code-images");
        String code = registry.push("team/code", "v1", "code");
        String layer = registry.push("team/layer", "stable", "layer");
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata:
                  name: fn
                  namespace: %s
                spec:
                  runtime: python3.13
                  handler: app.handler
                  code: {image: %s/team/code:v1}
                  layers: [{image: %s/team/layer:stable}]
                  publish: true
                """.formatted(ns, registry.address(), registry.address()))).create();

        FunctionVersion v1 = eventually().until(() -> version(ns, "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().code().image()).isEqualTo(registry.address() + "/team/code@" + code);
        assertThat(v1.getSpec().snapshot().layers()).singleElement().satisfies(l -> assertThat(l.image())
                .isEqualTo(registry.address() + "/team/layer@" + layer));
        Deployment deployment = eventually().until(() -> client.apps().deployments().inNamespace(ns)
                .withName(Labels.deploymentName("fn", "1")).get(), d -> d != null);
        assertThat(deployment.getSpec().getTemplate().getSpec().getInitContainers())
                .filteredOn(c -> !c.getName().equals(ShimContract.CONTAINER_NAME))
                .extracting(c -> c.getName() + " " + c.getImage())
                .containsExactly("copy-code " + registry.address() + "/team/code@" + code,
                        "layer-1 " + registry.address() + "/team/layer@" + layer);
    }

    @Test
    void aRegistryOutOfReachLeavesTheTagWithAWarningAndStillPublishes() throws IOException {
        String ns = cluster.newNamespace("unreachable");
        String tagged = "127.0.0.1:" + closedPort() + "/fn:v1";
        client.resource(function(ns, tagged, "memoryMB: 128")).create();

        FunctionVersion v1 = eventually().until(() -> version(ns, "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().image()).isEqualTo(tagged);
        assertThat(v1.getMetadata().getAnnotations().get(Labels.UNPINNED_IMAGES))
                .startsWith("runs by tag, not pinned to a digest: " + tagged + " (registry ")
                .contains("could not be reached");
        assertThat(eventually().until(() -> image(ns, "1"), i -> i != null)).isEqualTo(tagged);
        Condition warning = eventually().until(() -> condition(ns, Condition.IMAGE_NOT_PINNED), Optional::isPresent)
                .orElseThrow();
        assertThat(warning.isTrue()).isTrue();
        assertThat(warning.message()).isEqualTo("version 1 " + v1.getMetadata().getAnnotations()
                .get(Labels.UNPINNED_IMAGES));
        Event event = eventually().until(() -> events(ns).stream()
                .filter(e -> Condition.IMAGE_NOT_PINNED.equals(e.getReason())).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).isEqualTo(warning.message());

        cluster.rollOut(ns);
        eventually().until(() -> condition(ns, Condition.READY).filter(Condition::isTrue).isPresent());
        assertThat(condition(ns, Condition.IMAGE_NOT_PINNED)).as("said while that version is the newest")
                .contains(warning);
    }

    @Test
    void aReferenceWithADigestIsKeptAsWrittenWithoutAskingTheRegistry() throws IOException {
        String ns = cluster.newNamespace("digest");
        String pinned = "127.0.0.1:" + closedPort() + "/fn@sha256:" + "0f".repeat(32);
        client.resource(function(ns, pinned, "memoryMB: 128")).create();

        FunctionVersion v1 = eventually().until(() -> version(ns, "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().image()).isEqualTo(pinned);
        assertThat(v1.getMetadata().getAnnotations()).doesNotContainKey(Labels.UNPINNED_IMAGES);
    }

    private static Function function(String ns, String image, String line) {
        return Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata:
                  name: fn
                  namespace: %s
                spec:
                  image: %s
                  publish: true
                  %s
                """.formatted(ns, image, line));
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static FunctionVersion version(String ns, String version) {
        return client.resources(FunctionVersion.class).inNamespace(ns)
                .withName(Labels.functionVersionName("fn", version)).get();
    }

    /** The image the function container of a version's pods runs. */
    private static String image(String ns, String version) {
        Deployment deployment = client.apps().deployments().inNamespace(ns)
                .withName(Labels.deploymentName("fn", version)).get();
        return deployment == null ? null : deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> PodTemplateFactory.FUNCTION_CONTAINER.equals(c.getName()))
                .findFirst().orElseThrow().getImage();
    }

    private static Optional<Condition> condition(String ns, String type) {
        Function function = client.resources(Function.class).inNamespace(ns).withName("fn").get();
        return function.getStatus() == null ? Optional.empty()
                : Conditions.find(function.getStatus().conditions(), type);
    }

    private static List<Event> events(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "fn".equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
