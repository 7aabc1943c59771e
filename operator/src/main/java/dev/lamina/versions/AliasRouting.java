package dev.lamina.versions;

import dev.lamina.api.AliasSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An alias's routing, the same in both modes: its version gets what the additional version weights leave, as in
 * Lambda, and an alias routes only when every version it names exists.
 */
public final class AliasRouting {
    private AliasRouting() {
    }

    /** Version → share of traffic, summing to 1; the alias's own version first. */
    public static Map<String, Double> table(AliasSpec spec) {
        Map<String, Double> additional = spec.routingConfig() == null
                || spec.routingConfig().additionalVersionWeights() == null
                ? Map.of() : spec.routingConfig().additionalVersionWeights();
        BigDecimal rest = BigDecimal.ONE;
        for (double weight : additional.values()) {
            rest = rest.subtract(BigDecimal.valueOf(weight));
        }
        Map<String, Double> table = new LinkedHashMap<>();
        table.put(spec.functionVersion(), Math.max(0.0, rest.doubleValue()));
        additional.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> table.put(e.getKey(), e.getValue()));
        return table;
    }

    /** The table in words, e.g. {@code 3=90%,4=10%}. */
    public static String describe(Map<String, Double> table) {
        return table.entrySet().stream()
                .map(e -> e.getKey() + "=" + BigDecimal.valueOf(e.getValue() * 100)
                        .setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%")
                .collect(Collectors.joining(","));
    }

    /** An alias resolved against a function's versions. */
    public sealed interface Resolution<V> {
        /** Every version exists: the alias's own version, and at most one additional one with its share. */
        record Routed<V>(V primary, V additional, double additionalWeight) implements Resolution<V> {
        }

        /** Some named versions do not exist (yet): the alias does not route. */
        record Missing<V>(List<String> versions) implements Resolution<V> {
        }
    }

    /**
     * Resolves the alias's table with {@code versions} ({@code $LATEST} or a number to a version, null when it does
     * not exist).
     */
    public static <V> Resolution<V> resolve(AliasSpec spec, java.util.function.Function<String, V> versions) {
        List<String> missing = new ArrayList<>();
        List<V> found = new ArrayList<>();
        double weight = 0;
        for (Map.Entry<String, Double> entry : table(spec).entrySet()) {
            V version = versions.apply(entry.getKey());
            if (version == null) {
                missing.add(entry.getKey());
            }
            found.add(version);
            weight = entry.getValue();
        }
        // The table holds the alias's own version first, then (Lambda allows one) the additional version.
        V primary = found.getFirst();
        V additional = found.size() > 1 ? found.get(1) : null;
        return missing.isEmpty() ? new Resolution.Routed<>(primary, additional, additional == null ? 0 : weight)
                : new Resolution.Missing<>(missing);
    }
}
