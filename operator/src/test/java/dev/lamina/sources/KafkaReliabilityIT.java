package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.async.Webhook;
import dev.lamina.testing.KafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability figure of a Kafka mapping: 50,000 records over 6 partitions, 2 % of them failing every time, and the
 * poller's process SIGKILLed part way through and started again. Everything not failing is delivered, in order per
 * partition within each process; every failing record ends at the failure destination and nowhere else; nothing is
 * lost. It prints the figure.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KafkaReliabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 50_000;
    private static final int PARTITIONS = 6;
    private static final String TOPIC = "orders";

    @TempDir
    Path dir;

    /** One poller process and the records it printed as delivered, by partition, in the order printed. */
    private record Run(Process process, Map<Integer, List<Long>> delivered, CountDownLatch exited) {
        int count() {
            return delivered.values().stream().mapToInt(List::size).sum();
        }
    }

    @Test
    void nothingIsLostOrReorderedAcrossASigkillOfThePoller() throws Exception {
        try (KafkaBroker broker = new KafkaBroker(); Webhook destination = new Webhook()) {
            broker.createTopic(TOPIC, PARTITIONS);
            List<String> values = IntStream.range(0, RECORDS)
                    .mapToObj(i -> "{\"n\":" + i + ",\"fail\":" + failing(i) + "}").toList();
            long[] offsets = broker.sendAll(TOPIC, values, i -> i % PARTITIONS);
            Map<Integer, Map<Long, Integer>> byOffset = new HashMap<>();
            for (int i = 0; i < RECORDS; i++) {
                byOffset.computeIfAbsent(i % PARTITIONS, p -> new HashMap<>()).put(offsets[i], i);
            }
            Path spec = Files.writeString(dir.resolve("mapping.yaml"), """
                    function: fn
                    source:
                      kafka:
                        bootstrapServers: ["%s"]
                        topic: %s
                        consumerGroupId: reliability
                    startingPosition: TRIM_HORIZON
                    batchSize: 100
                    bisectBatchOnFunctionError: true
                    maximumRetryAttempts: 1
                    destinationConfig:
                      onFailure:
                        http: {url: "%s"}
                    """.formatted(broker.bootstrap, TOPIC, destination.url()));

            Run first = start(spec);
            awaitDelivered(first, RECORDS / 3);
            // SIGKILL from outside: no shutdown hook, nothing flushed, no offset committed on the way out.
            new ProcessBuilder("kill", "-KILL", Long.toString(first.process().pid())).start().waitFor();
            assertThat(first.exited().await(60, TimeUnit.SECONDS)).isTrue();

            Run second = start(spec);
            Set<Integer> delivered = ConcurrentHashMap.newKeySet();
            Set<Integer> discarded = ConcurrentHashMap.newKeySet();
            long expectedGood = IntStream.range(0, RECORDS).filter(i -> !failing(i)).count();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (true) {
                delivered.clear();
                for (Run run : List.of(first, second)) {
                    run.delivered().forEach((partition, list) -> list.forEach(offset ->
                            delivered.add(byOffset.get(partition).get(offset))));
                }
                discarded.clear();
                for (String record : destination.await(0, r -> true)) {
                    JsonNode info = JSON.readTree(record).get("KafkaBatchInfo");
                    info.get("recordsInfo").properties().forEach(e -> {
                        int partition = Integer.parseInt(e.getKey().substring(e.getKey().lastIndexOf('-') + 1));
                        long from = e.getValue().get("firstRecordOffset").asLong();
                        long to = e.getValue().get("lastRecordOffset").asLong();
                        for (long offset = from; offset <= to; offset++) {
                            Integer n = byOffset.get(partition).get(offset);
                            if (n != null) {
                                discarded.add(n);
                            }
                        }
                    });
                }
                if (delivered.size() >= expectedGood && discarded.size() >= RECORDS - expectedGood) {
                    break;
                }
                assertThat(System.nanoTime() - deadline).as("%d delivered of %d, %d discarded of %d",
                        delivered.size(), expectedGood, discarded.size(), RECORDS - expectedGood).isNegative();
                Thread.sleep(200);
            }
            second.process().destroy();
            assertThat(second.exited().await(60, TimeUnit.SECONDS)).isTrue();

            Set<Integer> lost = new HashSet<>();
            IntStream.range(0, RECORDS).filter(i -> !delivered.contains(i) && !discarded.contains(i)).forEach(lost::add);
            assertThat(lost).as("records neither delivered nor at the destination").isEmpty();
            assertThat(discarded).as("only failing records are discarded").allMatch(KafkaReliabilityIT::failing);
            assertThat(delivered).as("no failing record is delivered").noneMatch(KafkaReliabilityIT::failing);
            for (Run run : List.of(first, second)) {
                run.delivered().forEach((partition, list) -> assertThat(list)
                        .as("offsets of partition %d delivered by one process, in order", partition).isSorted()
                        .doesNotHaveDuplicates());
            }
            int printed = first.count() + second.count();
            System.out.printf("Kafka reliability: %d records over %d partitions, %d failing; SIGKILL after %d "
                            + "delivered; %d delivered (%d sent again after the kill), %d at the failure destination "
                            + "(%d records), %d lost, order per partition kept%n", RECORDS, PARTITIONS,
                    RECORDS - expectedGood, first.count(), delivered.size(), printed - delivered.size(),
                    discarded.size(), destination.await(0, r -> true).size(), lost.size());
        }
    }

    private static boolean failing(int n) {
        return n % 50 == 7;
    }

    private Run start(Path spec) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                KafkaPollerProcess.class.getName(), spec.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<Integer, List<Long>> delivered = new ConcurrentHashMap<>();
        CountDownLatch exited = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("poller-output").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("DELIVERED ")) {
                        String[] parts = line.split(" ");
                        delivered.computeIfAbsent(Integer.parseInt(parts[1]), p -> new CopyOnWriteArrayList<>())
                                .add(Long.parseLong(parts[2]));
                    }
                }
            } catch (IOException ignored) {
                // The process was killed: its output ends here.
            } finally {
                exited.countDown();
            }
        });
        return new Run(process, delivered, exited);
    }

    private static void awaitDelivered(Run run, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (run.count() < count) {
            assertThat(System.nanoTime() - deadline).as("%d of %d delivered", run.count(), count).isNegative();
            assertThat(run.exited().getCount()).as("the poller process ended early").isEqualTo(1);
            Thread.sleep(50);
        }
    }
}
