package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Alias;
import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AliasReconcilerTest {
    private static MockCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start(ControllerSettings.defaults());
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A function with versions 1 and 2 published, one environment serving {@code perEnvironment} invocations. */
    private static void twoVersions(String ns, String name, int perEnvironment) {
        String concurrency = "concurrency: {perEnvironment: " + perEnvironment + "}";
        client.resource(Fixtures.imageFunction(ns, name, "publish: true", concurrency, "memoryMB: 256")).create();
        eventually().until(() -> version(ns, name, "1") != null);
        Fixtures.editSpec(client, ns, name, "publish: true", concurrency, "memoryMB: 512");
        eventually().until(() -> version(ns, name, "2") != null);
    }

    @Test
    void weightedRoutingIsRecordedAsTheEffectiveRoutingTable() {
        String ns = cluster.newNamespace("weights");
        twoVersions(ns, "api", 1);
        client.resource(Fixtures.alias(ns, "api", "live", "1",
                "routingConfig: {additionalVersionWeights: {\"2\": 0.1}}")).create();

        Alias live = eventually().until(() -> alias(ns, "api-live"), a -> ready(a).isTrue());
        assertThat(live.getStatus().routing()).containsExactly(Map.entry("1", 0.9), Map.entry("2", 0.1));
        assertThat(live.getStatus().weights()).isEqualTo("1=90%,2=10%");
        assertThat(ready(live).message()).isEqualTo("api:live routes 1=90%,2=10%");
        assertThat(live.getStatus().observedGeneration()).isEqualTo(live.getMetadata().getGeneration());
    }

    @Test
    void anAliasToAMissingVersionSaysWhichVersionsExistAndRecoversWhenItIsPublished() {
        String ns = cluster.newNamespace("missing");
        client.resource(Fixtures.imageFunction(ns, "job", "publish: true")).create();
        eventually().until(() -> version(ns, "job", "1") != null);
        client.resource(Fixtures.alias(ns, "job", "next", "2")).create();

        Alias next = eventually().until(() -> alias(ns, "job-next"), a -> a.getStatus() != null
                && "version 2 of job does not exist (published: 1)".equals(ready(a).message()));
        assertThat(ready(next).reason()).isEqualTo("VersionNotFound");
        assertThat(next.getStatus().routing()).isNull();
        assertThat(warnings(ns, "job-next")).extracting(Event::getReason).containsExactly("VersionNotFound");

        Fixtures.editSpec(client, ns, "job", "publish: true", "memoryMB: 1024");
        eventually().until(() -> ready(alias(ns, "job-next")).isTrue());
    }

    @Test
    void anAliasOfAMissingFunctionIsNotReady() {
        String ns = cluster.newNamespace("nofn");
        client.resource(Fixtures.alias(ns, "ghost", "live", "$LATEST")).create();
        Alias alias = eventually().until(() -> alias(ns, "ghost-live"), a -> a.getStatus() != null);
        assertThat(ready(alias).reason()).isEqualTo("FunctionNotFound");
        assertThat(ready(alias).message()).isEqualTo("function ghost does not exist in this namespace");
    }

    @Test
    void provisionedConcurrencyKeepsEnvironmentsSplitByWeightAndDeletingTheAliasReleasesThem() {
        String ns = cluster.newNamespace("provisioned");
        twoVersions(ns, "pc", 2);
        client.resource(Fixtures.alias(ns, "pc", "live", "1", "provisionedConcurrency: 10",
                "routingConfig: {additionalVersionWeights: {\"2\": 0.2}}")).create();

        // 10 × 0.8 = 8 concurrent invocations on version 1 at 2 per environment; 10 × 0.2 = 2 on version 2.
        eventually().until(() -> replicas(ns, "pc-v1") == 4 && replicas(ns, "pc-v2") == 1);
        assertThat(deployment(ns, "pc-v1").getMetadata().getAnnotations()).containsEntry(Labels.MIN_ENVIRONMENTS, "4");
        assertThat(replicas(ns, "pc-latest")).isZero();
        cluster.rollOut(ns);
        eventually().until(() -> version(ns, "pc", "1").getStatus().environments().ready() == 4
                && version(ns, "pc", "2").getStatus().environments().ready() == 1);

        // The autoscaler added environments for traffic; releasing the alias must only take back its own.
        Deployment v1 = deployment(ns, "pc-v1");
        v1.getSpec().setReplicas(6);
        client.resource(v1).update();

        client.resources(Alias.class).inNamespace(ns).withName("pc-live").delete();
        eventually().until(() -> replicas(ns, "pc-v1") == 2 && replicas(ns, "pc-v2") == 0);
        assertThat(deployment(ns, "pc-v1").getMetadata().getAnnotations()).containsEntry(Labels.MIN_ENVIRONMENTS, "0");
    }

    @Test
    void aSecondAliasWithTheSameNameIsRefused() {
        String ns = cluster.newNamespace("dup");
        client.resource(Fixtures.imageFunction(ns, "dup")).create();
        client.resource(Fixtures.alias(ns, "dup", "live", "$LATEST")).create();
        eventually().until(() -> ready(alias(ns, "dup-live")).isTrue());
        Alias second = Fixtures.alias(ns, "dup", "live", "$LATEST");
        second.getMetadata().setName("dup-live-again");
        client.resource(second).create();

        Alias refused = eventually().until(() -> alias(ns, "dup-live-again"),
                a -> a.getStatus() != null && "DuplicateAlias".equals(ready(a).reason()));
        assertThat(ready(refused).message()).isEqualTo("Alias dup-live already defines dup:live");
    }

    private static Condition ready(Alias alias) {
        return Conditions.find(alias.getStatus().conditions(), Condition.READY).orElseThrow();
    }

    private static Alias alias(String ns, String name) {
        return client.resources(Alias.class).inNamespace(ns).withName(name).get();
    }

    private static FunctionVersion version(String ns, String function, String version) {
        return client.resources(FunctionVersion.class).inNamespace(ns)
                .withName(Labels.functionVersionName(function, version)).get();
    }

    private static Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    private static int replicas(String ns, String name) {
        return deployment(ns, name).getSpec().getReplicas();
    }

    private static java.util.List<Event> warnings(String ns, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
                .toList();
    }
}
