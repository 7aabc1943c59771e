package dev.lamina.deployments;

import dev.lamina.api.AliasStatus.DeploymentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deployments on the Prometheus endpoint: each alias's target share ({@code lamina_deployment_target_weight}: the
 * new version's share while one is under way, 1 once it succeeded, 0 after a rollback) and the deployments that
 * ended, by outcome ({@code lamina_deployments_total}).
 */
final class DeploymentMetrics {

    private final MeterRegistry registry;
    private final Map<Deployments.AliasKey, AtomicReference<DeploymentStatus>> statuses = new ConcurrentHashMap<>();

    DeploymentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records an evaluation's outcome: {@code before} is the status it started from. */
    void evaluated(Deployments.AliasKey key, DeploymentStatus before, DeploymentStatus after) {
        statuses.computeIfAbsent(key, k -> {
            AtomicReference<DeploymentStatus> holder = new AtomicReference<>();
            Gauge.builder("lamina.deployment.target.weight", holder, h -> h.get() == null
                            || h.get().targetWeight() == null ? 0 : h.get().targetWeight())
                    .description("Share of the alias's traffic its deployment's target version has")
                    .tags(tags(k)).register(registry);
            return holder;
        }).set(after);
        boolean ended = after != null && !after.inProgress() && after.deploymentId() != null
                && (before == null || before.inProgress() || !after.deploymentId().equals(before.deploymentId()));
        if (ended) {
            Counter.builder("lamina.deployments").description("Deployments that ended, by outcome")
                    .tags(tags(key)).tag("outcome", after.phase()).register(registry).increment();
        }
    }

    private static Tags tags(Deployments.AliasKey key) {
        return Tags.of("namespace", key.namespace(), "function_name", key.function(), "alias", key.alias());
    }
}
