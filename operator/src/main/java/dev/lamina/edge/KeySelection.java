package dev.lamina.edge;

import dev.lamina.api.DistributionSpec.KeyItems;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which names a cache policy's {@link KeyItems} selects: none, the whitelist, all but the listed ones, or all.
 * Header names compare case-insensitively (pass them in lower case); query string and cookie names as written.
 */
record KeySelection(String behavior, Set<String> names) {

    static KeySelection of(KeyItems items, boolean lowerCase) {
        Set<String> names = items.items().stream()
                .map(n -> lowerCase ? n.toLowerCase(Locale.ROOT) : n)
                .collect(Collectors.toUnmodifiableSet());
        return new KeySelection(items.behavior(), names);
    }

    boolean selects(String name) {
        return switch (behavior) {
            case "whitelist" -> names.contains(name);
            case "allExcept" -> !names.contains(name);
            case "all" -> true;
            default -> false;
        };
    }

    boolean none() {
        return behavior.equals("none");
    }
}
