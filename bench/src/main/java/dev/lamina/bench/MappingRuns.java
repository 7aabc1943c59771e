package dev.lamina.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.IntakeResult;
import dev.lamina.sources.MemoryCheckpointStore;
import dev.lamina.sources.EventSources;
import dev.lamina.sources.Mapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.SourceCollaborators;
import dev.lamina.sources.NoTicks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the event source mapping benchmarks share: a mapping run in this process into a function that answers at once
 * and counts the records it got, and the wall time and process CPU of a run.
 */
final class MappingRuns {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Duration WITHIN = Duration.ofMinutes(5);

    private MappingRuns() {
    }

    /** Records per second of a run and the process CPU it took per record. */
    record Result(double perSecond, double cpuMicrosPerRecord) {
    }

    /** A run under way: the wall clock and the process CPU time when it started. */
    record Run(long startNanos, long cpuNanos) {
        static Run start() {
            return new Run(System.nanoTime(), OS.getProcessCpuTime());
        }

        /** Gives up on a run that has not got all its records in 5 minutes. */
        void checkTime(long done, long records) {
            if (System.nanoTime() - startNanos > WITHIN.toNanos()) {
                throw new IllegalStateException("a run got " + done + " of " + records + " records in " + WITHIN);
            }
        }

        Result finish(long records) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double cpuMicros = (OS.getProcessCpuTime() - cpuNanos) / 1e3;
            return new Result(records / seconds, cpuMicros / records);
        }
    }

    /** The machine, as the first line of a benchmark names it. */
    static String machine() {
        return "%d available processors, load average %.2f, Java %s".formatted(
                Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage(), Runtime.version());
    }

    /**
     * Runs the mapping from its start until its function got {@code records} records; closing it is not measured.
     * The function counts one record per occurrence of {@code recordKey} in the event's bytes, a key every record has
     * once (and nothing else has), which costs less than parsing the event.
     */
    static Result drain(EventSourceMappingSpec spec, String recordKey, long records) throws InterruptedException {
        byte[] key = recordKey.getBytes(StandardCharsets.UTF_8);
        AtomicLong invoked = new AtomicLong();
        Run run = Run.start();
        try (EventSources sources = new EventSources(collaborators(invoked, key))) {
            sources.put(new Mapping(new MappingKey("bench", "bench"), 1, spec));
            while (invoked.get() < records) {
                run.checkTime(invoked.get(), records);
                Thread.sleep(5);
            }
            return run.finish(records);
        }
    }

    private static SourceCollaborators collaborators(AtomicLong invoked, byte[] recordKey) {
        AsyncFunction sink = new AsyncFunction("arn:aws:lambda:us-east-1:000000000000:function:sink", null, null);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        return new SourceCollaborators(ref -> Optional.of(sink),
                (ref, payload, requestId, trace) -> {
                    invoked.addAndGet(occurrences(payload, recordKey));
                    return new AttemptOutcome.Success("$LATEST", empty);
                },
                (ref, payload) -> CompletableFuture.completedFuture(new IntakeResult.Accepted("unused")),
                (namespace, secret) -> StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")),
                (namespace, secret) -> Map.of(),
                new NoTicks(), new MemoryCheckpointStore(), (mapping, state) -> { }, new SimpleMeterRegistry(), InstantSource.system(), "us-east-1",
                namespace -> "000000000000");
    }

    private static int occurrences(byte[] text, byte[] key) {
        int count = 0;
        for (int i = 0; i <= text.length - key.length; i++) {
            if (text[i] == key[0] && Arrays.equals(text, i, i + key.length, key, 0, key.length)) {
                count++;
                i += key.length - 1;
            }
        }
        return count;
    }
}
