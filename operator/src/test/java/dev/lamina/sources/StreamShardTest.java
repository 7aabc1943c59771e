package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.Destination;
import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lambda's stream semantics on one shard, engine aside: order per key across concurrent batches, retries, bisecting,
 * record age, partial batch responses, tumbling windows and a checkpoint that never passes a record still to be done.
 */
@Timeout(60)
class StreamShardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Mapping MAPPING = new Mapping(new MappingKey(Sources.NAMESPACE, "stream"), 1,
            new EventSourceMappingSpec("fn", null, true, new EventSource(null, null,
                    new EventSource.Stream("arn:aws:kinesis:us-east-1:000000000000:stream/s", null, null, null),
                    null, null), null, null, null, null, null, null, "TRIM_HORIZON", null, null, null, null,
                    null, null));

    private final Sources sources = new Sources();
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Events of the form {"Records":[{"seq":"7","key":"a"}, …]}, with the window fields when there is one. */
    private static final StreamShape SHAPE = new StreamShape() {
        @Override
        public byte[] event(String shard, List<StreamRecord> records, TumblingWindow.Invocation window) {
            ObjectNode event = JSON.createObjectNode();
            ArrayNode array = event.putArray("Records");
            records.forEach(r -> array.add(parse(r.record())));
            if (window != null) {
                window.addTo(event, shard, "arn:test");
            }
            return event.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String batchInfoName() {
            return "TestBatchInfo";
        }

        @Override
        public ObjectNode batchInfo(String shard, List<StreamRecord> records) {
            ObjectNode info = JSON.createObjectNode();
            info.put("shardId", shard);
            info.put("startSequenceNumber", records.getFirst().position());
            info.put("endSequenceNumber", records.getLast().position());
            info.put("batchSize", records.size());
            return info;
        }
    };

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    private static StreamSettings settings(int batchSize, int lanes) {
        return new StreamSettings(batchSize, Duration.ZERO, lanes, false, -1, null, false, null, null);
    }

    private StreamShard shard(StreamSettings settings) {
        StreamFunction function = new StreamFunction(MAPPING, sources.with, SHAPE,
                new SourceMetrics(sources.registry, MAPPING), new StateReporter(MAPPING, sources.with.status()),
                settings.onFailure());
        StreamShard shard = new StreamShard("shard-0", settings, function, (s, position) -> checkpoints.add(position),
                sources.with.clock());
        opened.add(function);
        opened.add(shard);
        shard.start();
        return shard;
    }

    private static StreamRecord record(int seq, String key, long arrivalMillis, boolean matched) {
        String json = "{\"seq\":\"" + seq + "\",\"key\":\"" + key + "\"}";
        return new StreamRecord(Integer.toString(seq), key, arrivalMillis, json.getBytes(StandardCharsets.UTF_8),
                matched);
    }

    private static StreamRecord record(int seq, String key) {
        return record(seq, key, System.currentTimeMillis(), true);
    }

    private static List<StreamRecord> records(int from, int to, String key) {
        return IntStream.range(from, to).mapToObj(i -> record(i, key)).toList();
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> seqs(ScriptedFunction.Event event) {
        return event.records().stream().map(r -> r.get("seq").asText()).toList();
    }

    private void awaitCheckpoint(String position) {
        await().atMost(WITHIN).until(() -> !checkpoints.isEmpty() && checkpoints.getLast().equals(position));
    }

    private static Destination webhook(Webhook hook) {
        return new Destination(null, null, new Destination.HttpTarget(hook.url()));
    }

    /** Keys whose records go to distinct lanes of a shard with {@code lanes} lanes. */
    private static List<String> keysOnDistinctLanes(int lanes) {
        Map<Integer, String> byLane = new ConcurrentHashMap<>();
        for (int i = 0; byLane.size() < lanes; i++) {
            byLane.putIfAbsent(Math.floorMod(("key-" + i).hashCode(), lanes), "key-" + i);
        }
        return List.copyOf(byLane.values());
    }

    @Test
    void keepsEveryKeyInOrderWhileFailedBatchesAreRetriedAcrossFiveLanes() throws Exception {
        Random random = new Random(7);
        Map<String, List<Integer>> delivered = new ConcurrentHashMap<>();
        sources.function.script = event -> {
            boolean fail;
            synchronized (random) {
                fail = random.nextInt(5) == 0;
            }
            if (fail) {
                return ScriptedFunction.error();
            }
            event.records().forEach(r -> delivered.computeIfAbsent(r.get("key").asText(),
                    k -> new CopyOnWriteArrayList<>()).add(r.get("seq").asInt()));
            return ScriptedFunction.ok("");
        };
        StreamShard shard = shard(settings(10, 5));
        List<StreamRecord> all = IntStream.range(0, 500).mapToObj(i -> record(i, "k" + (i % 20))).toList();
        for (int i = 0; i < all.size(); i += 50) {
            assertThat(shard.awaitRoom()).isTrue();
            shard.offer(all.subList(i, i + 50), 0);
        }

        awaitCheckpoint("499");
        assertThat(delivered).hasSize(20);
        delivered.forEach((key, seqs) -> assertThat(seqs).as("records of %s, in the order processed", key)
                .containsExactlyElementsOf(IntStream.range(0, 500).filter(i -> ("k" + (i % 20)).equals(key))
                        .boxed().toList()));
        assertThat(sources.function.mostRunning()).isLessThanOrEqualTo(5);
    }

    @Test
    void runsUpToParallelizationFactorBatchesOfOneShardAtOnce() throws Exception {
        CyclicBarrier five = new CyclicBarrier(5);
        AtomicBoolean allRan = new AtomicBoolean();
        sources.function.script = event -> {
            five.await(20, TimeUnit.SECONDS);
            allRan.set(true);
            return ScriptedFunction.ok("");
        };
        StreamShard shard = shard(settings(10, 5));
        List<StreamRecord> records = new ArrayList<>();
        List<String> keys = keysOnDistinctLanes(5);
        for (int i = 0; i < 5; i++) {
            records.add(record(i, keys.get(i)));
        }
        shard.offer(records, 0);

        awaitCheckpoint("4");
        assertThat(allRan).isTrue();
    }

    @Test
    void checkpointNeverPassesARecordStillUnderWay() throws Exception {
        List<String> keys = keysOnDistinctLanes(2);
        CountDownLatch release = new CountDownLatch(1);
        sources.function.script = event -> {
            if (seqs(event).contains("0")) {
                assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            }
            return ScriptedFunction.ok("");
        };
        StreamShard shard = shard(settings(10, 2));
        List<StreamRecord> records = new ArrayList<>(List.of(record(0, keys.get(0))));
        records.addAll(records(1, 4, keys.get(1)));
        shard.offer(records, 0);

        await().atMost(WITHIN).until(() -> sources.function.events().stream()
                .anyMatch(e -> seqs(e).equals(List.of("1", "2", "3"))));
        assertThat(checkpoints).as("record 0 is still under way").isEmpty();
        release.countDown();
        awaitCheckpoint("3");
    }

    @Test
    void bisectingIsolatesThePoisonRecordAndDeliversTheRest() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        sources.function.script = event -> {
            if (seqs(event).contains("5")) {
                return ScriptedFunction.error();
            }
            delivered.addAll(seqs(event));
            return ScriptedFunction.ok("");
        };
        try (Webhook hook = new Webhook()) {
            StreamShard shard = shard(new StreamSettings(8, Duration.ZERO, 1, true, 0, null, false, null,
                    webhook(hook)));
            shard.offer(records(0, 8, "a"), 0);

            JsonNode failure = JSON.readTree(hook.next());
            assertThat(failure.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(failure.at("/TestBatchInfo/startSequenceNumber").asText()).isEqualTo("5");
            assertThat(failure.at("/TestBatchInfo/batchSize").asInt()).isEqualTo(1);
            // 0-7 failed, 4-7 failed, 4-5 failed, then 5 alone: four invocations held record 5.
            assertThat(failure.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(4);
            awaitCheckpoint("7");
            assertThat(delivered).containsExactly("0", "1", "2", "3", "4", "6", "7");
        }
    }

    @Test
    void exhaustedRetriesSendLambdasRecordToTheDestinationAndTheShardMovesOn() throws Exception {
        sources.function.script = event -> seqs(event).contains("0") ? ScriptedFunction.error()
                : ScriptedFunction.ok("");
        try (Webhook hook = new Webhook()) {
            StreamShard shard = shard(new StreamSettings(3, Duration.ZERO, 1, false, 2, null, false, null,
                    webhook(hook)));
            shard.offer(records(0, 3, "a"), 0);

            JsonNode failure = JSON.readTree(hook.next());
            assertThat(failure.get("version").asText()).isEqualTo("1.0");
            assertThat(failure.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
            JsonNode request = failure.get("requestContext");
            assertThat(request.get("requestId").asText()).isEqualTo(sources.function.events().getLast().requestId());
            assertThat(request.get("functionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn");
            assertThat(request.get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(request.get("approximateInvokeCount").asInt()).isEqualTo(3);
            JsonNode response = failure.get("responseContext");
            assertThat(response.get("statusCode").asInt()).isEqualTo(200);
            assertThat(response.get("executedVersion").asText()).isEqualTo("$LATEST");
            assertThat(response.get("functionError").asText()).isEqualTo("Unhandled");
            assertThat(failure.at("/TestBatchInfo/shardId").asText()).isEqualTo("shard-0");
            assertThat(failure.at("/TestBatchInfo/endSequenceNumber").asText()).isEqualTo("2");
            assertThat(sources.function.events()).hasSize(3);

            shard.offer(records(3, 6, "a"), 0);
            awaitCheckpoint("5");
            assertThat(seqs(sources.function.events().getLast())).containsExactly("3", "4", "5");
            assertThat(sources.count(MAPPING, "OnFailureDestinationDeliveredEventCount")).isEqualTo(3);
        }
    }

    @Test
    void recordsOlderThanTheMaximumAgeGoToTheDestinationUnsent() throws Exception {
        try (Webhook hook = new Webhook()) {
            StreamShard shard = shard(new StreamSettings(10, Duration.ZERO, 1, false, -1, Duration.ofSeconds(60),
                    false, null, webhook(hook)));
            sources.clockAhead = Duration.ofMinutes(2);
            long twoMinutesAgo = System.currentTimeMillis();
            shard.offer(List.of(record(0, "a", twoMinutesAgo, true), record(1, "a", twoMinutesAgo, true)), 0);

            JsonNode failure = JSON.readTree(hook.next());
            assertThat(failure.at("/requestContext/condition").asText()).isEqualTo("RecordAgeExceeded");
            assertThat(failure.at("/requestContext/approximateInvokeCount").asInt()).isZero();
            assertThat(failure.has("responseContext")).isFalse();
            assertThat(failure.at("/TestBatchInfo/batchSize").asInt()).isEqualTo(2);
            awaitCheckpoint("1");
            assertThat(sources.function.events()).isEmpty();
        }
    }

    @Test
    void aPartialBatchResponseCheckpointsBeforeTheFirstFailedRecordAndRetriesFromIt() {
        AtomicBoolean first = new AtomicBoolean(true);
        sources.function.script = event -> first.getAndSet(false)
                ? ScriptedFunction.failures(List.of("3", "5")) : ScriptedFunction.ok("");
        StreamShard shard = shard(new StreamSettings(10, Duration.ZERO, 1, false, -1, null, true, null, null));
        shard.offer(records(0, 6, "a"), 0);

        awaitCheckpoint("5");
        assertThat(checkpoints).startsWith("2");
        assertThat(sources.function.events()).extracting(StreamShardTest::seqs)
                .containsExactly(List.of("0", "1", "2", "3", "4", "5"), List.of("3", "4", "5"));
    }

    @Test
    void filteredOutRecordsAreSkippedAndCheckpointedPast() {
        StreamShard shard = shard(settings(10, 1));
        long now = System.currentTimeMillis();
        shard.offer(List.of(record(0, "a", now, true), record(1, "a", now, false), record(2, "a", now, false)), 0);

        awaitCheckpoint("2");
        assertThat(sources.function.events()).extracting(StreamShardTest::seqs).containsExactly(List.of("0"));
        assertThat(sources.count(MAPPING, "FilteredOutEventCount")).isEqualTo(2);
    }

    @Test
    void aTumblingWindowCarriesStateAndEndsWithAFinalInvocation() {
        sources.function.script = event -> {
            int count = event.json().at("/state/count").asInt(0) + event.records().size();
            return ScriptedFunction.ok("{\"state\":{\"count\":" + count + "}}");
        };
        StreamShard shard = shard(new StreamSettings(10, Duration.ZERO, 1, false, -1, null, false,
                Duration.ofSeconds(60), null));
        long window = (System.currentTimeMillis() / 60_000 - 3) * 60_000;
        // The reader is far behind: nothing tells the shard the first window is over until a later record comes.
        long behind = Duration.ofHours(1).toMillis();
        shard.offer(List.of(record(0, "a", window + 1_000, true)), behind);
        await().atMost(WITHIN).until(() -> sources.function.events().size() == 1);
        shard.offer(List.of(record(1, "a", window + 2_000, true)), behind);
        await().atMost(WITHIN).until(() -> sources.function.events().size() == 2);
        shard.offer(List.of(record(2, "a", window + 61_000, true)), 0);

        await().atMost(WITHIN).until(() -> sources.function.events().size() == 5);
        List<JsonNode> events = sources.function.events().stream().map(ScriptedFunction.Event::json).toList();
        String firstStart = java.time.Instant.ofEpochMilli(window).toString();
        String secondStart = java.time.Instant.ofEpochMilli(window + 60_000).toString();
        assertThat(events).extracting(e -> e.at("/window/start").asText())
                .containsExactly(firstStart, firstStart, firstStart, secondStart, secondStart);
        assertThat(events).extracting(e -> e.get("isFinalInvokeForWindow").asBoolean())
                .containsExactly(false, false, true, false, true);
        assertThat(events).extracting(e -> e.at("/state/count").asInt(0)).containsExactly(0, 1, 2, 0, 1);
        assertThat(events).extracting(e -> e.get("Records").size()).containsExactly(1, 1, 0, 1, 0);
        assertThat(events.getFirst().get("shardId").asText()).isEqualTo("shard-0");
        assertThat(events.getFirst().get("isWindowTerminatedEarly").asBoolean()).isFalse();
        awaitCheckpoint("2");
    }

    @Test
    void aStateOverOneMegabyteEndsTheWindowEarlyAndItGoesOnWithAFreshState() {
        String big = "x".repeat(TumblingWindow.MAX_STATE_BYTES);
        // Record 0's invocation answers with a state over 1 MB; every other one with an empty state.
        sources.function.script = event -> seqs(event).equals(List.of("0"))
                ? ScriptedFunction.ok("{\"state\":{\"big\":\"" + big + "\"}}") : ScriptedFunction.ok("{\"state\":{}}");
        StreamShard shard = shard(new StreamSettings(1, Duration.ZERO, 1, false, -1, null, false,
                Duration.ofSeconds(60), null));
        long window = (System.currentTimeMillis() / 60_000 - 3) * 60_000;
        long behind = Duration.ofHours(1).toMillis();
        shard.offer(List.of(record(0, "a", window + 1_000, true), record(1, "a", window + 2_000, true)), behind);

        await().atMost(WITHIN).until(() -> sources.function.events().size() == 3);
        List<JsonNode> events = sources.function.events().stream().map(ScriptedFunction.Event::json).toList();
        assertThat(events).extracting(e -> e.get("isWindowTerminatedEarly").asBoolean())
                .containsExactly(false, true, false);
        assertThat(events).extracting(e -> e.get("isFinalInvokeForWindow").asBoolean())
                .containsExactly(false, true, false);
        assertThat(events.get(1).at("/state/big").asText()).hasSize(big.length());
        assertThat(events.get(2).get("state").isEmpty()).as("the window goes on with a fresh state").isTrue();
        assertThat(events.get(2).at("/window/start").asText()).isEqualTo(events.get(0).at("/window/start").asText());
        awaitCheckpoint("1");
    }

    @Test
    void aTumblingWindowResponseWithoutStateCountsAsAFailure() {
        AtomicBoolean first = new AtomicBoolean(true);
        sources.function.script = event -> first.getAndSet(false) ? ScriptedFunction.ok("{}")
                : ScriptedFunction.ok("{\"state\":{}}");
        StreamShard shard = shard(new StreamSettings(10, Duration.ZERO, 1, false, -1, null, false,
                Duration.ofSeconds(60), null));
        shard.offer(List.of(record(0, "a")), Duration.ofHours(1).toMillis());

        awaitCheckpoint("0");
        assertThat(sources.function.events()).hasSize(2);
        Set<String> reasons = new HashSet<>();
        sources.states(MAPPING).forEach(s -> {
            if (s.problem() != null) {
                reasons.add(s.problem().reason());
            }
        });
        assertThat(reasons).contains("InvalidWindowState");
    }

    @Test
    void theReaderIsHeldBackWhileTheShardHoldsTwoBatchesPerLane() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        sources.function.script = event -> {
            assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            return ScriptedFunction.ok("");
        };
        StreamShard shard = shard(settings(5, 1));
        shard.offer(records(0, 10, "a"), 0);
        assertThat(shard.hasRoom()).isFalse();
        release.countDown();
        await().atMost(WITHIN).until(shard::hasRoom);
        awaitCheckpoint("9");
        assertThat(StreamSupport.stream(sources.function.events().spliterator(), false)
                .mapToInt(e -> e.records().size()).sum()).isEqualTo(10);
    }
}
