package dev.lamina.versions;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An alias's routing, the same in both modes: its version gets what the additional version weights leave, as in
 * Lambda, and an alias routes only when every version it names exists.
 */
public final class AliasRouting {
    private AliasRouting() {
    }

    /**
     * The spec's own table: version → share of traffic, summing to 1; the alias's own version first (empty for an
     * alias that follows the latest version: its deployment decides).
     */
    public static Map<String, Double> table(AliasSpec spec) {
        if (spec.functionVersion() == null) {
            return Map.of();
        }
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

    /**
     * The table in force: the spec's; with a deployment, the one its status holds (a deployment sets the weights),
     * which is empty until the deployment was first evaluated.
     */
    public static Map<String, Double> table(AliasSpec spec, DeploymentStatus deployment) {
        if (spec.deployment() == null) {
            return table(spec);
        }
        if (deployment == null) {
            return Map.of();
        }
        String from = deployment.fromVersion();
        String target = deployment.targetVersion();
        double weight = deployment.targetWeight() == null ? 0 : deployment.targetWeight();
        Map<String, Double> table = new LinkedHashMap<>();
        if (!deployment.inProgress()) {
            String stable = DeploymentStatus.SUCCEEDED.equals(deployment.phase()) ? target : from;
            if (stable != null) {
                table.put(stable, 1.0);
            }
        } else if (weight >= 1) {
            table.put(target, 1.0);
        } else {
            table.put(from, BigDecimal.ONE.subtract(BigDecimal.valueOf(weight)).doubleValue());
            if (weight > 0) {
                table.put(target, weight);
            }
        }
        return table;
    }

    /** The table in force for an alias resource, from its spec and status. */
    public static Map<String, Double> table(Alias alias) {
        return table(alias.getSpec(), alias.getStatus() == null ? null : alias.getStatus().deployment());
    }

    /**
     * Every version an alias may send traffic to now or after a rollback: those of its table, and the two ends of
     * its deployment in progress.
     */
    public static Set<String> versionsNamed(Alias alias) {
        Set<String> named = new TreeSet<>(table(alias).keySet());
        DeploymentStatus deployment = alias.getStatus() == null ? null : alias.getStatus().deployment();
        if (alias.getSpec().deployment() != null && deployment != null && deployment.inProgress()) {
            named.add(deployment.fromVersion());
            named.add(deployment.targetVersion());
        }
        return named;
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

        /** Some named versions do not exist (yet), or it names none yet: the alias does not route. */
        record Missing<V>(List<String> versions) implements Resolution<V> {
        }
    }

    /**
     * Resolves an alias's table (first its own version, then at most one additional one) with {@code versions} ({@code $LATEST} or a number to a version, null when it does
     * not exist).
     */
    public static <V> Resolution<V> resolve(Map<String, Double> table,
                                            java.util.function.Function<String, V> versions) {
        if (table.isEmpty()) {
            return new Resolution.Missing<>(List.of());
        }
        List<String> missing = new ArrayList<>();
        List<V> found = new ArrayList<>();
        double weight = 0;
        for (Map.Entry<String, Double> entry : table.entrySet()) {
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
