package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.FunctionKey;
import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Deployments under a steady open-loop load of {@value #RATE} invocations a second of {@code shop:live}: a good
 * version rolled out, then a bad one (half its calls fail) rolled back. The only failed invocations may be the bad
 * version's own errors; none from routing, warming or the switch. Prints the figures it measured.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.DeploymentLoad.class)
@Timeout(240)
class DeploymentReliabilityTest {
    private static final int RATE = 200;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /**
     * Calls in flight at most: on a machine too busy to answer 200 a second an open loop only piles calls up (two
     * full runs of the suite side by side answered in 15 s and left 1,772 of 4,073 calls hanging), so a call falling
     * due while this many are unanswered is not sent, and counted.
     */
    private static final int MAX_IN_FLIGHT = 200;
    private static final Duration EVENTUALLY = Duration.ofSeconds(90);
    private static final FunctionKey SHOP = new FunctionKey("default", "shop");

    @Inject
    LocalMode local;

    /** What one invocation got. */
    sealed interface Outcome {
        record Ok(String version) implements Outcome {
        }

        record FunctionError(String version) implements Outcome {
        }

        record Throttled() implements Outcome {
        }

        /** Anything else: a platform error, a timeout, a broken connection. */
        record Failed(String what) implements Outcome {
        }
    }

    /**
     * One invocation: when it was due by the schedule and when it was sent ({@link System#nanoTime()}), how long its
     * answer took and what it got.
     */
    record Call(long due, long issued, long nanos, Outcome outcome) {
    }

    @Test
    void onlyTheBadVersionsOwnErrorsFailWhileRollingOutAndBack() throws Exception {
        try (LambdaClient lambda = Gateway.lambda()) {
            await().atMost(EVENTUALLY).ignoreExceptions().until(() -> "1".equals(lambda.getAlias(b -> b
                    .functionName("shop").name("live")).functionVersion()));
        }
        Statuses statuses = new Statuses(local);
        Load load = new Load();
        try {
            edit("RELEASE: one", "RELEASE: two");
            long rolloutEnd = statuses.seen("2", DeploymentStatus.SUCCEEDED);
            long rolloutStart = statuses.seen("2", Statuses.IN_PROGRESS);

            // The bad version's first step is held for 10 minutes: only the alarm ends its deployment, however
            // slowly a busy machine answers.
            edit("interval: 2s", "interval: 10m");
            edit("FAIL_PERCENT: \"0\"", "FAIL_PERCENT: \"50\"");
            long rollbackEnd = statuses.seen("3", DeploymentStatus.ROLLED_BACK);
            long rollbackStart = statuses.seen("3", Statuses.IN_PROGRESS);
            // A second of calls issued once the rollback was seen, to check that none of them reaches version 3.
            long after = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            await().atMost(EVENTUALLY).until(() -> load.latestSent() > after);

            Stopped stopped = load.stop();
            List<Call> calls = stopped.calls();
            DeploymentStatus rolledBack = local.deployment(SHOP, "live");
            System.out.println(figures(stopped, rolloutStart, rolloutEnd, rollbackStart, rollbackEnd));

            assertThat(calls).as("every call issued was answered").hasSize((int) stopped.issued());
            assertThat(calls).filteredOn(c -> c.outcome() instanceof Outcome.Throttled).as("throttled").isEmpty();
            assertThat(calls).filteredOn(c -> c.outcome() instanceof Outcome.Failed).as("other failures").isEmpty();
            assertThat(calls).filteredOn(c -> c.outcome() instanceof Outcome.FunctionError(String v)
                    && !v.equals("3")).as("function errors of the good versions").isEmpty();
            assertThat(calls).filteredOn(c -> c.outcome() instanceof Outcome.FunctionError(String v)
                    && v.equals("3")).as("function errors of version 3").isNotEmpty();
            assertThat(calls).filteredOn(c -> c.issued() > rollbackEnd).as("calls issued after the rollback")
                    .isNotEmpty().noneMatch(c -> "3".equals(executedVersion(c.outcome())));
            assertThat(rolledBack.step()).as("version 3 never reached the last of its 4 steps").isLessThan(4);
            assertThat(statuses.highestWeightOf("3")).as("version 3 never had all the traffic").isLessThan(1.0);
        } finally {
            load.stop();
            statuses.close();
        }
    }

    private static String figures(Stopped stopped, long rolloutStart, long rolloutEnd, long rollbackStart,
                                  long rollbackEnd) {
        List<Call> calls = stopped.calls();
        LongSummaryStatistics sent = calls.stream().mapToLong(Call::issued).summaryStatistics();
        double rate = (calls.size() - 1) * 1e9 / Math.max(1, sent.getMax() - sent.getMin());
        long[] late = calls.stream().mapToLong(c -> c.issued() - c.due()).sorted().toArray();
        long[] took = calls.stream().mapToLong(Call::nanos).sorted().toArray();
        return String.join(System.lineSeparator(),
                "Deployment reliability (" + Runtime.getRuntime().availableProcessors() + " cores, open loop at "
                        + RATE + "/s): achieved " + String.format("%.1f", rate) + " calls/s sent; sent late by p99 "
                        + millis(late, 0.99) + " ms, max " + millis(late, 1) + " ms; answered in p50 "
                        + millis(took, 0.5) + " ms, p99 " + millis(took, 0.99) + " ms, max " + millis(took, 1) + " ms; "
                        + (stopped.issued() - calls.size()) + " of " + stopped.issued() + " unanswered; "
                        + stopped.skipped() + " not sent, with " + MAX_IN_FLIGHT + " in flight",
                "  rollout 1→2:  " + phase(calls, rolloutStart, rolloutEnd),
                "  rollback 3→2: " + phase(calls, rollbackStart, rollbackEnd),
                "  whole run:    " + phase(calls, Long.MIN_VALUE, Long.MAX_VALUE),
                "  after the rollback was seen: " + phase(calls, rollbackEnd, Long.MAX_VALUE));
    }

    /** A quantile of sorted durations in nanoseconds, in milliseconds. */
    private static long millis(long[] sorted, double quantile) {
        return TimeUnit.NANOSECONDS.toMillis(sorted[(int) Math.ceil(quantile * sorted.length) - 1]);
    }

    /** The figures of the calls issued in [from, to). */
    private static String phase(List<Call> calls, long from, long to) {
        List<Outcome> outcomes = calls.stream().filter(c -> c.issued() >= from && c.issued() < to)
                .map(Call::outcome).toList();
        return outcomes.size() + " calls, "
                + count(outcomes, o -> o instanceof Outcome.Ok) + " ok " + byVersion(outcomes, Outcome.Ok.class)
                + ", " + count(outcomes, o -> o instanceof Outcome.FunctionError) + " function errors "
                + byVersion(outcomes, Outcome.FunctionError.class)
                + ", " + count(outcomes, o -> o instanceof Outcome.Throttled) + " throttled"
                + ", " + count(outcomes, o -> o instanceof Outcome.Failed) + " other failures"
                + outcomes.stream().filter(o -> o instanceof Outcome.Failed).map(o -> ((Outcome.Failed) o).what())
                .collect(Collectors.groupingBy(w -> w, TreeMap::new, Collectors.counting())).entrySet().stream()
                .map(e -> e.getValue() + "× " + e.getKey()).collect(Collectors.joining("; ", " (", ")"))
                .replace(" ()", "");
    }

    private static long count(List<Outcome> outcomes, Predicate<Outcome> which) {
        return outcomes.stream().filter(which).count();
    }

    private static Map<String, Long> byVersion(List<Outcome> outcomes, Class<? extends Outcome> kind) {
        return outcomes.stream().filter(kind::isInstance).collect(Collectors.groupingBy(
                o -> "v" + executedVersion(o), TreeMap::new, Collectors.counting()));
    }

    private static String executedVersion(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Ok(String version) -> version;
            case Outcome.FunctionError(String version) -> version;
            case Outcome.Throttled t -> null;
            case Outcome.Failed f -> null;
        };
    }

    /**
     * The deployment status of {@code shop:live}, polled every 20 ms: when each target version was first seen in
     * progress and in each final phase, and the highest weight each target had.
     */
    private static final class Statuses implements AutoCloseable {
        /** Any of the phases of a deployment in progress. */
        static final String IN_PROGRESS = "in progress";

        private record Seen(String target, String phase) {
        }

        private final Map<Seen, Long> firstSeen = new ConcurrentHashMap<>();
        private final Map<String, Double> highestWeight = new ConcurrentHashMap<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread poller;

        Statuses(LocalMode local) {
            poller = Thread.ofPlatform().name("reliability-statuses").start(() -> {
                while (!stop.get()) {
                    DeploymentStatus status = local.deployment(SHOP, "live");
                    long now = System.nanoTime();
                    if (status != null && status.targetVersion() != null) {
                        firstSeen.putIfAbsent(new Seen(status.targetVersion(),
                                status.inProgress() ? IN_PROGRESS : status.phase()), now);
                        if (status.targetWeight() != null) {
                            highestWeight.merge(status.targetVersion(), status.targetWeight(), Math::max);
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            });
        }

        /** Waits until the deployment of a version was seen in a phase (or in progress); when it was first seen so. */
        long seen(String target, String phase) {
            Seen seen = new Seen(target, phase);
            await().atMost(EVENTUALLY).pollInterval(Duration.ofMillis(20)).until(() -> firstSeen.containsKey(seen));
            return firstSeen.get(seen);
        }

        double highestWeightOf(String target) {
            return highestWeight.getOrDefault(target, 0.0);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            poller.join(Duration.ofSeconds(10));
        }
    }

    /**
     * An open-loop load: invocations issued on a fixed schedule, each on its own virtual thread, whatever the earlier
     * ones are doing, so slow answers do not lower the rate.
     */
    private static final class Load {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CALL_TIMEOUT).build();
        private final URI invoke = Gateway.endpoint().resolve("/2015-03-31/functions/shop:live/invocations");
        private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        private final Queue<Call> answered = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong latestSent = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong issued = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private final AtomicLong inFlight = new AtomicLong();
        private final Thread scheduler;

        Load() {
            scheduler = Thread.ofPlatform().name("reliability-load").start(this::issue);
        }

        private void issue() {
            long period = TimeUnit.SECONDS.toNanos(1) / RATE;
            long start = System.nanoTime();
            for (long i = 0; !stop.get(); i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    skipped.incrementAndGet();
                    continue;
                }
                issued.incrementAndGet();
                inFlight.incrementAndGet();
                calls.execute(() -> {
                    long sent = System.nanoTime();
                    latestSent.accumulateAndGet(sent, Math::max);
                    Outcome outcome = invoke();
                    answered.add(new Call(due, sent, System.nanoTime() - sent, outcome));
                    inFlight.decrementAndGet();
                });
            }
        }

        private Outcome invoke() {
            HttpRequest request = HttpRequest.newBuilder(invoke).timeout(CALL_TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String version = response.headers().firstValue("X-Amz-Executed-Version").orElse("none");
                if (response.statusCode() == 429) {
                    return new Outcome.Throttled();
                }
                if (response.statusCode() != 200) {
                    return new Outcome.Failed(response.statusCode() + " "
                            + response.headers().firstValue("X-Amzn-ErrorType").orElse(response.body()));
                }
                return response.headers().firstValue("X-Amz-Function-Error").isPresent()
                        ? new Outcome.FunctionError(version) : new Outcome.Ok(version);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.Failed("interrupted");
            } catch (Exception e) {
                return new Outcome.Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                        : ": " + e.getMessage().lines().findFirst().orElse("")));
            }
        }

        /** When the latest call was sent. */
        long latestSent() {
            return latestSent.get();
        }

        /**
         * Stops issuing and waits for the calls in flight (each is bounded by its timeout once sent, but a loaded
         * machine may be slow to send them); returns the calls answered and how many were issued.
         */
        Stopped stop() throws InterruptedException {
            if (stop.compareAndSet(false, true)) {
                scheduler.join(CALL_TIMEOUT);
                calls.shutdown();
                calls.awaitTermination(2, TimeUnit.MINUTES);
                http.close();
            }
            return new Stopped(List.copyOf(answered), issued.get(), skipped.get());
        }
    }

    /** What a load got: the calls answered, of those issued; and how many fell due with too many in flight. */
    record Stopped(List<Call> calls, long issued, long skipped) {
    }

    private static void edit(String from, String to) throws Exception {
        Path file = Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class))
                .resolve("shop.yaml");
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }
}
