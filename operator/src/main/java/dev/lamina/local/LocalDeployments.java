package dev.lamina.local;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.FunctionKey;
import dev.lamina.deployments.Deployments;
import dev.lamina.deployments.HookLedger;
import dev.lamina.deployments.HookReports;
import dev.lamina.deployments.ManualAction;
import dev.lamina.deployments.Rollout;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local mode's deployments: what a cluster keeps in each Alias's status is kept here, in memory, per alias; the
 * rules and the evaluation are the shared ones ({@link Deployments}). Hooks report to the {@link HookLedger} the
 * gateway's {@code PutLifecycleEventHookExecutionStatus} writes to. An alias's generation counts the changes of its
 * spec, as {@code metadata.generation} does in a cluster. Evaluated on local mode's one thread; read from any.
 */
final class LocalDeployments {

    private static final class Kept {
        AliasSpec spec;
        long generation;
        volatile DeploymentStatus status;
    }

    private final Deployments deployments;
    private final HookLedger ledger;
    private final Map<Deployments.AliasKey, Kept> kept = new ConcurrentHashMap<>();

    LocalDeployments(Deployments deployments, HookLedger ledger) {
        this.deployments = deployments;
        this.ledger = ledger;
    }

    /**
     * Evaluates an alias with a deployment and returns where it stands.
     *
     * @param latestPublished the function's newest version number, null when it has none
     * @param said            where the evaluation's notices go, as console lines
     */
    DeploymentStatus evaluate(FunctionKey function, Alias alias, String latestPublished, List<String> said) {
        AliasSpec spec = alias.getSpec();
        Deployments.AliasKey key = new Deployments.AliasKey(function.namespace(), function.name(), spec.name());
        Kept k = kept.computeIfAbsent(key, x -> new Kept());
        if (!spec.equals(k.spec)) {
            k.spec = spec;
            k.generation++;
        }
        DeploymentStatus current = k.status;
        String desired = spec.deployment().followLatest() ? latestPublished : spec.functionVersion();
        HookReports.HookStatus report = current == null || current.hookExecutionId() == null ? null
                : ledger.take(current.deploymentId(), current.hookExecutionId()).orElse(null);
        ManualAction action = ManualAction.parse(alias.getMetadata().getAnnotations() == null ? null
                : alias.getMetadata().getAnnotations().get(ManualAction.ANNOTATION)).orElse(null);
        Rollout.Decision decision = deployments.evaluate(key, new Deployments.Observed(spec, k.generation, desired,
                current, report, action), Instant.now());
        DeploymentStatus next = decision.status();
        String before = current == null ? null : current.hookExecutionId();
        String after = next == null ? null : next.hookExecutionId();
        if (before != null && !before.equals(after)) {
            ledger.expire(current.deploymentId(), before);
        }
        if (after != null && !after.equals(before)) {
            ledger.expect(next.deploymentId(), after);
        }
        k.status = next;
        decision.notices().forEach(n -> said.add(function + ": alias " + spec.name() + ": "
                + (n.warning() ? "! " : "") + n.message()));
        return next;
    }

    /** The deployment status kept for an alias, as a status for the rules that read one (null: none). */
    AliasStatus status(FunctionKey function, String alias) {
        Kept k = kept.get(new Deployments.AliasKey(function.namespace(), function.name(), alias));
        return k == null || k.status == null ? null : new AliasStatus(null, null, null, null, k.status, null);
    }

    /** Forgets the aliases of a function that are not in {@code present}. */
    void retain(FunctionKey function, Set<String> present) {
        kept.keySet().removeIf(key -> {
            boolean gone = key.namespace().equals(function.namespace()) && key.function().equals(function.name())
                    && !present.contains(key.alias());
            if (gone) {
                deployments.forget(key);
            }
            return gone;
        });
    }
}
