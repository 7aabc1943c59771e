package dev.lamina.sources;

import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingSpec.Filter;
import dev.lamina.api.EventSourceMappingSpec.FilterCriteria;
import dev.lamina.api.EventSourceMappingSpec.ScalingConfig;
import dev.lamina.api.SecretRef;
import dev.lamina.api.SqsTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What event source tests run pollers with: a scripted function, the states reported, the metrics. */
final class Sources {
    static final String NAMESPACE = "team";
    static final SecretRef SECRET = new SecretRef("sqs-credentials");

    final ScriptedFunction function = new ScriptedFunction();
    volatile boolean secretMissing;
    /** How far the pollers' clock runs ahead of the real one, to age records without waiting. */
    volatile Duration clockAhead = Duration.ZERO;
    final Map<MappingKey, List<MappingState>> states = new ConcurrentHashMap<>();
    final MeterRegistry registry = new SimpleMeterRegistry();
    final MemoryCheckpointStore checkpoints = new MemoryCheckpointStore();
    /** The values of the Secrets of the namespace, by name. */
    final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    final SourceCollaborators with = new SourceCollaborators(function, function,
            (ref, payload) -> CompletableFuture.failedFuture(new UnsupportedOperationException("not for SQS")),
            (namespace, secret) -> {
                if (secretMissing) {
                    throw new IllegalStateException("Secret " + namespace + "/" + secret.name() + " not found");
                }
                return ElasticMq.CREDENTIALS;
            },
            (namespace, secret) -> {
                Map<String, String> values = secrets.get(secret.name());
                if (values == null) {
                    throw new IllegalStateException("Secret " + namespace + "/" + secret.name() + " does not exist");
                }
                return values;
            },
            new NoTicks(),
            checkpoints,
            (key, state) -> states.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(state),
            registry, () -> Instant.now().plus(clockAhead), "us-east-1", namespace -> "000000000000");

    List<MappingState> states(Mapping mapping) {
        return List.copyOf(states.getOrDefault(mapping.key(), List.of()));
    }

    MappingState state(Mapping mapping) {
        List<MappingState> reported = states(mapping);
        return reported.isEmpty() ? null : reported.getLast();
    }

    /** A metric of a mapping, by Lambda's name. */
    double count(Mapping mapping, String metric) {
        var counter = registry.find(metric).tag("event_source_mapping", mapping.key().name()).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The age of the oldest record of the mapping's last batch, in seconds. */
    double oldestRecordAge(Mapping mapping) {
        var gauge = registry.find("OldestRecordAge").tag("event_source_mapping", mapping.key().name()).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /** An SQS mapping of the function {@code fn}, changed by the withers below. */
    record Sqs(String name, String queueUrl, String endpoint, boolean enabled, Integer batchSize,
               Integer windowSeconds, boolean reportsFailures, List<String> filters, Integer maximumConcurrency) {

        static Sqs of(String name, String queueUrl, String endpoint) {
            return new Sqs(name, queueUrl, endpoint, true, null, null, false, List.of(), null);
        }

        Sqs enabled(boolean enabled) {
            return new Sqs(name, queueUrl, endpoint, enabled, batchSize, windowSeconds, reportsFailures, filters,
                    maximumConcurrency);
        }

        Sqs batchSize(int size) {
            return new Sqs(name, queueUrl, endpoint, enabled, size, windowSeconds, reportsFailures, filters,
                    maximumConcurrency);
        }

        Sqs window(int seconds) {
            return new Sqs(name, queueUrl, endpoint, enabled, batchSize, seconds, reportsFailures, filters,
                    maximumConcurrency);
        }

        Sqs reportFailures() {
            return new Sqs(name, queueUrl, endpoint, enabled, batchSize, windowSeconds, true, filters,
                    maximumConcurrency);
        }

        Sqs filters(String... patterns) {
            return new Sqs(name, queueUrl, endpoint, enabled, batchSize, windowSeconds, reportsFailures,
                    Arrays.asList(patterns), maximumConcurrency);
        }

        Sqs maximumConcurrency(int maximum) {
            return new Sqs(name, queueUrl, endpoint, enabled, batchSize, windowSeconds, reportsFailures, filters,
                    maximum);
        }

        Mapping mapping() {
            EventSourceMappingSpec spec = new EventSourceMappingSpec("fn", null, enabled,
                    new EventSource(new SqsTarget(queueUrl, endpoint, "us-east-1", SECRET), null, null, null, null),
                    batchSize, windowSeconds, reportsFailures ? List.of("ReportBatchItemFailures") : null,
                    filters.isEmpty() ? null : new FilterCriteria(filters.stream().map(Filter::new).toList()),
                    maximumConcurrency == null ? null : new ScalingConfig(maximumConcurrency),
                    null, null, null, null, null, null, null, null);
            return new Mapping(new MappingKey(NAMESPACE, name), 1, spec);
        }
    }
}
