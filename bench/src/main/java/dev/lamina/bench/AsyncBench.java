package dev.lamina.bench;

import dev.lamina.api.FunctionSpec;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AsyncFunctions;
import dev.lamina.async.AsyncInvocations;
import dev.lamina.async.AsyncSettings;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.FunctionInvoker;
import dev.lamina.async.FunctionRef;
import dev.lamina.async.IntakeResult;
import dev.lamina.async.SqliteEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Accepted events/s at intake (each acknowledged only after its fsync) and delivered events/s of asynchronous
 * invocation on the embedded queue. See bench/README.md.
 */
public final class AsyncBench {

    private static final FunctionRef FUNCTION = new FunctionRef("bench", "sink", null);
    private static final AsyncFunction SINK = new AsyncFunction("arn:aws:lambda:us-east-1:000000000000:function:sink:$LATEST",
            new FunctionSpec.Async(2, null, null, null, null), null);
    private static final byte[] RESULT = "{}".getBytes(StandardCharsets.UTF_8);

    private AsyncBench() {
    }

    public static void main(String[] args) throws Exception {
        // The operator's classes log through JBoss Logging, as in the application.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        int events = args.length > 0 ? Integer.parseInt(args[0].trim()) : 50_000;
        int senders = 64;
        System.out.printf("AsyncBench: %d available processors, load average %.2f, Java %s, %d events of %d bytes%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.version(), events,
                payload(0).length);
        System.out.println("fsync policy: SQLite WAL journal; an event is acknowledged (202) only after the commit"
                + " holding it is fsynced (synchronous=FULL), and concurrent intakes share commits (group commit);"
                + " delivery bookkeeping (claims, reschedules, removals) commits without waiting for an fsync.");
        System.out.println("Delivery invokes an in-process function that answers at once: the numbers measure the"
                + " queue and delivery machinery, not function execution.");
        System.out.println();
        run(Math.max(1_000, events / 20), 1);
        run(events, senders);
    }

    private static void run(int events, int senders) throws Exception {
        Path dir = Files.createTempDirectory("lamina-async-bench");
        CountDownLatch intakeDone = new CountDownLatch(1);
        CountDownLatch delivered = new CountDownLatch(events);
        // Deliveries wait until intake is over, so intake is measured alone and delivery drains a real backlog.
        FunctionInvoker sink = (function, payload, requestId, traceHeader) -> {
            awaitQuietly(intakeDone);
            delivered.countDown();
            return new AttemptOutcome.Success("$LATEST", RESULT);
        };
        AsyncFunctions functions = function -> Optional.of(SINK);
        var collaborators = new AsyncInvocations.Collaborators(functions, sink,
                (namespace, secret) -> {
                    throw new IllegalStateException("this benchmark has no SQS destinations");
                },
                new SimpleMeterRegistry(), InstantSource.system());
        try (var async = AsyncInvocations.start(SqliteEventStore.open(dir), AsyncSettings.defaults(), collaborators)) {
            long[] latencies = new long[events];
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    running.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            IntakeResult result = async.intake().accept(FUNCTION, payload(i), null).join();
                            latencies[i] = System.nanoTime() - t0;
                            if (!(result instanceof IntakeResult.Accepted)) {
                                throw new IllegalStateException("not accepted: " + result);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> sender : running) {
                    sender.get();
                }
            }
            long intakeNanos = System.nanoTime() - start;
            long drainStart = System.nanoTime();
            intakeDone.countDown();
            delivered.await();
            long drainNanos = System.nanoTime() - drainStart;

            Arrays.sort(latencies);
            System.out.printf("%3d sender(s): intake %,8.0f accepted events/s (latency p50 %.2f ms, p99 %.2f ms);"
                            + " delivery %,8.0f delivered events/s (backlog of %,d)%n",
                    senders, events / seconds(intakeNanos), millis(latencies[events / 2]),
                    millis(latencies[(int) (events * 0.99)]), events / seconds(drainNanos), events);
        } finally {
            delete(dir);
        }
    }

    private static byte[] payload(int i) {
        return ("{\"Records\":[{\"eventSource\":\"bench\",\"eventName\":\"ObjectCreated:Put\",\"sequence\":%d,"
                + "\"object\":{\"key\":\"uploads/2026/11/22/image-%08d.png\",\"size\":48213}}]}")
                .formatted(i, i).getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
