package dev.lamina.sources;

import static dev.lamina.sources.ScriptedFunction.error;
import static dev.lamina.sources.ScriptedFunction.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.Destination;
import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingSpec.DestinationConfig;
import dev.lamina.api.EventSourceMappingSpec.Filter;
import dev.lamina.api.EventSourceMappingSpec.FilterCriteria;
import dev.lamina.api.SecretRef;
import dev.lamina.api.SqsTarget;
import dev.lamina.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.Message;

/** What a function gets from a Kafka topic, and what is committed when, against a real broker (embedded KRaft). */
@Timeout(120)
class KafkaPollerTest extends ElasticMqFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new KafkaBroker();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** A Kafka mapping of the function {@code fn} on the test's topic, changed by the setters below. */
    private final class KafkaMapping {
        String bootstrap = kafka.bootstrap;
        String startingPosition = "TRIM_HORIZON";
        Integer batchSize;
        Integer windowSeconds;
        Integer retries;
        Destination onFailure;
        List<String> filters = List.of();
        boolean reportFailures;
        SecretRef credentials;
        EventSource.KafkaTls tls;

        KafkaMapping bootstrap(String servers) {
            bootstrap = servers;
            return this;
        }

        KafkaMapping startingPosition(String position) {
            startingPosition = position;
            return this;
        }

        KafkaMapping batchSize(int size) {
            batchSize = size;
            return this;
        }

        KafkaMapping window(int seconds) {
            windowSeconds = seconds;
            return this;
        }

        KafkaMapping retries(int attempts) {
            retries = attempts;
            return this;
        }

        KafkaMapping onFailure(String queueUrl) {
            onFailure = new Destination(null, new SqsTarget(queueUrl, mq.endpoint, "us-east-1", Sources.SECRET), null);
            return this;
        }

        KafkaMapping filters(String... patterns) {
            filters = List.of(patterns);
            return this;
        }

        KafkaMapping reportFailures() {
            reportFailures = true;
            return this;
        }

        KafkaMapping credentials(String secret) {
            credentials = new SecretRef(secret);
            return this;
        }

        KafkaMapping tls(String caSecret, String clientCertSecret) {
            tls = new EventSource.KafkaTls(true, new SecretRef(caSecret), new SecretRef(clientCertSecret));
            return this;
        }

        Mapping mapping() {
            EventSource.Kafka source = new EventSource.Kafka(List.of(bootstrap), name, null, credentials, null, tls);
            EventSourceMappingSpec spec = new EventSourceMappingSpec("fn", null, true,
                    new EventSource(null, source, null, null, null), batchSize, windowSeconds,
                    reportFailures ? List.of("ReportBatchItemFailures") : null,
                    filters.isEmpty() ? null : new FilterCriteria(filters.stream().map(Filter::new).toList()),
                    null, onFailure == null ? null : new DestinationConfig(onFailure), startingPosition, null, null,
                    null, retries, null, null);
            return new Mapping(new MappingKey(Sources.NAMESPACE, name), 1, spec);
        }
    }

    private KafkaMapping kafka() {
        return new KafkaMapping();
    }

    private Mapping poll(KafkaMapping kafka) {
        Mapping mapping = kafka.mapping();
        running.put(mapping);
        return mapping;
    }

    private String group() {
        return "lamina-" + Sources.NAMESPACE + "-" + name;
    }

    /** One record as a function got it: its partition, offset and decoded value. */
    private record Got(int partition, long offset, String value) {
    }

    private static List<JsonNode> records(ScriptedFunction.Event event) {
        List<JsonNode> records = new ArrayList<>();
        event.json().get("records").forEach(partition -> partition.forEach(records::add));
        return records;
    }

    private static List<Got> got(ScriptedFunction.Event event) {
        return records(event).stream().map(r -> new Got(r.get("partition").asInt(), r.get("offset").asLong(),
                r.has("value") ? decoded(r.get("value").asText()) : null)).toList();
    }

    private static List<String> values(Collection<ScriptedFunction.Event> events) {
        return events.stream().flatMap(e -> got(e).stream()).map(Got::value).toList();
    }

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void theFunctionGetsLambdasSelfManagedKafkaEvent() throws Exception {
        kafka.createTopic(name, 2);
        kafka.send(name, 1, "user-7", "{\"n\":1}", Map.of("trace", "abc".getBytes(StandardCharsets.UTF_8)));
        kafka.send(name, 1, null, "no key", Map.of());

        poll(kafka().batchSize(2));

        await().atMost(WITHIN).until(() -> values(sources.function.events()).size() == 2);
        JsonNode event = sources.function.events().getFirst().json();
        assertThat(event.get("eventSource").asText()).isEqualTo("SelfManagedKafka");
        assertThat(event.get("bootstrapServers").asText()).isEqualTo(kafka.bootstrap);
        assertThat(event.has("eventSourceArn")).isFalse();
        assertThat(event.get("records").properties()).extracting(Map.Entry::getKey).containsExactly(name + "-1");
        JsonNode first = event.get("records").get(name + "-1").get(0);
        assertThat(JSON.convertValue(first, Map.class).keySet()).containsExactly("topic", "partition", "offset",
                "timestamp", "timestampType", "key", "value", "headers");
        assertThat(first.get("topic").asText()).isEqualTo(name);
        assertThat(first.get("partition").isInt()).isTrue();
        assertThat(first.get("partition").asInt()).isEqualTo(1);
        assertThat(first.get("offset").isIntegralNumber()).isTrue();
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(first.get("timestamp").asLong()).isPositive();
        assertThat(first.get("timestampType").asText()).isEqualTo("CREATE_TIME");
        assertThat(decoded(first.get("key").asText())).isEqualTo("user-7");
        assertThat(decoded(first.get("value").asText())).isEqualTo("{\"n\":1}");
        assertThat(first.get("headers").toString()).isEqualTo("[{\"trace\":[97,98,99]}]");
        JsonNode second = event.get("records").get(name + "-1").get(1);
        assertThat(second.has("key")).isFalse();
        assertThat(second.get("offset").asLong()).isEqualTo(1);
        assertThat(second.get("headers").toString()).isEqualTo("[]");
        await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(1, 2L)));
    }

    @Test
    void batchesCloseAtTheBatchSize() {
        kafka.createTopic(name, 1);
        for (int i = 0; i < 250; i++) {
            kafka.send(name, 0, "m" + i);
        }

        Mapping mapping = poll(kafka().batchSize(100).window(5));

        await().atMost(WITHIN).until(() -> values(sources.function.events()).size() == 250);
        assertThat(sources.function.events()).extracting(e -> records(e).size()).containsExactly(100, 100, 50);
        assertThat(values(sources.function.events()))
                .containsExactlyElementsOf(IntStream.range(0, 250).mapToObj(i -> "m" + i).toList());
        await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(0, 250L)));
        assertThat(sources.count(mapping, "PolledEventCount")).isEqualTo(250);
        assertThat(sources.count(mapping, "InvokedEventCount")).isEqualTo(250);
        assertThat(sources.state(mapping).state()).isEqualTo(MappingState.State.Enabled);
        assertThat(sources.state(mapping).lastProcessingResult()).isEqualTo("OK");
    }

    @Test
    void aBatchingWindowGathersWhatArrivesWhileItIsOpen() throws InterruptedException {
        kafka.createTopic(name, 1);
        Mapping mapping = poll(kafka().startingPosition("LATEST").batchSize(100).window(3));
        await().atMost(WITHIN).until(() -> !kafka.members(group()).isEmpty()
                && kafka.members(group()).values().iterator().next().size() == 1);

        kafka.send(name, 0, "a");
        Thread.sleep(200);
        kafka.send(name, 0, "b");
        Thread.sleep(200);
        kafka.send(name, 0, "c");

        await().atMost(WITHIN).until(() -> values(sources.function.events()).size() == 3);
        assertThat(sources.function.events()).hasSize(1);
        assertThat(values(sources.function.events())).containsExactly("a", "b", "c");
        assertThat(sources.state(mapping).state()).isEqualTo(MappingState.State.Enabled);
    }

    @Test
    void orderPerPartitionHoldsWhileFailedBatchesAreRetried() {
        kafka.createTopic(name, 3);
        int perPartition = 200;
        for (int i = 0; i < perPartition; i++) {
            for (int p = 0; p < 3; p++) {
                kafka.send(name, p, "p" + p + "-" + i);
            }
        }
        // 2 % of the records fail their batch the first time they are sent.
        Set<String> failOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        IntStream.range(0, perPartition).filter(i -> i % 50 == 7)
                .forEach(i -> IntStream.range(0, 3).forEach(p -> failOnce.add("p" + p + "-" + i)));
        List<Got> succeeded = new CopyOnWriteArrayList<>();
        sources.function.script = event -> {
            List<Got> batch = got(event);
            if (batch.stream().anyMatch(g -> failOnce.remove(g.value()))) {
                return error();
            }
            succeeded.addAll(batch);
            return ok("");
        };

        poll(kafka().batchSize(10).window(1));

        await().atMost(WITHIN.multipliedBy(2)).until(() -> succeeded.size() >= 3 * perPartition);
        assertThat(failOnce).isEmpty();
        for (int p = 0; p < 3; p++) {
            int partition = p;
            assertThat(succeeded.stream().filter(g -> g.partition() == partition).map(Got::offset).toList())
                    .as("partition %d", p)
                    .containsExactlyElementsOf(IntStream.range(0, perPartition).mapToObj(i -> (long) i).toList());
        }
        await().atMost(WITHIN).until(() -> kafka.committed(group())
                .equals(Map.of(0, (long) perPartition, 1, (long) perPartition, 2, (long) perPartition)));
    }

    @Test
    void exhaustedRetriesGoToTheFailureDestinationAndThePartitionMovesOn() throws Exception {
        kafka.createTopic(name, 1);
        String failures = mq.queue(name + "-failures", 30);
        kafka.send(name, 0, "a");
        kafka.send(name, 0, "poison");
        kafka.send(name, 0, "b");
        List<String> succeeded = new CopyOnWriteArrayList<>();
        sources.function.script = event -> {
            List<Got> batch = got(event);
            if (batch.stream().anyMatch(g -> g.value().equals("poison"))) {
                return error();
            }
            batch.forEach(g -> succeeded.add(g.value()));
            return ok("");
        };

        Mapping mapping = poll(kafka().batchSize(10).window(2).retries(1).onFailure(failures));

        await().atMost(WITHIN).until(() -> mq.visible(failures) == 1);
        Message message = mq.drain(failures).getFirst();
        JsonNode record = JSON.readTree(message.body());
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.at("/requestContext/functionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn");
        assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.get("version").asText()).isEqualTo("1.0");
        JsonNode info = record.get("KafkaBatchInfo");
        assertThat(info.get("batchSize").asInt()).isEqualTo(3);
        assertThat(info.get("bootstrapServers").asText()).isEqualTo(kafka.bootstrap);
        assertThat(info.get("payloadSize").asInt()).isEqualTo(sources.function.events().getFirst().size());
        JsonNode partition = info.at("/recordsInfo/" + name + "-0");
        assertThat(partition.get("firstRecordOffset").asText()).isEqualTo("0");
        assertThat(partition.get("lastRecordOffset").asText()).isEqualTo("2");
        assertThat(partition.get("firstRecordTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");
        assertThat(partition.get("lastRecordTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");

        await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(0, 3L)));
        kafka.send(name, 0, "after");
        await().atMost(WITHIN).until(() -> succeeded.contains("after"));
        assertThat(succeeded).containsExactly("after");
        assertThat(sources.count(mapping, "OnFailureDestinationDeliveredEventCount")).isEqualTo(3);
    }

    @Test
    void reportedItemFailuresAreRetriedFromTheFirstOneReported() {
        kafka.createTopic(name, 1);
        for (int i = 0; i < 5; i++) {
            kafka.send(name, 0, "m" + i);
        }
        AtomicLong calls = new AtomicLong();
        sources.function.script = event -> calls.incrementAndGet() == 1
                ? ok("{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"" + name
                + "-0\",\"offset\":3}},{\"itemIdentifier\":{\"topic-partition\":\"" + name + "-0\",\"offset\":4}}]}")
                : ok("");

        poll(kafka().batchSize(10).window(2).reportFailures());

        await().atMost(WITHIN).until(() -> sources.function.events().size() == 2);
        assertThat(got(sources.function.events().get(1))).extracting(Got::value).containsExactly("m3", "m4");
        await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(0, 5L)));
    }

    @Test
    void aNewPollerResumesAfterTheLastCommittedRecord() {
        kafka.createTopic(name, 2);
        for (int i = 0; i < 100; i++) {
            kafka.send(name, i % 2, "m" + i);
        }
        sources.function.script = event -> {
            Thread.sleep(50);
            return ok("");
        };
        Mapping mapping = poll(kafka().batchSize(5).window(1));
        await().atMost(WITHIN).until(() -> values(sources.function.events()).size() >= 30);

        running.close();
        Map<Integer, Long> committed = kafka.committed(group());
        List<Got> first = sources.function.events().stream().flatMap(e -> got(e).stream()).toList();
        for (int p = 0; p < 2; p++) {
            int partition = p;
            long delivered = first.stream().filter(g -> g.partition() == partition).count();
            assertThat(committed.getOrDefault(p, 0L)).as("partition %d", p).isEqualTo(delivered);
        }

        Sources second = new Sources();
        try (EventSources resumed = new EventSources(second.with)) {
            resumed.put(mapping);
            await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(0, 50L, 1, 50L)));
            List<Got> rest = second.function.events().stream().flatMap(e -> got(e).stream()).toList();
            for (int p = 0; p < 2; p++) {
                int partition = p;
                assertThat(rest.stream().filter(g -> g.partition() == partition).map(Got::offset).toList())
                        .as("partition %d", p)
                        .containsExactlyElementsOf(java.util.stream.LongStream.range(committed.getOrDefault(p, 0L), 50)
                                .boxed().toList());
            }
        }
    }

    @Test
    void aSecondPollerOfTheGroupTakesSomePartitionsAndNothingIsLostOrReordered() {
        kafka.createTopic(name, 4);
        AtomicLong sequence = new AtomicLong();
        record Seen(long sequence, int poller, Got got) {
        }
        List<Seen> seen = new CopyOnWriteArrayList<>();
        Sources second = new Sources();
        for (int poller = 0; poller < 2; poller++) {
            int index = poller;
            (poller == 0 ? sources : second).function.script = event -> {
                Thread.sleep(20);
                long at = sequence.incrementAndGet();
                got(event).forEach(g -> seen.add(new Seen(at, index, g)));
                return ok("");
            };
        }
        for (int i = 0; i < 200; i++) {
            kafka.send(name, i % 4, "m" + i);
        }
        Mapping mapping = poll(kafka().batchSize(5).window(1));
        await().atMost(WITHIN).until(() -> seen.size() >= 40);

        try (EventSources joined = new EventSources(second.with)) {
            joined.put(mapping);
            await().atMost(WITHIN).until(() -> {
                Map<String, Set<TopicPartition>> members = kafka.members(group());
                return members.size() == 2 && members.values().stream().allMatch(p -> p.size() == 2);
            });
            for (int i = 200; i < 400; i++) {
                kafka.send(name, i % 4, "m" + i);
            }
            await().atMost(WITHIN.multipliedBy(2)).until(() -> kafka.committed(group())
                    .equals(Map.of(0, 100L, 1, 100L, 2, 100L, 3, 100L)));
            assertThat(seen).anyMatch(s -> s.poller() == 1);
            for (int p = 0; p < 4; p++) {
                int partition = p;
                assertThat(seen.stream().filter(s -> s.got().partition() == partition)
                        .sorted(java.util.Comparator.comparingLong(Seen::sequence))
                        .map(s -> s.got().offset()).toList())
                        .as("partition %d", p)
                        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 100).boxed().toList());
            }
        }
    }

    @Test
    void filtersMatchTheDecodedValueAndFilteredRecordsAreCommitted() {
        kafka.createTopic(name, 1);
        kafka.send(name, 0, "{\"type\":\"order\",\"n\":1}");
        kafka.send(name, 0, "{\"type\":\"refund\",\"n\":2}");
        kafka.send(name, 0, "not json");
        kafka.send(name, 0, "{\"type\":\"order\",\"n\":3}");
        kafka.send(name, 0, "{\"type\":\"refund\",\"n\":4}");

        Mapping mapping = poll(kafka().window(1).filters("{\"value\":{\"type\":[\"order\"]}}"));

        await().atMost(WITHIN).until(() -> kafka.committed(group()).equals(Map.of(0, 5L)));
        assertThat(values(sources.function.events()))
                .containsExactly("{\"type\":\"order\",\"n\":1}", "{\"type\":\"order\",\"n\":3}");
        assertThat(sources.count(mapping, "FilteredOutEventCount")).isEqualTo(3);
    }

    @Test
    void latestStartsAfterWhatWasWrittenBeforeAndTrimHorizonAtTheOldest() {
        kafka.createTopic(name, 1);
        kafka.send(name, 0, "old");

        poll(kafka().startingPosition("LATEST").window(1));
        AtomicLong written = new AtomicLong();
        // Written until one arrives: the consumer takes its position once it holds the partition.
        await().atMost(WITHIN).until(() -> {
            kafka.send(name, 0, "new-" + written.incrementAndGet());
            return !sources.function.events().isEmpty();
        });
        assertThat(values(sources.function.events())).doesNotContain("old").allMatch(v -> v.startsWith("new-"));

        Sources other = new Sources();
        try (EventSources fromOldest = new EventSources(other.with)) {
            fromOldest.put(withName(kafka().window(1).mapping(), name + "-oldest", name));
            await().atMost(WITHIN).until(() -> !other.function.events().isEmpty());
            assertThat(values(other.function.events()).getFirst()).isEqualTo("old");
        }
    }

    @Test
    void unreachableBrokersAMissingTopicAndRefusedCredentialsAreReportedAndRetried() {
        kafka.createTopic(name, 1);
        kafka.send(name, 0, "secured");
        String closedPort = "127.0.0.1:1";
        Mapping unreachable = new KafkaMapping().bootstrap(closedPort).mapping();
        Mapping missing = withName(new KafkaMapping().mapping(), name + "-missing", "no-such-topic");
        sources.secrets.put("kafka-user", Map.of("username", KafkaBroker.USER, "password", "wrong"));
        Mapping refused = withName(new KafkaMapping().bootstrap(kafka.saslBootstrap).credentials("kafka-user")
                .mapping(), name + "-sasl", name);

        running.put(unreachable);
        running.put(missing);
        running.put(refused);

        await().atMost(WITHIN).until(() -> reason(unreachable).equals("SourceUnreachable"));
        await().atMost(WITHIN).until(() -> reason(missing).equals("TopicNotFound"));
        await().atMost(WITHIN).until(() -> reason(refused).equals("AccessDenied"));
        assertThat(sources.state(refused).state()).isEqualTo(MappingState.State.Enabled);
        assertThat(sources.function.events()).isEmpty();

        sources.secrets.put("kafka-user", Map.of("username", KafkaBroker.USER, "password", KafkaBroker.PASSWORD));
        await().atMost(WITHIN.multipliedBy(2)).until(() -> !sources.function.events().isEmpty());
        assertThat(values(sources.function.events())).containsExactly("secured");
        assertThat(sources.state(refused).problem()).isNull();
    }

    @Test
    void tlsTrustsTheSecretsCaAndPresentsTheClientCertificate() {
        kafka.createTopic(name, 1);
        kafka.send(name, 0, "over tls");
        sources.secrets.put("kafka-ca", Map.of("ca.crt", kafka.certificate));
        sources.secrets.put("kafka-client", Map.of("tls.crt", kafka.certificate, "tls.key", kafka.privateKey));

        Mapping mapping = poll(kafka().bootstrap(kafka.tlsBootstrap).window(1).tls("kafka-ca", "kafka-client"));

        await().atMost(WITHIN).until(() -> !sources.function.events().isEmpty());
        assertThat(values(sources.function.events())).containsExactly("over tls");
        assertThat(sources.state(mapping).problem()).isNull();
    }

    private String reason(Mapping mapping) {
        MappingState state = sources.state(mapping);
        return state == null || state.problem() == null ? "" : state.problem().reason();
    }

    /** The mapping under another name, reading {@code topic}. */
    private static Mapping withName(Mapping mapping, String name, String topic) {
        EventSourceMappingSpec spec = mapping.spec();
        EventSource.Kafka source = spec.source().kafka();
        EventSource.Kafka renamed = new EventSource.Kafka(source.bootstrapServers(), topic, null,
                source.credentialsSecret(), source.saslMechanism(), source.tls());
        return new Mapping(new MappingKey(Sources.NAMESPACE, name), 1, new EventSourceMappingSpec(spec.function(),
                spec.qualifier(), spec.enabled(), new EventSource(null, renamed, null, null, null), spec.batchSize(),
                spec.maximumBatchingWindowSeconds(), spec.functionResponseTypes(), spec.filterCriteria(),
                spec.scalingConfig(), spec.destinationConfig(), spec.startingPosition(),
                spec.startingPositionTimestamp(), spec.parallelizationFactor(), spec.bisectBatchOnFunctionError(),
                spec.maximumRetryAttempts(), spec.maximumRecordAgeInSeconds(), spec.tumblingWindowInSeconds()));
    }
}
