package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.EventSourceMapping;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
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
    void aValidMappingIsNotReadyWhileNothingPollsItsSource() {
        String ns = cluster.newNamespace("esm");
        client.resource(Fixtures.imageFunction(ns, "orders")).create();
        client.resource(Fixtures.alias(ns, "orders", "live", "$LATEST")).create();
        client.resource(Fixtures.mapping(ns, "orders-queue", """
                function: orders
                qualifier: live
                source: {sqs: {queueUrl: "http://127.0.0.1:9324/000000000000/orders"}}
                """)).create();

        EventSourceMapping mapping = eventually().until(() -> mapping(ns, "orders-queue"),
                m -> m.getStatus() != null && "PollerNotAvailable".equals(ready(m).reason()));
        assertThat(ready(mapping).isTrue()).isFalse();
        assertThat(condition(mapping, Condition.STALLED)).satisfies(c -> {
            assertThat(c.isTrue()).isTrue();
            assertThat(c.message())
                    .isEqualTo("Lamina does not poll sqs sources yet, so nothing invokes orders:live from this mapping");
        });
        assertThat(condition(mapping, Condition.RECONCILING).isTrue()).isFalse();
        assertThat(mapping.getStatus().state()).isEqualTo("NotPolled");
        assertThat(mapping.getStatus().sourceType()).isEqualTo("sqs");
        assertThat(mapping.getStatus().batchSize()).isEqualTo(10);
        assertThat(warnings(ns, "orders-queue")).extracting(Event::getReason).containsOnly("PollerNotAvailable");
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
        assertThat(ready(mapping).message()).isEqualTo("Disabled: schedule -> tick:$LATEST");
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
        assertThat(condition(noFunction, Condition.STALLED).isTrue()).isTrue();
        assertThat(noFunction.getStatus().state()).isEqualTo("Failed");
        assertThat(noFunction.getStatus().batchSize()).isEqualTo(100);

        client.resource(Fixtures.imageFunction(ns, "ingest")).create();
        EventSourceMapping noAlias = eventually().until(() -> mapping(ns, "stream"),
                m -> "QualifierNotFound".equals(ready(m).reason()));
        assertThat(ready(noAlias).message()).isEqualTo("function ingest has no alias prod");

        client.resource(Fixtures.alias(ns, "ingest", "prod", "$LATEST")).create();
        EventSourceMapping valid = eventually().until(() -> mapping(ns, "stream"),
                m -> "PollerNotAvailable".equals(ready(m).reason()));
        assertThat(ready(valid).isTrue()).isFalse();
        assertThat(valid.getStatus().state()).isEqualTo("NotPolled");
        assertThat(warnings(ns, "stream")).extracting(Event::getReason)
                .containsOnly("FunctionNotFound", "QualifierNotFound", "PollerNotAvailable");
    }

    private static Condition ready(EventSourceMapping mapping) {
        return condition(mapping, Condition.READY);
    }

    private static Condition condition(EventSourceMapping mapping, String type) {
        return Conditions.find(mapping.getStatus().conditions(), type).orElseThrow();
    }

    private static List<Event> warnings(String ns, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
                .toList();
    }

    private static EventSourceMapping mapping(String ns, String name) {
        return client.resources(EventSourceMapping.class).inNamespace(ns).withName(name).get();
    }
}
