package dev.lamina.gateway;

import dev.lamina.api.DistributionSpec;
import dev.lamina.edge.PathPatterns;

/**
 * A distribution as the gateway serves it.
 *
 * @param namespace its namespace: its functions, Services and Function URLs are looked up there
 * @param name      its name
 * @param id        its id ({@link dev.lamina.edge.EdgeHosts#id})
 * @param spec      what it does
 * @param behaviors its behaviours' path patterns, compiled
 */
public record ServedDistribution(String namespace, String name, String id, DistributionSpec spec,
                                 PathPatterns behaviors) {

    /** The origin with this id, or null. */
    public DistributionSpec.Origin origin(String originId) {
        return spec.origins().stream().filter(o -> o.id().equals(originId)).findFirst().orElse(null);
    }
}
