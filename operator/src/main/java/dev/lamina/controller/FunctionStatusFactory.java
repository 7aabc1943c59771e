package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.EnvironmentCounts;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A Function's status in kstatus terms: Ready once every version's Deployment has rolled out, Reconciling while one
 * is rolling out, Stalled when the spec cannot be applied or a rollout is stuck.
 */
final class FunctionStatusFactory {
    private FunctionStatusFactory() {
    }

    /** The status when the spec cannot be applied: nothing was changed. */
    static FunctionStatus stalled(Function function, List<Problem> problems, Optional<String> latestVersion,
                                  Collection<Deployment> deployments, StatusUrls urls) {
        StatusConditions conditions = StatusConditions.of(function);
        FunctionStatus previous = function.getStatus();
        return new FunctionStatus(conditions.generation(), conditions.stalled(problems), latestVersion.orElse(null),
                previous == null ? null : previous.latestVersionSha256(), urls.invokeUrl(), urls.functionUrl(),
                counts(deployments));
    }

    /**
     * The status after the plan was applied.
     *
     * @param runtimeNotice  what Lambda's deprecation schedule says of the function's runtime, if anything
     * @param unpinnedNotice which images the newest version runs by tag, if any
     */
    static FunctionStatus applied(Function function, Optional<String> latestVersion, String latestSha256,
                                  Collection<Deployment> deployments, StatusUrls urls, Optional<String> runtimeNotice,
                                  Optional<String> unpinnedNotice) {
        List<String> rollingOut = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (Deployment deployment : deployments) {
            stuckMessage(deployment).ifPresentOrElse(stuck::add, () -> {
                if (!rolledOut(deployment)) {
                    rollingOut.add(deployment.getMetadata().getName());
                }
            });
        }
        StatusConditions conditions = StatusConditions.of(function);
        List<Condition> next;
        if (!stuck.isEmpty()) {
            next = conditions.stalled("RolloutStalled", String.join("; ", stuck));
        } else if (!rollingOut.isEmpty()) {
            next = conditions.reconciling("RollingOut",
                    "waiting for Deployment " + String.join(", ", rollingOut) + " to roll out");
        } else {
            int published = deployments.size() - 1;
            next = conditions.ready("Deployed", "$LATEST" + (published > 0 ? " and " + published
                    + " published version" + (published > 1 ? "s" : "") : "") + " deployed");
        }
        next = conditions.withWarning(next, Condition.RUNTIME_DEPRECATED, runtimeNotice);
        next = conditions.withWarning(next, Condition.IMAGE_NOT_PINNED, unpinnedNotice);
        return new FunctionStatus(conditions.generation(), next, latestVersion.orElse(null), latestSha256,
                urls.invokeUrl(), urls.functionUrl(), counts(deployments));
    }

    /** The status while a failed reconciliation is retried: everything else stays as last reported. */
    static FunctionStatus retrying(Function function, Exception failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        List<Condition> conditions = StatusConditions.of(function)
                .reconciling("Retrying", "applying the spec failed, retrying: " + cause.getMessage());
        FunctionStatus previous = function.getStatus();
        return previous == null
                ? new FunctionStatus(null, conditions, null, null, null, null, null)
                : new FunctionStatus(previous.observedGeneration(), conditions, previous.latestVersion(),
                previous.latestVersionSha256(), previous.invokeUrl(), previous.functionUrl(),
                previous.environments());
    }

    static EnvironmentCounts counts(Collection<Deployment> deployments) {
        int ready = 0;
        int desired = 0;
        for (Deployment deployment : deployments) {
            desired += deployment.getSpec().getReplicas() == null ? 0 : deployment.getSpec().getReplicas();
            if (deployment.getStatus() != null && deployment.getStatus().getReadyReplicas() != null) {
                ready += deployment.getStatus().getReadyReplicas();
            }
        }
        return new EnvironmentCounts(ready, desired);
    }

    /** The deployment controller has seen the current spec and every replica runs it. */
    static boolean rolledOut(Deployment deployment) {
        var status = deployment.getStatus();
        if (status == null || status.getObservedGeneration() == null
                || status.getObservedGeneration() < deployment.getMetadata().getGeneration()) {
            return false;
        }
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        return (status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas()) >= wanted;
    }

    private static Optional<String> stuckMessage(Deployment deployment) {
        if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return deployment.getStatus().getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst()
                .map(DeploymentCondition::getMessage)
                .map(m -> "Deployment " + deployment.getMetadata().getName() + ": " + m);
    }
}
