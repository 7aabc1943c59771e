package dev.lamina.controller;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.HasConditions;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A resource's kstatus conditions and the next ones to report. Each outcome writes Ready, Stalled and Reconciling
 * together, so exactly one of them is True, all at the resource's generation; a condition whose status does not
 * change keeps its lastTransitionTime. Conditions of other types are kept as they are.
 *
 * @param current    the conditions the resource reports now
 * @param generation the resource's metadata.generation, which the next conditions describe
 */
record StatusConditions(List<Condition> current, long generation) {
    private static final List<String> KSTATUS = List.of(Condition.READY, Condition.STALLED, Condition.RECONCILING);

    static StatusConditions of(CustomResource<?, ? extends HasConditions> resource) {
        Long generation = resource.getMetadata().getGeneration();
        HasConditions status = resource.getStatus();
        return new StatusConditions(status == null || status.conditions() == null ? List.of() : status.conditions(),
                generation == null ? 0 : generation);
    }

    /** The spec is in effect. */
    List<Condition> ready(String reason, String message) {
        return led(Condition.READY, reason, message);
    }

    /** Work towards the spec is under way and expected to finish by itself. */
    List<Condition> reconciling(String reason, String message) {
        return led(Condition.RECONCILING, reason, message);
    }

    /** Nothing more happens until someone changes the spec or what it refers to. */
    List<Condition> stalled(String reason, String message) {
        return led(Condition.STALLED, reason, message);
    }

    /** Stalled by these problems: the first one's reason, every one's message. */
    List<Condition> stalled(List<Problem> problems) {
        return stalled(problems.getFirst().reason(),
                problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
    }

    /**
     * These conditions with a warning of its own type: True with the message, kept since it was first given; absent
     * when there is no message.
     */
    List<Condition> withWarning(List<Condition> conditions, String type, Optional<String> message) {
        List<Condition> next = new ArrayList<>(conditions.stream().filter(c -> !c.type().equals(type)).toList());
        message.ifPresent(text -> next.add(new Condition(type, "True", type, text, Conditions.find(current, type)
                .filter(Condition::isTrue).map(Condition::lastTransitionTime)
                .orElse(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()), generation)));
        return List.copyOf(next);
    }

    /** Whether a warning of this type already says this. */
    boolean warns(String type, String message) {
        return Conditions.find(current, type).filter(Condition::isTrue).map(Condition::message)
                .filter(message::equals).isPresent();
    }

    /** Whether the leading condition (Stalled, or Reconciling while retrying) already tells of this problem. */
    boolean tellsOf(Problem problem) {
        return current.stream()
                .filter(c -> !Condition.READY.equals(c.type()) && KSTATUS.contains(c.type()) && c.isTrue())
                .anyMatch(c -> c.message() != null && c.message().contains(problem.message()));
    }

    private List<Condition> led(String leader, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Condition> next = new ArrayList<>();
        for (String type : KSTATUS) {
            String status = type.equals(leader) ? "True" : "False";
            String since = Conditions.find(current, type)
                    .filter(c -> c.status().equals(status) && c.lastTransitionTime() != null)
                    .map(Condition::lastTransitionTime)
                    .orElse(now);
            next.add(new Condition(type, status, reason, message, since, generation));
        }
        current.stream().filter(c -> !KSTATUS.contains(c.type())).forEach(next::add);
        return List.copyOf(next);
    }
}
