package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.testing.NatsCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway replicas share the async queue on a 3-node NATS cluster: both accept events, both deliver. Part-way
 * through, one NATS node and one replica (a separate JVM) are killed with SIGKILL. Every accepted event must still be
 * delivered, and no event may be with both replicas at once; duplicates (delivery is at-least-once: the killed
 * replica's unfinished invocations are made again) are counted and printed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class NatsEventStoreKillTest {

    private static final int EVENTS_PER_REPLICA = 2_500;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void noAcceptedEventIsLostWhenANatsNodeAndAGatewayReplicaAreKilledMidRun() throws Exception {
        assumeTrue(NatsCluster.executable().isPresent(),
                "nats-server is not installed (.ci/run installs Debian's package): the NATS queue test needs it");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        AtomicInteger deliveredByOther = new AtomicInteger();
        Map<String, Integer> running = new ConcurrentHashMap<>();
        Set<String> runningInOther = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        Consumer<String> begins = id -> {
            deliveries.merge(id, 1, Integer::sum);
            if (running.merge(id, 1, Integer::sum) > 1) {
                overlaps.incrementAndGet();
            }
        };
        Consumer<String> ends = id -> running.computeIfPresent(id, (key, n) -> n > 1 ? n - 1 : null);
        CountDownLatch otherReady = new CountDownLatch(1);
        CountDownLatch otherSent = new CountDownLatch(1);

        try (NatsCluster nats = NatsCluster.start(work, 3)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                    NatsGatewayProcess.class.getName(), String.join(",", nats.servers()), "a",
                    Integer.toString(EVENTS_PER_REPLICA))
                    .redirectError(work.resolve("other.log").toFile())
                    .start();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var lines = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("ACK ")) {
                            accepted.add(line.substring(4));
                        } else if (line.startsWith("GOT ")) {
                            runningInOther.add(line.substring(4));
                            begins.accept(line.substring(4));
                            deliveredByOther.incrementAndGet();
                        } else if (line.startsWith("END ")) {
                            runningInOther.remove(line.substring(4));
                            ends.accept(line.substring(4));
                        } else if (line.equals("READY")) {
                            otherReady.countDown();
                        } else if (line.equals("SENT")) {
                            otherSent.countDown();
                        }
                    }
                } catch (Exception e) {
                    // the process was killed
                }
            });

            try (AsyncInvocations replica = NatsGatewayProcess.start(nats.servers(), begins, ends)) {
                assertThat(otherReady.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the other replica started").isTrue();
                Thread sender = Thread.ofVirtual().start(() -> {
                    try {
                        NatsGatewayProcess.send(replica, "b", EVENTS_PER_REPLICA, accepted::add);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });

                await("1,500 events accepted", () -> accepted.size() >= 1_500);
                nats.kill(0);
                int acceptedAtNodeKill = accepted.size();

                assertThat(otherSent.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                        .as("the other replica sent its events (%d accepted in all)", accepted.size()).isTrue();
                await("the other replica in the middle of invocations",
                        () -> deliveredByOther.get() >= 200 && !runningInOther.isEmpty());
                new ProcessBuilder("kill", "-KILL", Long.toString(other.pid())).start().waitFor();
                other.waitFor();
                reader.join();
                runningInOther.forEach(ends); // cut short by the kill
                int deliveredAtReplicaKill = deliveries.size();
                assertThat(deliveredAtReplicaKill).as("the replica was killed with events left to deliver")
                        .isLessThan(accepted.size());

                sender.join();
                await("every accepted event delivered", () -> deliveries.keySet().containsAll(accepted));

                Set<String> lost = new HashSet<>(accepted);
                lost.removeAll(deliveries.keySet());
                long duplicated = deliveries.values().stream().filter(times -> times > 1).count();
                System.out.printf("NATS kill test: %d events accepted (%d before a NATS node was killed), %d delivered"
                                + " (%d before a replica was killed), %d lost, %d delivered more than once, %d while already"
                        + " being delivered%n", accepted.size(), acceptedAtNodeKill, deliveries.size(),
                        deliveredAtReplicaKill, lost.size(), duplicated, overlaps.get());
                assertThat(accepted).hasSize(2 * EVENTS_PER_REPLICA);
                assertThat(lost).as("accepted events never delivered").isEmpty();
                assertThat(overlaps).as("invocations of an event already being invoked").hasValue(0);
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + BOUND + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
