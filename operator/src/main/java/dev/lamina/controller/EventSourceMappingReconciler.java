package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.EventSourceMappingStatus;
import dev.lamina.api.Labels;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.MappingState;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reports an event source mapping's state: what its poller says (pollers run on this replica, the Lease holder, and
 * report through {@link MappingStates}), after checking the function and qualifier it names. Ready only while its
 * source is polled without a problem, or when it is disabled as asked.
 */
// Looked at again at least every 15 s: a status patch is the difference from the mapping as read, and a read from a
// cache older than the last write can make a needed write look like no change (two quick reports, Creating then
// Enabled, left a status at Creating). A fresh look writes it.
@ControllerConfiguration(name = EventSourceMappingReconciler.NAME,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 15, timeUnit = TimeUnit.SECONDS))
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class EventSourceMappingReconciler implements Reconciler<EventSourceMapping> {
    public static final String NAME = "eventsourcemapping";

    private final FunctionReferences<EventSourceMapping> references =
            FunctionReferences.one(m -> m.getSpec().function());
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
        StatusConditions conditions = StatusConditions.of(mapping);
        MappingKey key = new MappingKey(mapping.getMetadata().getNamespace(), mapping.getMetadata().getName());
        Optional<MappingState> polled = states.of(key).filter(s -> s.generation() == conditions.generation());
        Optional<Problem> invalid = check(mapping, context);
        List<Condition> next;
        String state;
        if (invalid.isPresent()) {
            KubernetesEvents.recordNewProblems(context.getClient(), mapping, conditions, List.of(invalid.get()));
            next = conditions.stalled(List.of(invalid.get()));
            state = MappingState.State.Failed.name();
        } else if (polled.isEmpty()) {
            next = conditions.reconciling("Creating", "starting to poll " + route(spec));
            state = MappingState.State.Creating.name();
        } else {
            next = conditions(mapping, spec, conditions, polled.get(), context);
            state = polled.get().state().name();
        }
        EventSourceMappingStatus previous = mapping.getStatus();
        Optional<List<MappingState.ShardLag>> shards = polled.map(MappingState::shards);
        mapping.setStatus(new EventSourceMappingStatus(conditions.generation(), next, state, spec.source().type(),
                spec.effectiveBatchSize(), polled.map(MappingState::lastProcessingResult)
                .orElse(previous == null ? null : previous.lastProcessingResult()),
                // Carried over as read: the status is patched with the difference from what was read, so a tick or
                // a checkpoint the poller recorded since stays.
                previous == null ? null : previous.lastScheduledTick(),
                shards.map(List::size).orElse(null),
                shards.map(read -> read.stream().map(lag -> new EventSourceMappingStatus.ShardStatus(lag.shard(),
                        lag.iteratorAgeMillis())).toList()).orElse(null),
                previous == null ? null : previous.checkpoints()));
        return UpdateControl.patchStatus(mapping);
    }

    /** What a poller's report means: a problem it retries (Reconciling) or cannot get past (Stalled), or Ready. */
    private static List<Condition> conditions(EventSourceMapping mapping, EventSourceMappingSpec spec,
                                              StatusConditions conditions, MappingState polled,
                                              Context<EventSourceMapping> context) {
        if (polled.problem() != null) {
            Problem problem = new Problem(polled.problem().reason(), polled.problem().message());
            KubernetesEvents.recordNewProblems(context.getClient(), mapping, conditions, List.of(problem));
            return polled.state() == MappingState.State.Failed ? conditions.stalled(List.of(problem))
                    : conditions.reconciling(problem.reason(), problem.message());
        }
        return switch (polled.state()) {
            case Enabled -> conditions.ready("Enabled", "polling " + route(spec));
            case Disabled -> conditions.ready("Disabled", "not polling " + route(spec) + ", as asked (enabled: false)");
            case Creating, Disabling -> conditions.reconciling(polled.state().name(),
                    polled.state().name() + " " + route(spec));
            case Failed -> conditions.stalled("Failed", "polling " + route(spec) + " failed");
        };
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
