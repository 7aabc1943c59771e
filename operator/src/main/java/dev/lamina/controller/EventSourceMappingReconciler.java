package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingStatus;
import dev.lamina.api.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.List;
import java.util.Optional;

/**
 * Validates an event source mapping against the functions, versions and aliases that exist, and reports its state.
 * Polling the source is the pollers' work ({@code dev.lamina.sources}), not this reconciler's. No poller exists yet,
 * so a valid enabled mapping is reported as not polled (Stalled) rather than Ready.
 */
@ControllerConfiguration(name = EventSourceMappingReconciler.NAME)
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class EventSourceMappingReconciler implements Reconciler<EventSourceMapping> {
    public static final String NAME = "eventsourcemapping";

    private final FunctionReferences<EventSourceMapping> references =
            new FunctionReferences<>(m -> m.getSpec().function());

    @Override
    public List<EventSource<?, EventSourceMapping>> prepareEventSources(
            EventSourceContext<EventSourceMapping> context) {
        return references.eventSources(context, true);
    }

    @Override
    public UpdateControl<EventSourceMapping> reconcile(EventSourceMapping mapping,
                                                       Context<EventSourceMapping> context) {
        EventSourceMappingSpec spec = mapping.getSpec();
        StatusConditions conditions = StatusConditions.of(mapping);
        Optional<Problem> problem = check(mapping, context);
        String state;
        List<Condition> next;
        if (problem.isPresent()) {
            state = spec.enabled() ? EventSourceMappingStatus.FAILED : EventSourceMappingStatus.DISABLED;
            next = stalled(mapping, conditions, problem.get(), context);
        } else if (!spec.enabled()) {
            state = EventSourceMappingStatus.DISABLED;
            next = conditions.ready(state, state + ": " + route(spec));
        } else {
            // A poller plugs in here: once one runs this mapping, it is Ready with state Enabled.
            state = EventSourceMappingStatus.NOT_POLLED;
            next = stalled(mapping, conditions, notPolled(spec), context);
        }
        EventSourceMappingStatus previous = mapping.getStatus();
        mapping.setStatus(new EventSourceMappingStatus(conditions.generation(), next, state, spec.source().type(),
                spec.effectiveBatchSize(), previous == null ? null : previous.lastProcessingResult()));
        return UpdateControl.patchStatus(mapping);
    }

    private static List<Condition> stalled(EventSourceMapping mapping, StatusConditions conditions, Problem problem,
                                           Context<EventSourceMapping> context) {
        KubernetesEvents.recordNewProblems(context.getClient(), mapping, conditions, List.of(problem));
        return conditions.stalled(List.of(problem));
    }

    private static Problem notPolled(EventSourceMappingSpec spec) {
        return new Problem("PollerNotAvailable", "Lamina does not poll " + spec.source().type()
                + " sources yet, so nothing invokes " + spec.function() + ":" + spec.effectiveQualifier()
                + " from this mapping");
    }

    /** The source kind and the function it invokes, e.g. {@code schedule -> tick:$LATEST}. */
    private static String route(EventSourceMappingSpec spec) {
        return spec.source().type() + " -> " + spec.function() + ":" + spec.effectiveQualifier();
    }

    private static Optional<Problem> check(EventSourceMapping mapping, Context<EventSourceMapping> context) {
        EventSourceMappingSpec spec = mapping.getSpec();
        String namespace = mapping.getMetadata().getNamespace();
        if (FunctionReferences.function(context, namespace, spec.function()).isEmpty()) {
            return Optional.of(new Problem("FunctionNotFound", "function " + spec.function()
                    + " does not exist in this namespace"));
        }
        String qualifier = spec.effectiveQualifier();
        boolean found = qualifier.matches("[0-9]+")
                ? FunctionReferences.versionExists(context, namespace, spec.function(), qualifier)
                : Labels.LATEST.equals(qualifier) || FunctionReferences.aliases(context, namespace, spec.function())
                .stream().anyMatch(a -> qualifier.equals(a.getSpec().name()));
        return found ? Optional.empty() : Optional.of(new Problem("QualifierNotFound", "function "
                + spec.function() + " has no " + (qualifier.matches("[0-9]+") ? "version " : "alias ") + qualifier));
    }
}
