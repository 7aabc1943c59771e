package dev.lamina.controller;

import dev.lamina.versions.AliasRouting;
import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that an alias's function and versions exist and records its routing table in status. Its provisioned
 * concurrency takes effect through the Function's reconciler, which owns the version Deployments and keeps their
 * environments; deleting the alias lets them go.
 */
@ControllerConfiguration(name = AliasReconciler.NAME)
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class AliasReconciler implements Reconciler<Alias> {
    public static final String NAME = "alias";

    private final FunctionReferences<Alias> references = new FunctionReferences<>(a -> a.getSpec().function());
    private final ControllerSettings settings;

    @Inject
    public AliasReconciler(ControllerSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, Alias>> prepareEventSources(EventSourceContext<Alias> context) {
        return references.eventSources(context, false);
    }

    @Override
    public UpdateControl<Alias> reconcile(Alias alias, Context<Alias> context) {
        AliasSpec spec = alias.getSpec();
        Map<String, Double> table = AliasRouting.table(spec);
        Optional<Problem> problem = check(alias, table, context);
        StatusConditions conditions = StatusConditions.of(alias);
        AliasStatus status;
        if (problem.isPresent()) {
            List<Problem> problems = List.of(problem.get());
            KubernetesEvents.recordNewProblems(context.getClient(), alias, conditions, problems);
            status = new AliasStatus(conditions.generation(), conditions.stalled(problems), null, null,
                    currentDeployment(alias), StatusUrls.functionUrl(settings, alias));
        } else {
            String weights = AliasRouting.describe(table);
            String message = spec.function() + ":" + spec.name() + " routes " + weights
                    + (spec.provisionedConcurrency() > 0
                    ? " with provisioned concurrency " + spec.provisionedConcurrency() : "");
            status = new AliasStatus(conditions.generation(), conditions.ready("Routing", message), table, weights,
                    currentDeployment(alias), StatusUrls.functionUrl(settings, alias));
        }
        alias.setStatus(status);
        return UpdateControl.patchStatus(alias);
    }

    private static Optional<Problem> check(Alias alias, Map<String, Double> table, Context<Alias> context) {
        AliasSpec spec = alias.getSpec();
        String namespace = alias.getMetadata().getNamespace();
        if (FunctionReferences.function(context, namespace, spec.function()).isEmpty()) {
            return Optional.of(new Problem("FunctionNotFound", "function " + spec.function()
                    + " does not exist in this namespace"));
        }
        for (String version : table.keySet()) {
            if (!FunctionReferences.versionExists(context, namespace, spec.function(), version)) {
                List<String> published = FunctionReferences.publishedVersions(context, namespace, spec.function());
                return Optional.of(new Problem("VersionNotFound", "version " + version + " of " + spec.function()
                        + " does not exist (published: " + (published.isEmpty() ? "none" : String.join(", ",
                        published)) + ")"));
            }
        }
        Optional<Alias> older = context.getPrimaryCache()
                .list(namespace, a -> a != alias && spec.function().equals(a.getSpec().function())
                        && spec.name().equals(a.getSpec().name())
                        && !a.getMetadata().getName().equals(alias.getMetadata().getName()))
                .filter(a -> firstCreated(a, alias))
                .findFirst();
        return older.map(a -> new Problem("DuplicateAlias", "Alias " + a.getMetadata().getName()
                + " already defines " + spec.function() + ":" + spec.name()));
    }

    private static boolean firstCreated(Alias a, Alias b) {
        Comparator<Alias> order = Comparator.comparing((Alias x) -> String.valueOf(x.getMetadata()
                .getCreationTimestamp())).thenComparing(x -> x.getMetadata().getName());
        return order.compare(a, b) < 0;
    }

    private static AliasStatus.DeploymentStatus currentDeployment(Alias alias) {
        return alias.getStatus() == null ? null : alias.getStatus().deployment();
    }
}
