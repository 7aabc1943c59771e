package dev.lamina.controller;

import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Map;

/** Writes each FunctionVersion's environment counts into its status when they change. */
final class VersionStatusReporter {
    private VersionStatusReporter() {
    }

    /** Each version's environment counts in its own status, where they changed (kubectl get fnv shows them). */
    static void report(Context<Function> context, Map<String, Deployment> deployments) {
        for (FunctionVersion version : context.getSecondaryResources(FunctionVersion.class)) {
            Deployment deployment = deployments.get(
                    Labels.deploymentName(version.getSpec().function(), version.getSpec().version()));
            if (deployment == null) {
                continue;
            }
            var counts = FunctionStatusFactory.counts(List.of(deployment));
            var current = version.getStatus();
            if (current != null && counts.equals(current.environments())) {
                continue;
            }
            StatusConditions conditions = StatusConditions.of(version);
            FunctionVersion update = new FunctionVersion();
            update.setMetadata(new ObjectMetaBuilder()
                    .withName(version.getMetadata().getName())
                    .withNamespace(version.getMetadata().getNamespace())
                    .build());
            update.setStatus(new FunctionVersion.Status(conditions.generation(), conditions.ready("Deployed",
                    "Deployment " + deployment.getMetadata().getName() + " runs this version"), counts));
            context.getClient().resource(update).patchStatus();
        }
    }
}
