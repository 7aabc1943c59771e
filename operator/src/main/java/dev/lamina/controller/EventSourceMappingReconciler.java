package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingStatus;
import dev.lamina.api.Labels;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.MappingState;
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
import java.util.Optional;

/**
 * Reports an event source mapping's state: what its poller says (pollers run on this replica, the Lease holder, and
 * report through {@link MappingStates}), after checking the functions, versions and aliases it names. Ready only
 * while its source is polled without a problem, or when it is disabled as asked.
 */
@ControllerConfiguration(name = EventSourceMappingReconciler.NAME)
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class EventSourceMappingReconciler implements Reconciler<EventSourceMapping> {
    public static final String NAME = "eventsourcemapping";

    private final FunctionReferences<EventSourceMapping> references =
            new FunctionReferences<>(m -> m.getSpec().function());
    private final MappingStates states;

    @Inject
    public EventSourceMappingReconciler(MappingStates states) {
        this.states = states;
    }

    @Override
    public List<EventSource<?, EventSourceMapping>> prepareEventSources(
            EventSourceContext<EventSourceMapping> context) {
        List<EventSource<?, EventSourceMapping>> sources = new ArrayList<>(references.eventSources(context, true));
        sources.add(states.changes());
        return sources;
    }

    @Override
    public UpdateControl<EventSourceMapping> reconcile(EventSourceMapping mapping,
                                                       Context<EventSourceMapping> context) {
        EventSourceMappingSpec spec = mapping.getSpec();
        long generation = FunctionStatusFactory.generation(mapping);
        EventSourceMappingStatus previous = mapping.getStatus();
        List<Condition> conditions = previous == null || previous.conditions() == null
                ? List.of() : previous.conditions();
        MappingKey key = new MappingKey(mapping.getMetadata().getNamespace(), mapping.getMetadata().getName());
        Optional<MappingState> polled = states.of(key).filter(s -> s.generation() == generation);
        Outcome outcome = check(mapping, context).map(p -> new Outcome(Lead.STALLED, p, "Failed"))
                .orElseGet(() -> outcome(spec, polled));
        if (outcome.lead() != Lead.READY && outcome.problem() != null) {
            boolean known = conditions.stream().anyMatch(c -> !Condition.RECONCILING.equals(c.type())
                    && outcome.problem().message().equals(c.message()));
            if (!known) {
                KubernetesEvents.record(context.getClient(), mapping, KubernetesEvents.WARNING,
                        outcome.problem().reason(), outcome.problem().message());
            }
        }
        String reason = outcome.problem().reason();
        String message = outcome.problem().message();
        conditions = Conditions.with(conditions, Conditions.of(Condition.READY, outcome.lead() == Lead.READY, reason,
                message, generation));
        conditions = Conditions.with(conditions, Conditions.of(Condition.STALLED, outcome.lead() == Lead.STALLED,
                reason, message, generation));
        conditions = Conditions.with(conditions, Conditions.of(Condition.RECONCILING,
                outcome.lead() == Lead.RECONCILING, reason, message, generation));
        mapping.setStatus(new EventSourceMappingStatus(generation, conditions, outcome.state(),
                spec.source().type(), spec.effectiveBatchSize(),
                polled.map(MappingState::lastProcessingResult)
                        .orElse(previous == null ? null : previous.lastProcessingResult()),
                // Carried over as read: the status is patched with the difference from what was read, so a tick the
                // poller recorded since stays.
                previous == null ? null : previous.lastScheduledTick()));
        return UpdateControl.patchStatus(mapping);
    }

    /** Which kstatus condition leads. */
    private enum Lead { READY, RECONCILING, STALLED }

    private record Outcome(Lead lead, Problem problem, String state) {
    }

    /** The status a poller's report means; no report yet means the poller is starting. */
    private static Outcome outcome(EventSourceMappingSpec spec, Optional<MappingState> polled) {
        String what = spec.source().type() + " -> " + spec.function() + ":" + qualifier(spec);
        if (polled.isEmpty()) {
            return new Outcome(Lead.RECONCILING, new Problem("Creating", "starting to poll " + what), "Creating");
        }
        MappingState state = polled.get();
        String name = state.state().name();
        if (state.problem() != null) {
            Problem problem = new Problem(state.problem().reason(), state.problem().message());
            return new Outcome(state.state() == MappingState.State.Failed ? Lead.STALLED : Lead.RECONCILING,
                    problem, name);
        }
        return switch (state.state()) {
            case Enabled -> new Outcome(Lead.READY, new Problem("Enabled", "polling " + what), name);
            case Disabled -> new Outcome(Lead.READY, new Problem("Disabled", "not polling " + what
                    + ", as asked (enabled: false)"), name);
            case Creating, Disabling -> new Outcome(Lead.RECONCILING, new Problem(name, name + " " + what), name);
            case Failed -> new Outcome(Lead.STALLED, new Problem("Failed", "polling " + what + " failed"), name);
        };
    }

    private static Optional<Problem> check(EventSourceMapping mapping, Context<EventSourceMapping> context) {
        EventSourceMappingSpec spec = mapping.getSpec();
        String namespace = mapping.getMetadata().getNamespace();
        if (FunctionReferences.function(context, namespace, spec.function()).isEmpty()) {
            return Optional.of(new Problem("FunctionNotFound", "function " + spec.function()
                    + " does not exist in this namespace"));
        }
        String qualifier = qualifier(spec);
        boolean found = qualifier.matches("[0-9]+")
                ? FunctionReferences.versionExists(context, namespace, spec.function(), qualifier)
                : Labels.LATEST.equals(qualifier) || FunctionReferences.aliases(context, namespace, spec.function())
                .stream().anyMatch(a -> qualifier.equals(a.getSpec().name()));
        return found ? Optional.empty() : Optional.of(new Problem("QualifierNotFound", "function "
                + spec.function() + " has no " + (qualifier.matches("[0-9]+") ? "version " : "alias ") + qualifier));
    }

    private static String qualifier(EventSourceMappingSpec spec) {
        return spec.qualifier() == null ? Labels.LATEST : spec.qualifier();
    }
}
