package dev.lamina.gateway;

import dev.lamina.deployments.OutcomeSource;
import dev.lamina.deployments.Outcomes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This process's {@link Outcomes} of every version it invoked, counted as invocations end: what a deployment reads
 * (here, or through {@code GET /lamina/v1/outcomes} from another replica) to judge a version. The instance id is new
 * at each start, so a reader can tell a restarted replica's counters (from 0 again) from the old ones.
 */
@ApplicationScoped
public class OutcomeCounters implements OutcomeSource {

    /** One version as executed: {@code $LATEST} or a number. */
    private record VersionKey(String namespace, String function, String version) {
    }

    /** The cumulative counters of one version. */
    public static final class VersionCounters {
        private final LongAdder invocations = new LongAdder();
        private final LongAdder functionErrors = new LongAdder();
        private final LongAdder platformErrors = new LongAdder();
        private final LongAdder throttles = new LongAdder();
        private final LongAdder[] durations = new LongAdder[Outcomes.BUCKET_BOUNDS_MILLIS.length + 1];

        private VersionCounters() {
            for (int i = 0; i < durations.length; i++) {
                durations[i] = new LongAdder();
            }
        }

        /** An answer: a success, a function error, or (when {@code platformError}) a failure of Lamina's. */
        public void answered(long elapsedNanos, boolean functionError, boolean platformError) {
            invocations.increment();
            if (functionError) {
                functionErrors.increment();
            } else if (platformError) {
                platformErrors.increment();
            }
            durations[Outcomes.bucket(elapsedNanos / 1_000_000)].increment();
        }

        public void throttled() {
            throttles.increment();
        }

        Outcomes snapshot() {
            long[] buckets = new long[durations.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = durations[i].sum();
            }
            return new Outcomes(invocations.sum(), functionErrors.sum(), platformErrors.sum(), throttles.sum(),
                    buckets);
        }
    }

    private final String instanceId = UUID.randomUUID().toString();
    private final Map<VersionKey, VersionCounters> versions = new ConcurrentHashMap<>();

    public String instanceId() {
        return instanceId;
    }

    /** The counters of one version, to look up once per invocation. */
    public VersionCounters version(String namespace, String function, String version) {
        VersionKey key = new VersionKey(namespace, function, version);
        VersionCounters counters = versions.get(key);
        return counters != null ? counters : versions.computeIfAbsent(key, k -> new VersionCounters());
    }

    /** The outcomes of one version so far; {@link Outcomes#NONE} if it was never invoked here. */
    public Outcomes of(String namespace, String function, String version) {
        VersionCounters counters = versions.get(new VersionKey(namespace, function, version));
        return counters == null ? Outcomes.NONE : counters.snapshot();
    }

    @Override
    public Map<String, Outcomes> outcomes(String namespace, String function, String version) {
        return Map.of(instanceId, of(namespace, function, version));
    }

    /** This replica's report of every version invoked here matching the filters (a null filter matches all). */
    public OutcomeReport report(String namespace, String function, String version) {
        return new OutcomeReport(instanceId, versions.entrySet().stream()
                .filter(e -> matches(namespace, e.getKey().namespace()) && matches(function, e.getKey().function())
                        && matches(version, e.getKey().version()))
                .map(e -> new OutcomeReport.VersionOutcomes(e.getKey().namespace(), e.getKey().function(),
                        e.getKey().version(), e.getValue().snapshot()))
                .sorted(Comparator.comparing(OutcomeReport.VersionOutcomes::namespace)
                        .thenComparing(OutcomeReport.VersionOutcomes::function)
                        .thenComparing(OutcomeReport.VersionOutcomes::version))
                .toList());
    }

    private static boolean matches(String filter, String value) {
        return filter == null || filter.equals(value);
    }
}
