package dev.lamina.local;

import dev.lamina.api.Distribution;
import dev.lamina.api.FunctionKey;
import dev.lamina.edge.DistributionChecks;
import dev.lamina.edge.EdgeHosts;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.DeployedVersion;
import dev.lamina.gateway.EdgeCatalog;
import dev.lamina.gateway.FunctionEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Local mode's distributions: the Distributions of the directory served by this gateway, following edits, with the
 * checks a cluster's status shows printed.
 */
final class LocalDistributions {

    private final EdgeCatalog distributions;
    private final Catalog catalog;
    private Map<FunctionKey, Distribution> served = Map.of();

    LocalDistributions(EdgeCatalog distributions, Catalog catalog) {
        this.distributions = distributions;
        this.catalog = catalog;
    }

    /** Serves the distributions of one read of the directory (after its functions); what is wrong with them. */
    List<String> apply(DirectoryIndex index) {
        Map<FunctionKey, Distribution> next = new TreeMap<>();
        for (ResourceFiles.Document d : index.distributions()) {
            Distribution distribution = (Distribution) d.resource();
            next.put(FunctionKey.of(distribution, distribution.getMetadata().getName()), distribution);
        }
        served.keySet().stream().filter(key -> !next.containsKey(key))
                .forEach(key -> distributions.remove(key.namespace(), key.name()));
        List<String> problems = new ArrayList<>();
        next.forEach((key, distribution) -> {
            distributions.put(key.namespace(), key.name(), distribution.getSpec());
            check(key, distribution).problems().forEach(p -> problems.add("Distribution " + key + ": " + p));
        });
        served = next;
        return problems;
    }

    private DistributionChecks.Result check(FunctionKey key, Distribution distribution) {
        return DistributionChecks.check(distribution.getSpec(), (function, version) -> {
            FunctionEntry entry = catalog.find(key.namespace(), function);
            List<DeployedVersion> versions = entry == null ? List.of() : entry.versionsOf(version);
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getFirst().info().spec());
        }, (function, qualifier) -> {
            FunctionEntry entry = catalog.find(key.namespace(), function);
            return entry != null && entry.urls().stream().anyMatch(url -> Objects.equals(url.alias(), qualifier));
        });
    }

    /** What the console shows for each distribution: its id, both ways to reach it and its functions. */
    List<String> describe(String address, String domain) {
        List<String> lines = new ArrayList<>();
        served.forEach((key, distribution) -> {
            String id = EdgeHosts.id(key.namespace(), key.name());
            List<String> functions = check(key, distribution).functionVersions();
            lines.add(String.format("  %-20s %s   or   %s%s", "Distribution " + key.name(),
                    EdgeHosts.address(address, Optional.of(domain), id), EdgeHosts.address(address, Optional.empty(),
                            id), functions.isEmpty() ? "" : "   (" + String.join(", ", functions) + ")"));
        });
        return lines;
    }
}
