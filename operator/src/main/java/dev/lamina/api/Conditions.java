package dev.lamina.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Helpers for lists of {@link Condition}s: a status change moves lastTransitionTime, a re-statement does not. */
public final class Conditions {
    private Conditions() {
    }

    public static Condition of(String type, boolean status, String reason, String message, Long generation) {
        return new Condition(type, status ? "True" : "False", reason, message, now(), generation);
    }

    /** Returns a copy of {@code current} with {@code update} replacing the condition of the same type. */
    public static List<Condition> with(List<Condition> current, Condition update) {
        List<Condition> result = new ArrayList<>();
        boolean replaced = false;
        for (Condition c : current == null ? List.<Condition>of() : current) {
            if (c.type().equals(update.type())) {
                String since = c.status().equals(update.status()) && c.lastTransitionTime() != null
                        ? c.lastTransitionTime() : update.lastTransitionTime();
                result.add(new Condition(update.type(), update.status(), update.reason(), update.message(), since,
                        update.observedGeneration()));
                replaced = true;
            } else {
                result.add(c);
            }
        }
        if (!replaced) {
            result.add(update);
        }
        return List.copyOf(result);
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
