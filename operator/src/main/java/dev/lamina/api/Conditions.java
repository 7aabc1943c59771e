package dev.lamina.api;

import java.util.List;
import java.util.Optional;

/** Reading a list of {@link Condition}s. */
public final class Conditions {
    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }
}
