package dev.lamina.gateway;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.VersionRef;
import dev.lamina.scaling.ConcurrencyLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lambda's function metrics on the Prometheus endpoint: Invocations, Errors, Throttles, Duration (per function,
 * resource = function or function:qualifier as invoked, and executed version) and ConcurrentExecutions (per
 * function), plus the environments of each version. Meters are looked up once per key and cached.
 */
@ApplicationScoped
public class GatewayMetrics {

    private record Key(String namespace, String function, String resource, String version) {
    }

    /** The meters of one function / resource / executed version. */
    static final class InvocationMeters {
        private final Counter invocations;
        private final Counter errors;
        private final Counter throttles;
        private final Timer duration;

        private InvocationMeters(MeterRegistry registry, Tags tags) {
            invocations = Counter.builder("lambda.invocations").description("Invocations (Lambda's Invocations)")
                    .tags(tags).register(registry);
            errors = Counter.builder("lambda.errors").description("Invocations ending in a function error (Errors)")
                    .tags(tags).register(registry);
            throttles = Counter.builder("lambda.throttles")
                    .description("Invocations refused for concurrency (Throttles)").tags(tags).register(registry);
            duration = Timer.builder("lambda.duration").description("Time from admission to answer (Duration)")
                    .tags(tags).register(registry);
        }

        void answered(long elapsedNanos, boolean functionError) {
            invocations.increment();
            if (functionError) {
                errors.increment();
            }
            duration.record(elapsedNanos, TimeUnit.NANOSECONDS);
        }

        void throttled() {
            throttles.increment();
        }
    }

    private final MeterRegistry registry;
    private final Map<Key, InvocationMeters> meters = new ConcurrentHashMap<>();
    private final Map<Object, List<Meter>> gauges = new ConcurrentHashMap<>();
    private final Map<VersionRef, AtomicReference<EnvironmentPool>> pools = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    InvocationMeters invocation(String namespace, String function, String resource, String version) {
        Key key = new Key(namespace, function, resource, version);
        InvocationMeters m = meters.get(key);
        return m != null ? m : meters.computeIfAbsent(key, k -> new InvocationMeters(registry, Tags.of(
                "namespace", k.namespace(), "function_name", k.function(), "resource", k.resource(),
                "executed_version", k.version())));
    }

    void functionAdded(String namespace, String function, ConcurrencyLimits.FunctionLimit limit) {
        gauges.computeIfAbsent(limit, l -> List.of(Gauge.builder("lambda.concurrent.executions", limit,
                        ConcurrencyLimits.FunctionLimit::inFlight)
                .description("Invocations running or waiting for an environment (ConcurrentExecutions)")
                .tags("namespace", namespace, "function_name", function).register(registry)));
    }

    void functionRemoved(ConcurrencyLimits.FunctionLimit limit) {
        removeGauges(limit);
    }

    /** Shows this pool's environments under its version, replacing a previous pool of the same version. */
    void versionDeployed(EnvironmentPool pool) {
        VersionRef ref = pool.version();
        AtomicReference<EnvironmentPool> current = pools.computeIfAbsent(ref, r -> new AtomicReference<>());
        current.set(pool);
        Tags tags = Tags.of("namespace", ref.namespace(), "function_name", ref.function(), "executed_version",
                ref.version());
        gauges.computeIfAbsent(ref, r -> List.of(
                Gauge.builder("lamina.environments", current, c -> stateOf(c).ready())
                        .description("Execution environments").tags(tags).tag("state", "ready").register(registry),
                Gauge.builder("lamina.environments", current, c -> stateOf(c).starting())
                        .description("Execution environments").tags(tags).tag("state", "starting")
                        .register(registry)));
    }

    void versionRetired(EnvironmentPool pool) {
        AtomicReference<EnvironmentPool> current = pools.get(pool.version());
        if (current != null && current.compareAndSet(pool, null)) {
            pools.remove(pool.version());
            removeGauges(pool.version());
        }
    }

    private static PoolState stateOf(AtomicReference<EnvironmentPool> current) {
        EnvironmentPool pool = current.get();
        return pool == null ? PoolState.empty(1) : pool.state();
    }

    private void removeGauges(Object owner) {
        List<Meter> owned = gauges.remove(owner);
        if (owned != null) {
            owned.forEach(registry::remove);
        }
    }
}
