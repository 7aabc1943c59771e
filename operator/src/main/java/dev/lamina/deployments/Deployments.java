package dev.lamina.deployments;

import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs the {@link Rollout} rules for the aliases of one place (the local process, or the controller holding the
 * Lease): reads the target's outcomes from every gateway replica, keeps each deployment's {@link Readings},
 * invokes hooks on virtual threads and remembers which invocations failed. The caller keeps the status the
 * decision returns (in memory, or in the Alias's status) and says what the decision's notices say.
 * <p>
 * A hook is invoked when an evaluation first finds its execution id in the status it was given, that is once the
 * status naming it was kept: a hook reporting at once is then always recognised. After a controller failover a hook
 * that had not reported yet is invoked again, as CodeDeploy may (hooks are at-least-once).
 */
public final class Deployments implements AutoCloseable {

    /** An alias, by namespace, function and name. */
    public record AliasKey(String namespace, String function, String alias) {
    }

    /**
     * What the caller knows of the alias at this evaluation.
     *
     * @param desired    the version the alias should end at (null when none yet)
     * @param hookReport the report of the hook being waited for, null when none yet
     * @param action     a promote or abort asked by hand, null when none
     */
    public record Observed(AliasSpec spec, long generation, String desired, DeploymentStatus current,
                           HookReports.HookStatus hookReport, ManualAction action) {
    }

    private record Tracked(String deploymentId, Readings readings) {
    }

    private final OutcomeSource outcomes;
    private final HookInvoker hooks;
    private final VersionReadiness readiness;
    private final DeploymentMetrics metrics;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<AliasKey, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, String> hookFailures = new ConcurrentHashMap<>();
    private final Set<String> hooksInvoked = ConcurrentHashMap.newKeySet();

    public Deployments(OutcomeSource outcomes, HookInvoker hooks, VersionReadiness readiness,
                       MeterRegistry registry) {
        this.outcomes = outcomes;
        this.hooks = hooks;
        this.readiness = readiness;
        this.metrics = new DeploymentMetrics(registry);
    }

    /** One evaluation of one alias with a deployment preference. */
    public Rollout.Decision evaluate(AliasKey key, Observed observed, Instant now) {
        DeploymentStatus current = observed.current();
        Outcomes seen = Outcomes.NONE;
        Outcomes window = Outcomes.NONE;
        if (current != null && current.inProgress()) {
            Tracked t = tracked.get(key);
            Readings readings;
            if (t != null && t.deploymentId().equals(current.deploymentId())) {
                readings = t.readings();
                readings.read(outcomes.outcomes(key.namespace(), key.function(), current.targetVersion()), now);
            } else {
                readings = track(key, current, observed.spec(), now);
            }
            seen = readings.seen();
            window = readings.window(now);
        }
        invokeHook(key, observed);
        String hookFailure = current == null || current.hookExecutionId() == null ? null
                : hookFailures.get(current.hookExecutionId());
        // The version this evaluation may move traffic to: the one under way, else the desired one (a new deployment).
        String desired = observed.desired();
        String target = current != null && current.inProgress()
                && (desired == null || desired.equals(current.targetVersion())) ? current.targetVersion() : desired;
        VersionReadiness.Readiness ready = target == null ? new VersionReadiness.Readiness(false, null)
                : readiness.of(key.namespace(), key.function(), target);
        Rollout.Decision decision = Rollout.advance(new Rollout.Situation(observed.spec(), observed.generation(),
                desired, current, now, ready.warm(), ready.problem(), seen, window, observed.hookReport(),
                hookFailure, observed.action()));
        DeploymentStatus next = decision.status();
        metrics.evaluated(key, current, next);
        if (next != null && next.inProgress()) {
            Tracked t = tracked.get(key);
            if (t == null || !t.deploymentId().equals(next.deploymentId())) {
                // A deployment just started counts from what the replicas show before any traffic moves.
                track(key, next, observed.spec(), now);
            }
        } else {
            tracked.remove(key);
        }
        if (current != null && current.hookExecutionId() != null
                && (next == null || !current.hookExecutionId().equals(next.hookExecutionId()))) {
            hookFailures.remove(current.hookExecutionId());
            hooksInvoked.remove(current.hookExecutionId());
        }
        return decision;
    }

    /** Invokes the hook the kept status waits for, once, unless it already reported. */
    private void invokeHook(AliasKey key, Observed observed) {
        DeploymentStatus current = observed.current();
        if (current == null || !current.inProgress() || current.hookExecutionId() == null
                || observed.hookReport() != null || !hooksInvoked.add(current.hookExecutionId())) {
            return;
        }
        AliasSpec.Hooks hooks = observed.spec().deployment().hooks();
        String execution = current.hookExecutionId();
        String function = hooks == null ? null : DeploymentStatus.POST_TRAFFIC.equals(current.phase())
                ? hooks.postTraffic() : hooks.preTraffic();
        if (function == null) {
            hookFailures.put(execution, "the alias no longer names this hook");
            return;
        }
        byte[] event = ("{\"DeploymentId\":\"" + current.deploymentId() + "\",\"LifecycleEventHookExecutionId\":\""
                + execution + "\"}").getBytes(StandardCharsets.UTF_8);
        executor.execute(() -> this.hooks.invoke(key.namespace(), function, event)
                .ifPresent(failure -> hookFailures.put(execution, failure)));
    }

    /** Forgets an alias that is gone or no longer has a deployment. */
    public void forget(AliasKey key) {
        tracked.remove(key);
    }

    /** Starts counting a deployment: its first reading is the baseline of every replica that answers. */
    private Readings track(AliasKey key, DeploymentStatus deployment, AliasSpec spec, Instant now) {
        AliasSpec.Rollback rollback = spec.deployment().rollback();
        Readings readings = new Readings(deployment.counts(), rollback == null || rollback.window() == null ? null
                : Durations.parse(rollback.window()));
        readings.read(outcomes.outcomes(key.namespace(), key.function(), deployment.targetVersion()), now);
        tracked.put(key, new Tracked(deployment.deploymentId(), readings));
        return readings;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
