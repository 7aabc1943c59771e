package dev.lamina.versions;

import dev.lamina.api.AliasSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** An alias's routing table: its version gets what the additional version weights leave, as in Lambda. */
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
}
