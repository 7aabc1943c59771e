package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.EventSourceMapping;
import io.fabric8.kubernetes.client.KubernetesClient;
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
    void aMappingToAnExistingAliasIsEnabledWithTheSourcesDefaultBatchSize() {
        String ns = cluster.newNamespace("esm");
        client.resource(Fixtures.imageFunction(ns, "orders")).create();
        client.resource(Fixtures.alias(ns, "orders", "live", "$LATEST")).create();
        client.resource(Fixtures.mapping(ns, "orders-queue", """
                function: orders
                qualifier: live
                source: {sqs: {queueUrl: "http://127.0.0.1:9324/000000000000/orders"}}
                """)).create();

        EventSourceMapping mapping = eventually().until(() -> mapping(ns, "orders-queue"),
                m -> m.getStatus() != null && ready(m).isTrue());
        assertThat(mapping.getStatus().state()).isEqualTo("Enabled");
        assertThat(mapping.getStatus().sourceType()).isEqualTo("sqs");
        assertThat(mapping.getStatus().batchSize()).isEqualTo(10);
        assertThat(ready(mapping).message()).isEqualTo("Enabled: sqs -> orders:live");
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
                source: {kinesis: {streamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/in"}}
                startingPosition: LATEST
                """)).create();
        EventSourceMapping noFunction = eventually().until(() -> mapping(ns, "stream"),
                m -> m.getStatus() != null && "FunctionNotFound".equals(ready(m).reason()));
        assertThat(ready(noFunction).message()).isEqualTo("function ingest does not exist in this namespace");
        assertThat(noFunction.getStatus().batchSize()).isEqualTo(100);

        client.resource(Fixtures.imageFunction(ns, "ingest")).create();
        EventSourceMapping noAlias = eventually().until(() -> mapping(ns, "stream"),
                m -> "QualifierNotFound".equals(ready(m).reason()));
        assertThat(ready(noAlias).message()).isEqualTo("function ingest has no alias prod");

        client.resource(Fixtures.alias(ns, "ingest", "prod", "$LATEST")).create();
        eventually().until(() -> ready(mapping(ns, "stream")).isTrue());
    }

    private static Condition ready(EventSourceMapping mapping) {
        return Conditions.find(mapping.getStatus().conditions(), Condition.READY).orElseThrow();
    }

    private static EventSourceMapping mapping(String ns, String name) {
        return client.resources(EventSourceMapping.class).inNamespace(ns).withName(name).get();
    }
}
