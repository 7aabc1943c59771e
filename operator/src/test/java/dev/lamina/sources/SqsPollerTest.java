package dev.lamina.sources;

import static dev.lamina.sources.ScriptedFunction.error;
import static dev.lamina.sources.ScriptedFunction.failures;
import static dev.lamina.sources.ScriptedFunction.ok;
import static dev.lamina.sources.ScriptedFunction.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** What a function gets from an SQS queue, and what is deleted when, against a real SQS API (ElasticMQ). */
class SqsPollerTest extends ElasticMqFixture {
    private Mapping poll(Sources.Sqs sqs) {
        Mapping mapping = sqs.mapping();
        running.put(mapping);
        return mapping;
    }

    private static String receiveCount(JsonNode record) {
        return record.at("/attributes/ApproximateReceiveCount").asText();
    }

    @Test
    void batchesCloseAtTheBatchSize() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 30);
        for (int i = 0; i < 60; i++) {
            mq.send(queue, "m" + i);
        }

        Mapping mapping = poll(sqs(queue).batchSize(25).window(5));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 60);
        assertThat(sources.function.events()).extracting(e -> e.records().size()).containsExactly(25, 25, 10);
        assertThat(sources.function.bodies()).doesNotHaveDuplicates();
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
        assertThat(sources.count(mapping, "PolledEventCount")).isEqualTo(60);
        assertThat(sources.count(mapping, "InvokedEventCount")).isEqualTo(60);
        assertThat(sources.state(mapping)).isEqualTo(MappingState.of(MappingState.State.Enabled, "OK", 1));
    }

    @Test
    void aBatchingWindowGathersWhatArrivesWhileItIsOpen() throws InterruptedException {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 30);
        Mapping mapping = poll(sqs(queue).batchSize(100).window(4));
        await().atMost(WITHIN).until(() -> sources.state(mapping) != null
                && sources.state(mapping).state() == MappingState.State.Enabled);

        mq.send(queue, "a");
        Thread.sleep(300);
        mq.send(queue, "b");
        Thread.sleep(300);
        mq.send(queue, "c");

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 3);
        assertThat(sources.function.events()).hasSize(1);
        assertThat(sources.function.bodies()).containsExactly("a", "b", "c");
    }

    @Test
    void aMessageReceivedAgainWithinTheWindowIsSentOnceAndDeleted() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 1);
        mq.send(queue, "again");

        poll(sqs(queue).batchSize(100).window(3));

        await().atMost(WITHIN).until(() -> sources.function.events().size() == 1 && mq.count(queue) == 0);
        List<JsonNode> records = sources.function.events().getFirst().records();
        assertThat(records).hasSize(1);
        JsonNode record = records.getFirst();
        assertThat(record.get("body").asText()).isEqualTo("again");
        assertThat(Integer.parseInt(receiveCount(record))).isGreaterThan(1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                sources.function.events().size() == 1);
    }

    @Test
    void aBatchClosesBeforeItsEventPasses6Megabytes() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 60);
        String big = "x".repeat(250_000);
        for (int i = 0; i < 30; i++) {
            mq.send(queue, i + big);
        }

        poll(sqs(queue).batchSize(100).window(5));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 30);
        assertThat(sources.function.events()).extracting(e -> e.records().size()).containsExactly(25, 5);
        assertThat(sources.function.events()).allSatisfy(e -> assertThat(e.size()).isLessThanOrEqualTo(6_291_456));
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
    }

    @Test
    void theOldestRecordsAgeComesFromItsSentTimestamp() {
        sources.clockAhead = Duration.ofHours(1);
        String queue = mq.queue(name, 30);
        mq.send(queue, "old", "older");

        Mapping mapping = poll(sqs(queue).batchSize(2).window(5));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 2);
        assertThat(sources.oldestRecordAge(mapping)).isBetween(3600.0, 3600.0 + WITHIN.toSeconds());
    }

    @Test
    void onlyTheReportedFailuresStayOnTheQueue() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 1);
        mq.send(queue, "ok-1", "fail-1", "ok-2", "fail-2", "ok-3");
        sources.function.script = event -> failures(event.records().stream()
                .filter(r -> r.get("body").asText().startsWith("fail") && receiveCount(r).equals("1"))
                .map(r -> r.get("messageId").asText()).toList());

        Mapping mapping = poll(sqs(queue).reportFailures());

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 7 && mq.count(queue) == 0);
        List<String> bodies = sources.function.bodies();
        assertThat(bodies).filteredOn(b -> b.startsWith("ok")).containsExactlyInAnyOrder("ok-1", "ok-2", "ok-3");
        assertThat(bodies).filteredOn(b -> b.startsWith("fail"))
                .containsExactlyInAnyOrder("fail-1", "fail-1", "fail-2", "fail-2");
        assertThat(sources.count(mapping, "FailedInvokeEventCount")).isEqualTo(2);
    }

    @Test
    void anInvalidReportFailsTheWholeBatch() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 1);
        mq.send(queue, "a", "b", "c");
        AtomicInteger calls = new AtomicInteger();
        sources.function.script = event -> calls.incrementAndGet() == 1
                ? ok("{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-the-batch\"}]}")
                : ok("{}");

        Mapping mapping = poll(sqs(queue).reportFailures());

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 6 && mq.count(queue) == 0);
        assertThat(sources.function.events().getFirst().bodies()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(sources.function.events().getLast().records()).allSatisfy(r ->
                assertThat(receiveCount(r)).isEqualTo("2"));
        assertThat(sources.states(mapping)).extracting(MappingState::problem)
                .contains(new MappingState.Problem("InvalidBatchItemFailures", "the function's response is not a "
                        + "valid partial batch response: itemIdentifier not-in-the-batch is not in the batch; the "
                        + "whole batch failed"));
        assertThat(sources.state(mapping)).isEqualTo(MappingState.of(MappingState.State.Enabled, "OK", 1));
    }

    @Test
    void poisonMessagesReachTheQueuesDeadLetterQueue() {
        sources.function.reservedConcurrency = 1;
        String deadLetters = mq.queue(name + "-dlq", 30);
        String queue = mq.queueWithDeadLetters(name, name + "-dlq", 2, 1);
        mq.send(queue, "poison", "good");
        sources.function.script = event -> event.bodies().contains("poison") ? error() : ok("");

        Mapping mapping = poll(sqs(queue).batchSize(1));

        await().atMost(WITHIN).until(() -> mq.count(deadLetters) == 1);
        assertThat(mq.drain(deadLetters)).extracting(m -> m.body()).containsExactly("poison");
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
        assertThat(sources.function.bodies()).containsOnly("poison", "good");
        assertThat(Collections.frequency(sources.function.bodies(), "poison")).isEqualTo(2);
        assertThat(Collections.frequency(sources.function.bodies(), "good")).isEqualTo(1);
        assertThat(sources.count(mapping, "FailedInvokeEventCount")).isEqualTo(2);
    }

    @Test
    void fifoGroupsAreProcessedInOrderThroughFailures() {
        String queue = mq.fifoQueue(name + ".fifo", 1);
        for (int i = 1; i <= 5; i++) {
            mq.sendFifo(queue, "A", "A" + i);
            mq.sendFifo(queue, "B", "B" + i);
        }
        // A function that stops at a failure within a group and reports only the failed message: the poller must
        // keep the rest of that group.
        List<String> processed = new CopyOnWriteArrayList<>();
        sources.function.script = event -> {
            List<String> failed = new ArrayList<>();
            Set<String> failedGroups = new HashSet<>();
            for (JsonNode record : event.records()) {
                String group = record.at("/attributes/MessageGroupId").asText();
                String body = record.get("body").asText();
                if (failedGroups.contains(group)) {
                    continue;
                }
                if ((body.equals("A2") || body.equals("B4")) && receiveCount(record).equals("1")) {
                    failed.add(record.get("messageId").asText());
                    failedGroups.add(group);
                } else {
                    processed.add(body);
                }
            }
            return failures(failed);
        };

        poll(sqs(queue).reportFailures());

        await().atMost(WITHIN).until(() -> processed.size() == 10);
        assertThat(processed).filteredOn(b -> b.startsWith("A")).containsExactly("A1", "A2", "A3", "A4", "A5");
        assertThat(processed).filteredOn(b -> b.startsWith("B")).containsExactly("B1", "B2", "B3", "B4", "B5");
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
    }

    @Test
    void messagesMatchingNoFilterAreDeletedUnsent() {
        String queue = mq.queue(name, 30);
        mq.send(queue, "{\"type\":\"order-created\"}", "{\"type\":\"refund\"}", "{\"amount\":150}",
                "{\"amount\":50}", "{\"status\":\"paid\"}", "{\"status\":\"cancelled\"}", "{\"customer\":\"c1\"}",
                "plain text");

        Mapping mapping = poll(sqs(queue).filters(
                "{\"body\":{\"type\":[{\"prefix\":\"order-\"}]}}",
                "{\"body\":{\"amount\":[{\"numeric\":[\">\",100]}]}}",
                "{\"body\":{\"status\":[{\"anything-but\":[\"cancelled\"]}]}}",
                "{\"body\":{\"customer\":[{\"exists\":true}]}}"));

        await().atMost(WITHIN).until(() -> mq.count(queue) == 0 && sources.function.bodies().size() == 4);
        assertThat(sources.function.bodies()).containsExactlyInAnyOrder("{\"type\":\"order-created\"}",
                "{\"amount\":150}", "{\"status\":\"paid\"}", "{\"customer\":\"c1\"}");
        assertThat(sources.count(mapping, "FilteredOutEventCount")).isEqualTo(4);
        assertThat(sources.count(mapping, "PolledEventCount")).isEqualTo(8);
    }

    @Test
    void aBatchWhollyFilteredOutInvokesNothing() {
        String queue = mq.queue(name, 30);
        mq.send(queue, "{\"type\":\"refund\"}", "{\"type\":\"refund\"}", "{\"type\":\"void\"}");

        Mapping mapping = poll(sqs(queue).filters("{\"body\":{\"type\":[\"order\"]}}"));

        await().atMost(WITHIN).until(() -> sources.count(mapping, "FilteredOutEventCount") == 3);
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
        assertThat(sources.function.events()).isEmpty();
    }

    @Test
    void recordsCarryEveryKeyLambdaSends() throws Exception {
        String queue = mq.queue(name, 30);
        String fifo = mq.fifoQueue(name + ".fifo", 30);
        mq.client.sendMessage(b -> b.queueUrl(queue).messageBody("hello").messageAttributes(Map.of(
                "kind", MessageAttributeValue.builder().dataType("String").stringValue("order").build(),
                "count", MessageAttributeValue.builder().dataType("Number").stringValue("42").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromUtf8String("hi")).build())));
        mq.client.sendMessage(b -> b.queueUrl(fifo).messageBody("first").messageGroupId("g1")
                .messageDeduplicationId("d1"));

        poll(sqs(queue));
        poll(Sources.Sqs.of(name + "-fifo", fifo, mq.endpoint));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 2);
        JsonNode standard = sources.function.events().stream().flatMap(e -> e.records().stream())
                .filter(r -> r.get("body").asText().equals("hello")).findFirst().orElseThrow();
        JsonNode ordered = sources.function.events().stream().flatMap(e -> e.records().stream())
                .filter(r -> r.get("body").asText().equals("first")).findFirst().orElseThrow();

        assertThat(standard.propertyStream().map(Map.Entry::getKey)).containsExactly("messageId", "receiptHandle",
                "body", "attributes", "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                "awsRegion");
        assertThat(standard.get("messageId").asText()).isNotEmpty();
        assertThat(standard.get("receiptHandle").asText()).isNotEmpty();
        assertThat(standard.get("attributes").propertyStream().map(Map.Entry::getKey)).contains(
                "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        assertThat(receiveCount(standard)).isEqualTo("1");
        assertThat(standard.at("/messageAttributes/kind").toString()).isEqualTo(
                "{\"stringValue\":\"order\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}");
        assertThat(standard.at("/messageAttributes/count").toString()).isEqualTo(
                "{\"stringValue\":\"42\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"Number\"}");
        assertThat(standard.at("/messageAttributes/blob").toString()).isEqualTo(
                "{\"binaryValue\":\"aGk=\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"Binary\"}");
        assertThat(standard.get("md5OfBody").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("MD5").digest("hello".getBytes(StandardCharsets.UTF_8))));
        assertThat(standard.get("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(standard.get("eventSourceARN").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + name);
        assertThat(standard.get("awsRegion").asText()).isEqualTo("us-east-1");

        assertThat(ordered.at("/attributes/MessageGroupId").asText()).isEqualTo("g1");
        assertThat(ordered.at("/attributes/MessageDeduplicationId").asText()).isEqualTo("d1");
        assertThat(ordered.at("/attributes/SequenceNumber").asText()).isNotEmpty();
        assertThat(ordered.get("eventSourceARN").asText())
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + name + ".fifo");
    }

    @Test
    void aThrottledBatchIsNotDeletedAndComesBack() {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 1);
        mq.send(queue, "t");
        AtomicInteger calls = new AtomicInteger();
        sources.function.script = event -> calls.incrementAndGet() <= 2 ? throttled() : ok("");

        Mapping mapping = poll(sqs(queue));

        await().atMost(WITHIN).until(() -> calls.get() == 3 && mq.count(queue) == 0);
        assertThat(sources.function.events()).extracting(e -> receiveCount(e.records().getFirst()))
                .containsExactly("1", "2", "3");
        assertThat(sources.count(mapping, "FailedInvokeEventCount")).isZero();
        assertThat(sources.count(mapping, "InvokedEventCount")).isEqualTo(1);
    }

    @Test
    void concurrencyStaysWithinTheReservedConcurrency() {
        sources.function.reservedConcurrency = 3;
        String queue = mq.queue(name, 30);
        for (int i = 0; i < 40; i++) {
            mq.send(queue, "m" + i);
        }
        sources.function.script = event -> {
            Thread.sleep(50);
            return ok("");
        };

        poll(sqs(queue).batchSize(1).maximumConcurrency(10));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 40);
        assertThat(sources.function.mostRunning()).isEqualTo(3);
        assertThat(sources.function.bodies()).doesNotHaveDuplicates();
    }

    @Test
    void concurrencyStaysWithinTheMappingsMaximum() {
        String queue = mq.queue(name, 30);
        for (int i = 0; i < 40; i++) {
            mq.send(queue, "m" + i);
        }
        sources.function.script = event -> {
            Thread.sleep(50);
            return ok("");
        };

        poll(sqs(queue).batchSize(1).maximumConcurrency(2));

        await().atMost(WITHIN).until(() -> sources.function.bodies().size() == 40);
        assertThat(sources.function.mostRunning()).isEqualTo(2);
    }
}
