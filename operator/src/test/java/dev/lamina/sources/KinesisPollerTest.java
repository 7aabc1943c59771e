package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;

/** A Kinesis mapping polled as Lambda polls it, against moto's Kinesis. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KinesisPollerTest extends MotoFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARD = "shardId-000000000000";
    private static final String CHILD = "shardId-000000000002:";
    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void recordsArriveWithEveryKeyLambdaSendsInBatchesOfBatchSize() {
        String arn = stream(1);
        byte[] binary = {0, 1, 2, (byte) 0xff, 'x'};
        List<String> sequences = new ArrayList<>();
        Instant before = Instant.now();
        sequences.add(put(arn, "k0", binary));
        for (int i = 1; i < 7; i++) {
            sequences.add(put(arn, "k" + i % 2, "{\"n\":" + i + "}"));
        }
        Instant after = Instant.now();
        Mapping mapping = kinesisMapping(arn).batchSize(3).mapping();
        running.put(mapping);

        eventually().until(() -> records().size() == 7);
        assertThat(sources.function.events()).extracting(e -> e.records().size()).containsExactly(3, 3, 1);
        List<JsonNode> records = records();
        assertThat(records).extracting(r -> r.path("kinesis").path("sequenceNumber").asText())
                .containsExactlyElementsOf(sequences);
        for (int i = 0; i < 7; i++) {
            JsonNode record = records.get(i);
            assertThat(record.properties()).extracting(e -> e.getKey()).containsExactly("kinesis", "eventSource",
                    "eventVersion", "eventID", "eventName", "invokeIdentityArn", "awsRegion", "eventSourceARN");
            assertThat(record.path("eventSource").asText()).isEqualTo("aws:kinesis");
            assertThat(record.path("eventVersion").asText()).isEqualTo("1.0");
            assertThat(record.path("eventID").asText()).isEqualTo(SHARD + ":" + sequences.get(i));
            assertThat(record.path("eventName").asText()).isEqualTo("aws:kinesis:record");
            assertThat(record.path("invokeIdentityArn").asText()).isEqualTo("arn:aws:iam::000000000000:role/lamina");
            assertThat(record.path("awsRegion").asText()).isEqualTo("us-east-1");
            assertThat(record.path("eventSourceARN").asText()).isEqualTo(arn);
            JsonNode kinesis = record.path("kinesis");
            assertThat(kinesis.properties()).extracting(e -> e.getKey()).containsExactly("kinesisSchemaVersion",
                    "partitionKey", "sequenceNumber", "data", "approximateArrivalTimestamp");
            assertThat(kinesis.path("kinesisSchemaVersion").asText()).isEqualTo("1.0");
            assertThat(kinesis.path("partitionKey").asText()).isEqualTo(i == 0 ? "k0" : "k" + i % 2);
            assertThat(kinesis.path("approximateArrivalTimestamp").isNumber()).isTrue();
            BigDecimal arrival = kinesis.path("approximateArrivalTimestamp").decimalValue();
            assertThat(arrival).isBetween(BigDecimal.valueOf(before.toEpochMilli() - 1000, 3),
                    BigDecimal.valueOf(after.toEpochMilli() + 1000, 3));
        }
        assertThat(Base64.getDecoder().decode(records.getFirst().path("kinesis").path("data").asText()))
                .isEqualTo(binary);
        assertThat(data(records.get(5))).isEqualTo("{\"n\":5}");
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping))
                .containsEntry(SHARD, sequences.getLast()));
        assertEnabled(sources.state(mapping));
        assertThat(sources.state(mapping).lastProcessingResult()).isEqualTo(MappingState.OK);
    }

    @Test
    void eachPartitionKeyStaysInOrderUnderFailuresWithParallelization() {
        String arn = stream(1);
        Map<String, List<String>> put = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            for (int k = 0; k < 8; k++) {
                String key = "key-" + k;
                put.computeIfAbsent(key, x -> new ArrayList<>()).add(put(arn, key, key + ":" + i));
            }
        }
        Random random = new Random(7);
        List<JsonNode> processed = new CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        sources.function.script = event -> {
            Thread.sleep(10);
            boolean fails;
            synchronized (random) {
                fails = random.nextInt(10) < 3;
            }
            if (fails) {
                failed.incrementAndGet();
                return ScriptedFunction.error();
            }
            processed.addAll(event.records());
            return ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).batchSize(5).parallelizationFactor(5).mapping();
        running.put(mapping);

        eventually().until(() -> processed.size() >= 160);
        put.forEach((key, sequences) -> assertThat(processed.stream()
                .filter(r -> r.path("kinesis").path("partitionKey").asText().equals(key))
                .map(r -> r.path("kinesis").path("sequenceNumber").asText()).toList())
                .as("every record of %s processed once, in order", key).containsExactlyElementsOf(sequences));
        assertThat(failed.get()).as("batches failed and were retried").isPositive();
        assertThat(sources.function.mostRunning()).as("batches of one shard ran side by side").isGreaterThan(1);
        String last = put.values().stream().flatMap(List::stream).max(KinesisPollerTest::compare).orElseThrow();
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, last));
    }

    @Test
    void bisectingIsolatesAPoisonRecordAndDeliversTheRestOfItsBatch() {
        String arn = stream(1);
        List<String> sequences = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sequences.add(put(arn, "k" + i, i == 6 ? "poison" : "good-" + i));
        }
        List<String> delivered = new CopyOnWriteArrayList<>();
        sources.function.script = event -> {
            List<String> data = event.records().stream().map(MotoFixture::data).toList();
            if (data.contains("poison")) {
                return ScriptedFunction.error();
            }
            delivered.addAll(data);
            return ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).batchSize(10).bisect().maximumRetryAttempts(1).mapping();
        running.put(mapping);

        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.getLast()));
        assertThat(delivered).containsExactlyInAnyOrder("good-0", "good-1", "good-2", "good-3", "good-4", "good-5",
                "good-7", "good-8", "good-9");
        assertThat(sources.function.events().getFirst().records()).as("one batch of all ten first").hasSize(10);
        assertThat(sources.function.events()).filteredOn(e -> e.records().size() == 1
                        && data(e.records().getFirst()).equals("poison"))
                .as("the poison alone, then its one retry").hasSize(2);
        assertThat(sources.count(mapping, "DroppedEventCount")).isEqualTo(1);
    }

    @Test
    void aBatchOutOfRetriesIsDescribedToTheDestinationAndTheShardMovesOn() throws Exception {
        String arn = stream(1);
        String failures = mq.queue(name + "-failures", 30);
        List<String> sequences = List.of(put(arn, "a", "bad"), put(arn, "b", "fine"), put(arn, "c", "later"));
        sources.function.script = event -> event.records().stream().anyMatch(r -> data(r).equals("bad"))
                ? ScriptedFunction.error() : ScriptedFunction.ok("");
        Mapping mapping = kinesisMapping(arn).batchSize(2).maximumRetryAttempts(2)
                .onFailure(failures, mq.endpoint).mapping();
        running.put(mapping);

        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(2)));
        assertThat(sources.function.events()).extracting(e -> e.records().stream().map(MotoFixture::data).toList())
                .containsExactly(List.of("bad", "fine"), List.of("bad", "fine"), List.of("bad", "fine"),
                        List.of("later"));
        List<Message> sent = mq.drain(failures);
        assertThat(sent).hasSize(1);
        JsonNode record = JSON.readTree(sent.getFirst().body());
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestContext").path("requestId").asText())
                .isEqualTo(sources.function.events().get(2).requestId());
        assertThat(record.path("requestContext").path("functionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn");
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("version").asText()).isEqualTo("1.0");
        assertThat(record.path("timestamp").asText()).matches(ISO_MILLIS);
        JsonNode info = record.path("KinesisBatchInfo");
        assertThat(info.properties()).extracting(e -> e.getKey()).containsExactlyInAnyOrder("shardId",
                "startSequenceNumber", "endSequenceNumber", "approximateArrivalOfFirstRecord",
                "approximateArrivalOfLastRecord", "batchSize", "streamArn");
        assertThat(info.path("shardId").asText()).isEqualTo(SHARD);
        assertThat(info.path("startSequenceNumber").asText()).isEqualTo(sequences.get(0));
        assertThat(info.path("endSequenceNumber").asText()).isEqualTo(sequences.get(1));
        assertThat(info.path("approximateArrivalOfFirstRecord").asText()).matches(ISO_MILLIS);
        assertThat(info.path("approximateArrivalOfLastRecord").asText()).matches(ISO_MILLIS);
        assertThat(info.path("batchSize").asInt()).isEqualTo(2);
        assertThat(info.path("streamArn").asText()).isEqualTo(arn);
        assertThat(sources.count(mapping, "OnFailureDestinationDeliveredEventCount")).isEqualTo(2);
    }

    @Test
    void recordsOlderThanTheMaximumAgeGoToTheDestinationUnsent() throws Exception {
        String arn = stream(1);
        String failures = mq.queue(name + "-failures", 30);
        List<String> sequences = List.of(put(arn, "a", "old-1"), put(arn, "b", "old-2"));
        sources.clockAhead = Duration.ofMinutes(5);
        Mapping mapping = kinesisMapping(arn).maximumRecordAgeInSeconds(60).onFailure(failures, mq.endpoint)
                .mapping();
        running.put(mapping);

        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(1)));
        assertThat(sources.function.events()).isEmpty();
        List<Message> sent = mq.drain(failures);
        assertThat(sent).hasSize(1);
        JsonNode record = JSON.readTree(sent.getFirst().body());
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RecordAgeExceeded");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isZero();
        assertThat(record.has("responseContext")).isFalse();
        assertThat(record.path("KinesisBatchInfo").path("batchSize").asInt()).isEqualTo(2);
        assertThat(record.path("KinesisBatchInfo").path("endSequenceNumber").asText()).isEqualTo(sequences.get(1));
    }

    @Test
    void reportedItemFailuresStopTheCheckpointBeforeTheFirstAndAreRetriedWithTheRest() throws Exception {
        String arn = stream(1);
        List<String> sequences = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sequences.add(put(arn, "k" + i, "r" + i));
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        sources.function.script = event -> switch (calls.incrementAndGet()) {
            case 1 -> ScriptedFunction.failures(List.of(sequences.get(6), sequences.get(3)));
            case 2 -> {
                release.await();
                yield ScriptedFunction.ok("{\"batchItemFailures\":[]}");
            }
            default -> ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).batchSize(10).reportFailures().mapping();
        running.put(mapping);

        eventually().until(() -> sources.function.events().size() == 2);
        assertThat(sources.function.events().get(1).records()).extracting(MotoFixture::data)
                .containsExactly("r3", "r4", "r5", "r6", "r7", "r8", "r9");
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(2)));
        release.countDown();
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(9)));
        assertThat(sources.function.events()).hasSize(2);
    }

    @Test
    void aNewPollerResumesAfterTheCheckpointOfTheOneStopped() {
        String arn = stream(1);
        List<String> sequences = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sequences.add(put(arn, "k", "r" + i));
        }
        List<String> processed = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        sources.function.script = event -> {
            if (calls.incrementAndGet() > 3) {
                return ScriptedFunction.error();
            }
            event.records().forEach(r -> processed.add(data(r)));
            return ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).batchSize(5).mapping();
        running.put(mapping);
        eventually().until(() -> calls.get() > 4);
        running.close();
        assertThat(checkpoints(mapping)).as("written on close").containsEntry(SHARD, sequences.get(14));

        int before = processed.size();
        sources.function.script = event -> {
            event.records().forEach(r -> processed.add(data(r)));
            return ScriptedFunction.ok("");
        };
        running = new EventSources(sources.with);
        running.put(mapping);
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(29)));
        assertThat(processed.subList(0, before)).containsExactlyElementsOf(
                IntStream.range(0, 15).mapToObj(i -> "r" + i).toList());
        assertThat(processed.subList(before, processed.size())).as("nothing lost, nothing sent twice")
                .containsExactlyElementsOf(IntStream.range(15, 30).mapToObj(i -> "r" + i).toList());
    }

    @Test
    void aSplitShardIsReadToItsEndAndDoneBeforeItsChildrenAreRead() {
        String arn = stream(1);
        for (int i = 0; i < 6; i++) {
            put(arn, "p" + i, "parent-" + i);
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        sources.function.script = event -> {
            if (calls.incrementAndGet() == 1) {
                release.await();
            }
            return ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).mapping();
        running.put(mapping);
        eventually().until(() -> calls.get() == 1);

        kinesis.splitShard(b -> b.streamARN(arn).shardToSplit(SHARD)
                .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
        // moto routes records put after a split to the closed parent still (AWS: to the children).
        put(arn, "c0", "after-the-split");
        assertThat(kinesis.listShards(b -> b.streamARN(arn)).shards()).extracting(s -> s.shardId())
                .containsExactly(SHARD, "shardId-000000000001", "shardId-000000000002");
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10))
                .until(() -> sources.function.events().size() == 1 && !checkpoints(mapping).containsKey(SHARD));

        release.countDown();
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping))
                .containsEntry(SHARD, CheckpointStore.SHARD_END));
        assertThat(records()).extracting(MotoFixture::data).containsExactly("parent-0", "parent-1", "parent-2",
                "parent-3", "parent-4", "parent-5", "after-the-split");
        eventually().untilAsserted(() -> assertThat(sources.state(mapping).shards())
                .extracting(MappingState.ShardLag::shard)
                .as("the children are read once the parent is done")
                .containsExactly("shardId-000000000001", "shardId-000000000002"));
    }

    @Test
    void theChildOfAMergeIsReadOnlyOnceBothParentsAreDoneAndAllOfIt() {
        String arn = stream(2);
        Map<String, List<String>> byShard = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            String data = "record-" + i;
            String shard = kinesis.putRecord(b -> b.streamARN(arn).partitionKey("k" + data)
                    .data(SdkBytes.fromUtf8String(data))).shardId();
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(data);
        }
        assertThat(byShard).as("records in both shards").hasSize(2);
        CountDownLatch release = new CountDownLatch(1);
        sources.function.script = event -> {
            if (!event.records().getFirst().path("eventID").asText().startsWith(CHILD)) {
                release.await();
            }
            return ScriptedFunction.ok("");
        };
        Mapping mapping = kinesisMapping(arn).mapping();
        running.put(mapping);
        eventually().until(() -> sources.function.events().size() == 2);

        // moto copies both parents' records into the child: it holds them all after theirs.
        kinesis.mergeShards(b -> b.streamARN(arn).shardToMerge(SHARD).adjacentShardToMerge("shardId-000000000001"));
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10))
                .until(() -> sources.function.events().size() == 2);

        release.countDown();
        List<String> all = byShard.values().stream().flatMap(List::stream).toList();
        eventually().until(() -> records().stream().filter(r -> r.path("eventID").asText().startsWith(CHILD))
                .count() == all.size());
        List<ScriptedFunction.Event> events = sources.function.events();
        assertThat(events.subList(0, 2)).flatExtracting(ScriptedFunction.Event::records).extracting(MotoFixture::data)
                .containsExactlyInAnyOrderElementsOf(all);
        assertThat(events.subList(2, events.size())).flatExtracting(ScriptedFunction.Event::records)
                .allSatisfy(r -> assertThat(r.path("eventID").asText()).startsWith(CHILD))
                .extracting(MotoFixture::data).containsExactlyInAnyOrderElementsOf(all);
        eventually().untilAsserted(() -> assertThat(checkpoints(mapping))
                .containsEntry(SHARD, CheckpointStore.SHARD_END)
                .containsEntry("shardId-000000000001", CheckpointStore.SHARD_END)
                .containsEntry("shardId-000000000002", Integer.toString(all.size())));
    }

    @Test
    void filtersMatchTheDecodedDataAndWhatTheyLeaveOutIsCheckpointedPast() {
        String arn = stream(1);
        List<String> sequences = List.of(
                put(arn, "a", "{\"type\":\"order\",\"id\":1}"),
                put(arn, "a", "{\"type\":\"refund\",\"id\":2}"),
                put(arn, "a", "plain text"),
                put(arn, "vip", "plain text from a vip"),
                put(arn, "a", "{\"type\":\"order\",\"id\":3}"),
                put(arn, "a", "{\"type\":\"refund\",\"id\":4}"));
        Mapping mapping = kinesisMapping(arn)
                .filters("{\"data\":{\"type\":[\"order\"]}}", "{\"partitionKey\":[\"vip\"]}").mapping();
        running.put(mapping);

        eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsEntry(SHARD, sequences.get(5)));
        assertThat(records()).extracting(MotoFixture::data).containsExactly("{\"type\":\"order\",\"id\":1}",
                "plain text from a vip", "{\"type\":\"order\",\"id\":3}");
        assertThat(sources.count(mapping, "FilteredOutEventCount")).isEqualTo(3);
    }

    @Test
    void aTumblingWindowCarriesItsStateAndEndsWithAFinalInvocation() {
        String arn = stream(1);
        for (int i = 0; i < 6; i++) {
            put(arn, "k", "r" + i);
        }
        sources.function.script = event -> {
            int count = event.json().path("state").path("count").asInt(0) + event.records().size();
            return ScriptedFunction.ok("{\"state\":{\"count\":" + count + "}}");
        };
        Mapping mapping = kinesisMapping(arn).batchSize(2).tumblingWindowInSeconds(1).mapping();
        running.put(mapping);

        eventually().until(() -> sources.function.events().stream()
                .filter(e -> e.json().path("isFinalInvokeForWindow").asBoolean())
                .mapToInt(e -> e.json().path("state").path("count").asInt()).sum() == 6);
        Map<String, List<JsonNode>> windows = new LinkedHashMap<>();
        for (ScriptedFunction.Event event : sources.function.events()) {
            JsonNode json = event.json();
            assertThat(json.path("shardId").asText()).isEqualTo(SHARD);
            assertThat(json.path("eventSourceARN").asText()).isEqualTo(arn);
            assertThat(json.path("isWindowTerminatedEarly").asBoolean()).isFalse();
            Instant start = Instant.parse(json.path("window").path("start").asText());
            assertThat(Instant.parse(json.path("window").path("end").asText())).isEqualTo(start.plusSeconds(1));
            windows.computeIfAbsent(start.toString(), w -> new ArrayList<>()).add(json);
        }
        windows.forEach((start, invocations) -> {
            int seen = 0;
            for (JsonNode invocation : invocations) {
                assertThat(invocation.path("state").path("count").asInt(0)).as("the state the window carried")
                        .isEqualTo(seen);
                seen += invocation.path("Records").size();
            }
            JsonNode last = invocations.getLast();
            assertThat(last.path("isFinalInvokeForWindow").asBoolean()).isTrue();
            assertThat(last.path("Records").size()).isZero();
            assertThat(invocations.subList(0, invocations.size() - 1))
                    .noneMatch(i -> i.path("isFinalInvokeForWindow").asBoolean());
        });
        assertThat(records()).extracting(MotoFixture::data).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void aMissingStreamIsAProblemUntilItExistsAndTheStatusShowsShardsAndTheirLag() {
        String arn = "arn:aws:kinesis:us-east-1:123456789012:stream/" + name;
        Mapping mapping = kinesisMapping(arn).mapping();
        running.put(mapping);
        eventually().untilAsserted(() -> {
            MappingState state = sources.state(mapping);
            assertThat(state.problem()).isNotNull();
            assertThat(state.problem().reason()).isEqualTo("StreamNotFound");
        });

        assertThat(stream(2)).isEqualTo(arn);
        put(arn, "k", "hello");
        eventually().until(() -> records().size() == 1);
        eventually().untilAsserted(() -> {
            MappingState state = sources.state(mapping);
            assertEnabled(state);
            assertThat(state.lastProcessingResult()).isEqualTo(MappingState.OK);
            assertThat(state.shards()).extracting(MappingState.ShardLag::shard)
                    .containsExactly(SHARD, "shardId-000000000001");
        });
    }

    @Test
    void atTimestampStartsWithTheFirstRecordThatArrivedSince() throws Exception {
        String arn = stream(1);
        put(arn, "k", "before");
        Thread.sleep(100);
        Instant since = Instant.now();
        Thread.sleep(100);
        put(arn, "k", "after");
        running.put(kinesisMapping(arn).startingAt(since.toString()).mapping());

        eventually().until(() -> records().size() == 1);
        assertThat(data(records().getFirst())).isEqualTo("after");
    }

    @Test
    void latestSkipsWhatIsAlreadyInTheStream() {
        String arn = stream(1);
        put(arn, "k", "before");
        Mapping mapping = kinesisMapping(arn).startingPosition("LATEST").mapping();
        running.put(mapping);
        eventually().untilAsserted(() -> assertThat(sources.state(mapping).shards())
                .as("the shard is read").extracting(MappingState.ShardLag::shard).containsExactly(SHARD));

        put(arn, "k", "after");
        eventually().until(() -> records().size() == 1);
        assertThat(data(records().getFirst())).isEqualTo("after");
    }

    /** Orders sequence numbers, decimal strings. */
    private static int compare(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b));
    }
}
