package dev.lamina.gateway;

import dev.lamina.api.DistributionSpec;
import dev.lamina.edge.EdgeCache;
import dev.lamina.edge.EdgeHosts;
import dev.lamina.edge.PathPatterns;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The distributions this gateway serves, by id and by host, fed by the mode (files or informers) as the function
 * catalog is. A distribution whose spec changes starts with an empty cache.
 */
@ApplicationScoped
public class EdgeCatalog {

    private final Map<String, ServedDistribution> byId = new ConcurrentHashMap<>();
    /** Alternate host names (spec.aliases) → distribution id. */
    private final Map<String, String> byAlias = new ConcurrentHashMap<>();
    private final EdgeCache cache;

    public EdgeCatalog(EdgeCache cache) {
        this.cache = cache;
    }

    /**
     * The replica's cache of origin answers, for all distributions; one answer may take a tenth of it. Its counters
     * are metrics: {@code lamina_edge_cache_hits_total}, {@code _misses_total}, {@code _evictions_total},
     * {@code lamina_edge_cache_bytes} and {@code _entries}.
     */
    @Produces
    @Singleton
    static EdgeCache edgeCache(GatewayConfig config, MeterRegistry registry) {
        EdgeCache cache = new EdgeCache(config.edge().cacheMaxBytes(), 0.1);
        FunctionCounter.builder("lamina_edge_cache_hits_total", cache, c -> c.stats().hits()).register(registry);
        FunctionCounter.builder("lamina_edge_cache_misses_total", cache, c -> c.stats().misses()).register(registry);
        FunctionCounter.builder("lamina_edge_cache_evictions_total", cache, c -> c.stats().evictions())
                .register(registry);
        Gauge.builder("lamina_edge_cache_bytes", cache, c -> c.stats().bytes()).register(registry);
        Gauge.builder("lamina_edge_cache_entries", cache, c -> c.stats().entries()).register(registry);
        return cache;
    }

    /** Serves a distribution, or its new spec. */
    public synchronized void put(String namespace, String name, DistributionSpec spec) {
        String id = EdgeHosts.id(namespace, name);
        ServedDistribution previous = byId.put(id, new ServedDistribution(namespace, name, id, spec,
                PathPatterns.of(spec)));
        if (previous != null) {
            dropAliases(previous);
            if (!previous.spec().equals(spec)) {
                cache.invalidate(id);
            }
        }
        if (spec.aliases() != null) {
            spec.aliases().forEach(host -> byAlias.put(host.toLowerCase(Locale.ROOT), id));
        }
    }

    public synchronized void remove(String namespace, String name) {
        ServedDistribution previous = byId.remove(EdgeHosts.id(namespace, name));
        if (previous != null) {
            dropAliases(previous);
            cache.invalidate(previous.id());
        }
    }

    private void dropAliases(ServedDistribution distribution) {
        byAlias.values().removeIf(distribution.id()::equals);
    }

    public ServedDistribution byId(String id) {
        return byId.get(id);
    }

    /** The distribution a Host header (without port) names: its own host or one of its aliases; null if none. */
    public ServedDistribution byHost(String host) {
        if (host == null || byId.isEmpty()) {
            return null;
        }
        String own = EdgeHosts.idFromHost(host).orElse(null);
        if (own != null) {
            return byId.get(own);
        }
        String alias = byAlias.get(host.toLowerCase(Locale.ROOT));
        return alias == null ? null : byId.get(alias);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Every distribution, by namespace and name. */
    public List<ServedDistribution> list() {
        return byId.values().stream().sorted(Comparator.comparing(ServedDistribution::namespace)
                .thenComparing(ServedDistribution::name)).toList();
    }
}
