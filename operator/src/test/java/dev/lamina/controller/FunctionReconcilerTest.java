package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Alias;
import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FunctionReconcilerTest {
    private static MockCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start(ControllerSettings.defaults().withGatewayUrl("http://lamina.lamina-system:8080"));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aFunctionGetsALatestDeploymentAndBecomesReadyOnceItRolledOut() {
        String ns = cluster.newNamespace("latest");
        Function created = client.resource(Fixtures.imageFunction(ns, "hello")).create();

        Deployment latest = eventually().until(() -> deployment(ns, "hello-latest"), d -> d != null);
        assertThat(latest.getMetadata().getLabels())
                .containsEntry(Labels.FUNCTION, "hello").containsEntry(Labels.VERSION, "LATEST");
        assertThat(latest.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
        assertThat(latest.getSpec().getReplicas()).as("scaled to zero until invoked").isZero();
        // The status is written after the Deployment, so the condition may lag behind it.
        eventually().untilAsserted(() -> assertThat(condition(ns, "hello", Condition.RECONCILING))
                .hasValueSatisfying(c -> {
                    assertThat(c.isTrue()).isTrue();
                    assertThat(c.reason()).isEqualTo("RollingOut");
                }));

        cluster.rollOut(ns);
        eventually().until(() -> condition(ns, "hello", Condition.READY).filter(Condition::isTrue).isPresent());
        Function function = function(ns, "hello");
        assertThat(function.getStatus().observedGeneration()).isEqualTo(function.getMetadata().getGeneration());
        assertThat(function.getStatus().latestVersion()).isNull();
        assertThat(function.getStatus().invokeUrl())
                .isEqualTo("http://lamina.lamina-system:8080/2015-03-31/functions/hello/invocations");
        assertThat(client.resources(FunctionVersion.class).inNamespace(ns).list().getItems())
                .as("nothing is published without publish: true").isEmpty();
    }

    @Test
    void functionUrlsAreInStatusAndChangingOnePublishesNothing() {
        String ns = cluster.newNamespace("urls");
        client.resource(Fixtures.imageFunction(ns, "web", "publish: true", "url: {}")).create();
        FunctionVersion v1 = eventually().until(() -> version(ns, "web", "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().url()).as("a version has no URL of its own").isNull();
        String url = eventually().until(() -> function(ns, "web").getStatus().functionUrl(), u -> u != null);
        assertThat(url).as("path-based without a URL domain")
                .matches("http://lamina\\.lamina-system:8080/lambda-url/[0-9a-f]{32}/");
        client.resource(Fixtures.alias(ns, "web", "live", "1", "url: {payloadFormat: alb}")).create();
        String aliasUrl = eventually().until(() -> client.resources(Alias.class).inNamespace(ns)
                .withName("web-live").get().getStatus(), s -> s != null && s.functionUrl() != null).functionUrl();
        assertThat(aliasUrl).as("an alias's URL is its own").isNotEqualTo(url)
                .matches("http://lamina\\.lamina-system:8080/lambda-url/[0-9a-f]{32}/");

        Function edited = client.resources(Function.class).inNamespace(ns).withName("web").edit(f -> {
            f.setSpec(Fixtures.imageFunction(ns, "web", "publish: true",
                    "url: {authType: KUBERNETES, cors: {allowOrigins: ['https://app.example.com']}}").getSpec());
            return f;
        });
        eventually().until(() -> function(ns, "web").getStatus().observedGeneration(),
                g -> g != null && g >= edited.getMetadata().getGeneration());
        assertThat(version(ns, "web", "2")).as("a URL is not part of a version").isNull();
        assertThat(function(ns, "web").getStatus().functionUrl()).as("the same URL after a change").isEqualTo(url);
    }

    @Test
    void aSpecChangePublishesTheNextVersionWithItsOwnDeploymentAndKeepsTheAliasedOne() {
        String ns = cluster.newNamespace("publish");
        client.resource(Fixtures.imageFunction(ns, "thumb", "publish: true", "memoryMB: 256")).create();
        FunctionVersion v1 = eventually().until(() -> version(ns, "thumb", "1"), v -> v != null);
        assertThat(v1.getSpec().snapshot().memoryMB()).isEqualTo(256);
        client.resource(Fixtures.alias(ns, "thumb", "live", "1")).create();

        Fixtures.editSpec(client, ns, "thumb", "publish: true", "memoryMB: 512", "versionHistoryLimit: 1");

        FunctionVersion v2 = eventually().until(() -> version(ns, "thumb", "2"), v -> v != null);
        assertThat(v2.getSpec().snapshot().memoryMB()).isEqualTo(512);
        Deployment d2 = eventually().until(() -> deployment(ns, "thumb-v2"), d -> d != null);
        assertThat(Fixtures.memoryOf(d2)).isEqualTo("512Mi");
        eventually().until(() -> Fixtures.memoryOf(deployment(ns, "thumb-latest")).equals("512Mi"));
        assertThat(version(ns, "thumb", "1")).as("beyond the history limit but the alias points at it").isNotNull();
        assertThat(Fixtures.memoryOf(deployment(ns, "thumb-v1"))).isEqualTo("256Mi");
        eventually().until(() -> "2".equals(function(ns, "thumb").getStatus().latestVersion()));
        assertThat(events(ns, "thumb")).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("Published");
            assertThat(e.getMessage()).isEqualTo("published version 2");
        });
    }

    @Test
    void aFunctionVersionDeclaredByHandIsRunRoutedNumberedAroundAndNeverDeleted() {
        String ns = cluster.newNamespace("declared");
        FunctionVersion declared = new FunctionVersion();
        declared.setMetadata(new ObjectMetaBuilder().withName("shop-first-release").withNamespace(ns).build());
        declared.setSpec(new FunctionVersion.Spec("shop", "1", null, null, "kept in Git",
                Fixtures.imageFunction(ns, "shop", "memoryMB: 256").getSpec()));
        client.resource(declared).create();
        client.resource(Fixtures.imageFunction(ns, "shop", "publish: true", "memoryMB: 512",
                "versionHistoryLimit: 1")).create();

        FunctionVersion v2 = eventually().until(() -> version(ns, "shop", "2"), v -> v != null);
        assertThat(v2.getSpec().snapshot().memoryMB()).as("published after the declared number").isEqualTo(512);
        Deployment d1 = eventually().until(() -> deployment(ns, "shop-v1"), d -> d != null);
        assertThat(Fixtures.memoryOf(d1)).as("the declared version runs its own snapshot").isEqualTo("256Mi");
        client.resource(Fixtures.alias(ns, "shop", "stable", "1")).create();
        eventually().until(() -> aliasReady(ns, "shop-stable"));

        Fixtures.editSpec(client, ns, "shop", "publish: true", "memoryMB: 1024", "versionHistoryLimit: 1");
        eventually().until(() -> version(ns, "shop", "3") != null && version(ns, "shop", "2") == null);
        client.resources(Alias.class).inNamespace(ns).withName("shop-stable").delete();
        Fixtures.editSpec(client, ns, "shop", "publish: true", "memoryMB: 2048", "versionHistoryLimit: 1");
        eventually().until(() -> version(ns, "shop", "4") != null && version(ns, "shop", "3") == null);
        assertThat(client.resources(FunctionVersion.class).inNamespace(ns).withName("shop-first-release").get())
                .as("beyond the history limit and no alias points at it, but declared by hand").isNotNull();
        assertThat(deployment(ns, "shop-v1")).isNotNull();
    }

    private static boolean aliasReady(String ns, String name) {
        var alias = client.resources(Alias.class).inNamespace(ns).withName(name).get();
        return alias != null && alias.getStatus() != null
                && Conditions.find(alias.getStatus().conditions(), Condition.READY).filter(Condition::isTrue)
                .isPresent();
    }

    @Test
    void unchangedCodeAndConfigurationPublishNothingNewAndOldVersionsAreCollected() {
        String ns = cluster.newNamespace("history");
        client.resource(Fixtures.imageFunction(ns, "gc", "publish: true", "versionHistoryLimit: 2",
                "environment: {STEP: \"1\"}")).create();
        eventually().until(() -> version(ns, "gc", "1") != null);
        for (int step = 2; step <= 4; step++) {
            String value = Integer.toString(step);
            Fixtures.editSpec(client, ns, "gc", "publish: true",
                    "versionHistoryLimit: 2", "environment: {STEP: \"" + value + "\"}");
            eventually().until(() -> version(ns, "gc", value) != null);
        }
        eventually().until(() -> versionNumbers(ns).equals(List.of("3", "4")));
        eventually().until(() -> deployment(ns, "gc-v1") == null && deployment(ns, "gc-v2") == null);
        assertThat(deployment(ns, "gc-v3")).isNotNull();

        // Only the history limit changes: not part of a version, so nothing is published.
        Fixtures.editSpec(client, ns, "gc", "publish: true",
                "versionHistoryLimit: 3", "environment: {STEP: \"4\"}");
        eventually().until(() -> function(ns, "gc").getStatus().observedGeneration()
                .equals(function(ns, "gc").getMetadata().getGeneration()));
        assertThat(versionNumbers(ns)).containsExactly("3", "4");
    }

    @Test
    void editingTheCodeConfigMapPublishesANewVersionAndRollsLatest() {
        String ns = cluster.newNamespace("code");
        createCodeFunction(ns, "hello-code", "");
        FunctionVersion v1 = eventually().until(() -> version(ns, "hello", "1"), v -> v != null);
        String firstContent = eventually().until(() -> contentAnnotation(deployment(ns, "hello-latest")),
                c -> c != null);

        edit(ns, "hello-code", "#!/bin/sh\necho v2\n");

        FunctionVersion v2 = eventually().until(() -> version(ns, "hello", "2"), v -> v != null);
        assertThat(v2.getSpec().codeSha256()).isNotEqualTo(v1.getSpec().codeSha256());
        eventually().until(() -> !contentAnnotation(deployment(ns, "hello-latest")).equals(firstContent));
        eventually().until(() -> deployment(ns, "hello-v1") != null && deployment(ns, "hello-v2") != null);
        assertThat(contentAnnotation(deployment(ns, "hello-v1")))
                .as("a published version keeps what it was published with")
                .isNotEqualTo(contentAnnotation(deployment(ns, "hello-v2")));
    }

    @Test
    void aPublishedVersionRunsOnItsOwnCopyOfTheCodeConfigMapThatLaterEditsNeverChange() {
        String ns = cluster.newNamespace("snapshot");
        createCodeFunction(ns, "shared-code", "versionHistoryLimit: 2");
        String copy1 = eventually().until(() -> version(ns, "hello", "1"), v -> v != null)
                .getSpec().snapshot().code().configMap();
        assertThat(copy1).startsWith("hello-code-");
        assertThat(configMap(ns, copy1).getData()).containsEntry("bootstrap", "#!/bin/sh\necho v1\n");
        eventually().until(() -> deployment(ns, "hello-v1") != null && deployment(ns, "hello-latest") != null);
        assertThat(taskConfigMap(deployment(ns, "hello-v1"))).isEqualTo(copy1);
        assertThat(taskConfigMap(deployment(ns, "hello-latest"))).as("$LATEST runs the ConfigMap itself")
                .isEqualTo("shared-code");

        edit(ns, "shared-code", "#!/bin/sh\necho v2\n");
        String copy2 = eventually().until(() -> version(ns, "hello", "2"), v -> v != null)
                .getSpec().snapshot().code().configMap();
        assertThat(copy2).isNotEqualTo(copy1);
        assertThat(configMap(ns, copy2).getData()).containsEntry("bootstrap", "#!/bin/sh\necho v2\n");
        assertThat(configMap(ns, copy1).getData()).as("version 1's code after the edit")
                .containsEntry("bootstrap", "#!/bin/sh\necho v1\n");
        assertThat(taskConfigMap(deployment(ns, "hello-v1"))).isEqualTo(copy1);

        edit(ns, "shared-code", "#!/bin/sh\necho v3\n");
        eventually().until(() -> version(ns, "hello", "3") != null && version(ns, "hello", "1") == null);
        eventually().until(() -> configMap(ns, copy1) == null);
        assertThat(configMap(ns, copy2)).as("version 2 is kept, and so is its copy").isNotNull();
    }

    /** A published function {@code hello} whose bootstrap ({@code echo v1}) is in the ConfigMap {@code configMap}. */
    private static void createCodeFunction(String ns, String configMap, String moreSpec) {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName(configMap).withNamespace(ns)
                .endMetadata().addToData("bootstrap", "#!/bin/sh\necho v1\n").build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: hello, namespace: %s}
                spec:
                  runtime: provided.al2023
                  handler: hello.handler
                  code: {configMap: %s}
                  publish: true
                  %s
                """.formatted(ns, configMap, moreSpec))).create();
    }

    private static void edit(String ns, String name, String bootstrap) {
        client.configMaps().inNamespace(ns).withName(name)
                .edit(cm -> new ConfigMapBuilder(cm).addToData("bootstrap", bootstrap).build());
    }

    private static ConfigMap configMap(String ns, String name) {
        return client.configMaps().inNamespace(ns).withName(name).get();
    }

    private static String taskConfigMap(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("task")).findFirst().orElseThrow().getConfigMap().getName();
    }

    @Test
    void deletingTheFunctionDeletesEverythingItOwns() {
        String ns = cluster.newNamespace("delete");
        client.resource(Fixtures.imageFunction(ns, "doomed", "publish: true")).create();
        eventually().until(() -> version(ns, "doomed", "1") != null && deployment(ns, "doomed-v1") != null
                && deployment(ns, "doomed-latest") != null);

        client.resources(Function.class).inNamespace(ns).withName("doomed").delete();
        List<String> collected = cluster.collectGarbage(ns);

        assertThat(collected).containsExactlyInAnyOrder("FunctionVersion/doomed-v1", "Deployment/doomed-v1",
                "Deployment/doomed-latest");
        assertThat(cluster.objects(ns)).isEmpty();
    }

    @Test
    void removingAnEnvironmentVariableUpdatesTheDeployment() {
        String ns = cluster.newNamespace("env");
        client.resource(Fixtures.imageFunction(ns, "env", "environment: {KEEP: a, DROP: b}")).create();
        eventually().until(() -> envNames(deployment(ns, "env-latest")).contains("DROP"));

        Fixtures.editSpec(client, ns, "env", "environment: {KEEP: a}");

        eventually().until(() -> !envNames(deployment(ns, "env-latest")).contains("DROP"));
        assertThat(envNames(deployment(ns, "env-latest"))).contains("KEEP");
    }


    static Function function(String ns, String name) {
        return client.resources(Function.class).inNamespace(ns).withName(name).get();
    }

    static Optional<Condition> condition(String ns, String name, String type) {
        Function function = function(ns, name);
        return function == null || function.getStatus() == null ? Optional.empty()
                : Conditions.find(function.getStatus().conditions(), type);
    }

    static Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    static FunctionVersion version(String ns, String function, String version) {
        return client.resources(FunctionVersion.class).inNamespace(ns)
                .withName(Labels.functionVersionName(function, version)).get();
    }

    static List<String> versionNumbers(String ns) {
        return client.resources(FunctionVersion.class).inNamespace(ns).list().getItems().stream()
                .map(v -> v.getSpec().version()).sorted().toList();
    }

    static List<Event> events(String ns, String involved) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> involved.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    static String contentAnnotation(Deployment deployment) {
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations.get(Labels.CONTENT_DIGEST);
    }

    static List<String> envNames(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .map(e -> e.getName()).toList();
    }
}
