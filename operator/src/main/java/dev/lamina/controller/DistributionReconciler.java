package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.Distribution;
import dev.lamina.api.DistributionSpec;
import dev.lamina.api.DistributionStatus;
import dev.lamina.edge.DistributionChecks;
import dev.lamina.edge.EdgeHosts;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports a distribution: its id, host and URL, the function versions it runs, and whether it can serve as declared.
 * Every gateway replica serves the spec as it is (through its informer); this says what in it cannot work: a function
 * version that does not exist or exceeds Lambda@Edge's limits, a Function URL origin without a URL.
 */
@ControllerConfiguration(name = DistributionReconciler.NAME)
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class DistributionReconciler implements Reconciler<Distribution> {
    public static final String NAME = "distribution";

    private final FunctionReferences<Distribution> references = new FunctionReferences<>(d -> {
        List<String> functions = new ArrayList<>();
        d.getSpec().behaviorsInOrder().forEach(b -> b.lambdaFunctionAssociations()
                .forEach(a -> functions.add(a.function())));
        d.getSpec().origins().stream().filter(o -> o.functionUrl() != null)
                .forEach(o -> functions.add(o.functionUrl().function()));
        return functions;
    });
    private final ControllerSettings settings;

    @Inject
    public DistributionReconciler(ControllerSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, Distribution>> prepareEventSources(EventSourceContext<Distribution> context) {
        return references.eventSources(context, true);
    }

    @Override
    public UpdateControl<Distribution> reconcile(Distribution distribution, Context<Distribution> context) {
        String namespace = distribution.getMetadata().getNamespace();
        DistributionSpec spec = distribution.getSpec();
        StatusConditions conditions = StatusConditions.of(distribution);
        DistributionChecks.Result checked = DistributionChecks.check(spec, (function, version) ->
                        FunctionReferences.versionConfiguration(context, namespace, function, version),
                (function, qualifier) -> hasFunctionUrl(context, namespace, function, qualifier));
        List<Problem> problems = checked.problems().stream()
                .map(p -> new Problem("InvalidDistribution", p)).toList();
        String id = EdgeHosts.id(namespace, distribution.getMetadata().getName());
        String url = settings.gatewayUrl().map(base -> EdgeHosts.address(base, settings.urlDomain(), id))
                .orElse(null);
        List<Condition> next;
        if (!problems.isEmpty()) {
            KubernetesEvents.recordNewProblems(context.getClient(), distribution, conditions, problems);
            next = conditions.stalled(problems);
        } else if (!spec.enabled()) {
            next = conditions.ready("Disabled", "answering 403 to every request, as asked (enabled: false)");
        } else {
            next = conditions.ready("Serving", "every gateway replica serves it" + (url == null ? "" : " at " + url));
        }
        distribution.setStatus(new DistributionStatus(conditions.generation(), next, id,
                settings.urlDomain().map(domain -> EdgeHosts.domainName(id, domain)).orElse(null), url,
                checked.functionVersions().isEmpty() ? null : checked.functionVersions()));
        return UpdateControl.patchStatus(distribution);
    }

    /** Whether a function ({@code qualifier} null) or its alias has a Function URL. */
    private static boolean hasFunctionUrl(Context<Distribution> context, String namespace, String function,
                                          String qualifier) {
        if (qualifier == null) {
            return FunctionReferences.function(context, namespace, function)
                    .filter(f -> f.getSpec().url() != null).isPresent();
        }
        return FunctionReferences.aliases(context, namespace, function).stream()
                .anyMatch(a -> qualifier.equals(a.getSpec().name()) && a.getSpec().url() != null);
    }
}
