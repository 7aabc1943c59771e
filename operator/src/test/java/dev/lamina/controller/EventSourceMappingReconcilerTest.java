package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.cluster.StatusTickStore;
import dev.lamina.sources.MappingKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventSourceMappingReconcilerTest {
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

    @Test
    void aPolledMappingToAnExistingAliasIsReadyWithTheSourcesDefaultBatchSize() {
        String ns = cluster.newNamespace("esm");
        client.resource(Fixtures.imageFunction(ns, "orders")).create();
        client.resource(Fixtures.alias(ns, "orders", "live", "$LATEST")).create();
        client.resource(Fixtures.mapping(ns, "nightly", """
                function: orders
                qualifier: live
                source: {schedule: {expression: "cron(0 3 * * ? *)"}}
                """)).create();

        EventSourceMapping mapping = eventually().until(() -> mapping(ns, "nightly"),
                m -> m.getStatus() != null && ready(m).isTrue());
        assertThat(mapping.getStatus().state()).isEqualTo("Enabled");
        assertThat(mapping.getStatus().sourceType()).isEqualTo("schedule");
        assertThat(mapping.getStatus().batchSize()).isEqualTo(1);
        assertThat(mapping.getStatus().lastProcessingResult()).isEqualTo("No records processed");
        assertThat(ready(mapping).message()).isEqualTo("polling schedule -> orders:live");
    }

    @Test
    void aSourceThatCannotBeReadKeepsTheMappingFromReadyAndSaysWhy() {
        String ns = cluster.newNamespace("unreachable");
        client.resource(Fixtures.imageFunction(ns, "ingest")).create();
        client.resource(Fixtures.mapping(ns, "topic", """
                function: ingest
                source: {kafka: {bootstrapServers: ["127.0.0.1:9"], topic: in}}
                startingPosition: LATEST
                """)).create();
        EventSourceMapping mapping = eventually().until(() -> mapping(ns, "topic"),
                m -> m.getStatus() != null && "SourceUnreachable".equals(ready(m).reason()));
        assertThat(ready(mapping).isTrue()).isFalse();
        assertThat(condition(mapping, Condition.RECONCILING).isTrue()).as("retried, not given up").isTrue();
        assertThat(mapping.getStatus().lastProcessingResult()).startsWith("PROBLEM: ");
        assertThat(mapping.getStatus().sourceType()).isEqualTo("kafka");
    }

    @Test
    void aScheduleTickFiresOnceAcrossALeaderChange() {
        String ns = cluster.newNamespace("failover");
        client.resource(Fixtures.imageFunction(ns, "report")).create();
        EventSourceMapping created = client.resource(Fixtures.mapping(ns, "hourly", """
                function: report
                source: {schedule: {expression: "rate(1 hour)"}}
                """)).create();
        eventually().until(() -> ready(mapping(ns, "hourly")).isTrue());
        // As if the schedule last fired three hours ago and its replica then lost the Lease.
        cluster.sources().follow();
        new StatusTickStore(client).fired(new MappingKey(ns, created.getMetadata().getName()),
                Instant.now().minus(Duration.ofHours(3)));

        cluster.sources().lead();
        eventually().until(() -> queued(ns).size() == 1);
        String tick = eventually().until(() -> mapping(ns, "hourly").getStatus().lastScheduledTick(),
                t -> t != null && Instant.parse(t).isAfter(Instant.now().minus(Duration.ofHours(1))));

        cluster.sources().follow();
        cluster.sources().lead();
        eventually().until(() -> ready(mapping(ns, "hourly")).isTrue());
        assertThat(queued(ns)).as("the new leader finds the tick fired").hasSize(1);
        assertThat(mapping(ns, "hourly").getStatus().lastScheduledTick()).isEqualTo(tick);
    }

    private static List<String> queued(String ns) {
        return cluster.queued().stream().filter(e -> e.startsWith(ns + "/")).toList();
    }

    @Test
    void aDisabledMappingSaysSo() {
        String ns = cluster.newNamespace("disabled");
        client.resource(Fixtures.imageFunction(ns, "tick")).create();
        client.resource(Fixtures.mapping(ns, "every-minute", """
                function: tick
                enabled: false
                source: {schedule: {expression: "rate(1 minute)"}}
                """)).create();
        EventSourceMapping mapping = eventually().until(() -> mapping(ns, "every-minute"),
                m -> m.getStatus() != null && ready(m).isTrue());
        assertThat(mapping.getStatus().state()).isEqualTo("Disabled");
        assertThat(mapping.getStatus().batchSize()).isEqualTo(1);
    }

    @Test
    void aMissingFunctionOrQualifierMakesTheMappingNotReadyUntilItExists() {
        String ns = cluster.newNamespace("missing");
        client.resource(Fixtures.mapping(ns, "stream", """
                function: ingest
                qualifier: prod
                source: {schedule: {expression: "rate(5 minutes)"}}
                """)).create();
        EventSourceMapping noFunction = eventually().until(() -> mapping(ns, "stream"),
                m -> m.getStatus() != null && "FunctionNotFound".equals(ready(m).reason()));
        assertThat(ready(noFunction).message()).isEqualTo("function ingest does not exist in this namespace");
        assertThat(noFunction.getStatus().batchSize()).isEqualTo(1);

        client.resource(Fixtures.imageFunction(ns, "ingest")).create();
        EventSourceMapping noAlias = eventually().until(() -> mapping(ns, "stream"),
                m -> "QualifierNotFound".equals(ready(m).reason()));
        assertThat(ready(noAlias).message()).isEqualTo("function ingest has no alias prod");

        client.resource(Fixtures.alias(ns, "ingest", "prod", "$LATEST")).create();
        eventually().until(() -> ready(mapping(ns, "stream")).isTrue());
    }

    private static Condition ready(EventSourceMapping mapping) {
        return condition(mapping, Condition.READY);
    }

    private static Condition condition(EventSourceMapping mapping, String type) {
        return Conditions.find(mapping.getStatus().conditions(), type).orElseThrow();
    }

    private static EventSourceMapping mapping(String ns, String name) {
        return client.resources(EventSourceMapping.class).inNamespace(ns).withName(name).get();
    }
}
