package dev.lamina.gateway;

import dev.lamina.api.FunctionKey;
import dev.lamina.api.FunctionSpec;
import dev.lamina.deployments.VersionReadiness;
import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.VersionRef;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ConcurrencyMeter;
import dev.lamina.scaling.ScalingBounds;
import dev.lamina.scaling.ScalingLoop;
import dev.lamina.scaling.ScalingPolicy;
import dev.lamina.scaling.ScalingTarget;
import dev.lamina.versions.ProvisionedEnvironments;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The routing table: every function the gateway serves, with its versions and aliases. Whoever knows the resources
 * (local mode from YAML files, the controller from the cluster) deploys versions here and puts whole
 * {@link FunctionEntry}s; versions an update drops are retired: their environments stop after their invocations.
 */
@ApplicationScoped
public class Catalog implements VersionReadiness {

    private final Map<FunctionKey, FunctionEntry> functions = new ConcurrentHashMap<>();
    private final Map<FunctionKey, ConcurrencyLimits.FunctionLimit> limits = new ConcurrentHashMap<>();
    /** Function URL id → the URL, from the function's current entry (ids are digests: made once, at put). */
    private final Map<String, UrlTarget> urls = new ConcurrentHashMap<>();
    /** Function URL id → when this gateway began serving it (CreationTime of the control plane API). */
    private final Map<String, Instant> urlsSince = new ConcurrentHashMap<>();
    private final ConcurrencyLimits concurrency;
    private final ScalingLoop scaling;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lamina-slot-waits");
        t.setDaemon(true);
        return t;
    });

    private final GatewayMetrics metrics;
    private final Duration scaleUpPatience;
    private final Accounts accounts;

    /**
     * @param concurrency the limits as this mode counts them: whole with one gateway, shared across replicas in a
     *                    cluster
     */
    public Catalog(GatewayConfig config, GatewayMetrics metrics, Accounts accounts, ConcurrencyLimits concurrency) {
        GatewayConfig.Scaling s = config.scaling();
        this.metrics = metrics;
        this.accounts = accounts;
        this.scaleUpPatience = s.scaleUpPatience();
        this.concurrency = concurrency;
        this.scaling = new ScalingLoop(
                new ScalingPolicy(s.stableWindow(), s.panicWindow(), s.panicThreshold(), s.tick(), s.maxStarting()),
                System::nanoTime);
        this.scaling.start();
    }

    /**
     * Makes a version routable. {@code pool} is null when the version cannot run here (its state says why). The
     * version stays deployed while an entry put later refers to it.
     */
    public DeployedVersion deploy(VersionRef ref, VersionInfo info, EnvironmentPool pool) {
        if (pool == null) {
            return new DeployedVersion(ref, info, null, null, null, null);
        }
        ConcurrencyMeter demand = new ConcurrencyMeter(System::nanoTime);
        ScalingTarget target = new ScalingTarget(pool, demand, () -> bounds(ref, info.spec(), pool), scaling.policy());
        SlotQueue slots = new SlotQueue(pool, () -> scaling.demandWaiting(target), scaleUpPatience, timer);
        scaling.register(target);
        metrics.versionDeployed(pool);
        return new DeployedVersion(ref, info, pool, demand, slots, target);
    }

    /** Adds or replaces a function; versions the previous entry had and this one lacks are retired. */
    public void put(FunctionEntry entry) {
        FunctionKey key = new FunctionKey(entry.namespace(), entry.name());
        accounts.serve(entry.namespace());
        Integer reserved = entry.spec().concurrency().reserved();
        ConcurrencyLimits.FunctionLimit limit = limits.computeIfAbsent(key,
                k -> concurrency.account(k.namespace()).function(k.name(), reserved));
        limit.reserve(entry.name(), reserved);
        metrics.functionAdded(entry.namespace(), entry.name(), limit);
        FunctionEntry previous = functions.put(key, entry);
        indexUrls(previous, entry);
        if (previous != null) {
            Set<DeployedVersion> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(deployed(entry));
            deployed(previous).stream().filter(v -> !kept.contains(v)).forEach(this::retire);
        }
    }

    /** Removes a function and retires all its versions. */
    public void remove(String namespace, String name) {
        FunctionKey key = new FunctionKey(namespace, name);
        FunctionEntry previous = functions.remove(key);
        if (previous != null) {
            indexUrls(previous, null);
            deployed(previous).forEach(this::retire);
        }
        ConcurrencyLimits.FunctionLimit limit = limits.remove(key);
        if (limit != null) {
            limit.remove();
            metrics.functionRemoved(limit);
        }
    }

    public FunctionEntry find(String namespace, String name) {
        return functions.get(new FunctionKey(namespace, name));
    }

    /**
     * The function a caller's address names: an ARN in its account's namespace, a plain name in {@code
     * plainNamespace}; null when there is none.
     */
    public FunctionEntry find(String plainNamespace, FunctionAddress address) {
        return accounts.namespaceOf(address, plainNamespace).map(ns -> find(ns, address.name())).orElse(null);
    }

    /** The Function URL with this id, or null. */
    public UrlTarget functionUrl(String id) {
        return urls.get(id);
    }

    /** When this gateway began serving a Function URL. */
    public Instant servedSince(String urlId) {
        return urlsSince.getOrDefault(urlId, Instant.now());
    }

    /** Every Function URL served, by function then qualifier. */
    public List<UrlTarget> functionUrls() {
        return functions.values().stream().sorted(Comparator.comparing(FunctionEntry::namespace)
                .thenComparing(FunctionEntry::name)).flatMap(e -> e.urls().stream()).toList();
    }

    private void indexUrls(FunctionEntry previous, FunctionEntry current) {
        List<UrlTarget> now = current == null ? List.of() : current.urls();
        Set<String> ids = now.stream().map(UrlTarget::id).collect(Collectors.toSet());
        if (previous != null) {
            previous.urls().stream().map(UrlTarget::id).filter(id -> !ids.contains(id)).forEach(id -> {
                urls.remove(id);
                urlsSince.remove(id);
            });
        }
        Instant at = Instant.now();
        now.forEach(url -> {
            urls.put(url.id(), url);
            urlsSince.putIfAbsent(url.id(), at);
        });
    }

    /** The functions of a namespace, by name. */
    public List<FunctionEntry> list(String namespace) {
        List<FunctionEntry> result = new ArrayList<>();
        for (FunctionEntry e : functions.values()) {
            if (e.namespace().equals(namespace)) {
                result.add(e);
            }
        }
        result.sort(Comparator.comparing(FunctionEntry::name));
        return result;
    }

    /**
     * Whether a version has a ready environment (in a cluster: a ready pod), or why it cannot run. A version not
     * here (yet: the catalog follows the cluster) is not ready, and no problem.
     */
    @Override
    public Readiness of(String namespace, String function, String version) {
        FunctionEntry entry = find(namespace, function);
        DeployedVersion deployed = entry == null ? null : entry.resolve(version);
        if (deployed == null) {
            return new Readiness(false, null);
        }
        if (deployed.pool() == null) {
            return new Readiness(false, deployed.info().state().reason());
        }
        return new Readiness(deployed.pool().state().ready() > 0, null);
    }

    /** Every concurrency limit of the functions put here. */
    public ConcurrencyLimits concurrency() {
        return concurrency;
    }

    /** The concurrency limit of a function put here. */
    public ConcurrencyLimits.FunctionLimit limit(String namespace, String name) {
        return limits.get(new FunctionKey(namespace, name));
    }

    @PreDestroy
    void shutdown() {
        scaling.close();
        timer.shutdownNow();
        for (FunctionEntry e : functions.values()) {
            deployed(e).forEach(this::retire);
        }
        functions.clear();
    }

    private void retire(DeployedVersion version) {
        if (version.pool() == null) {
            return;
        }
        scaling.unregister(version.scaling());
        metrics.versionRetired(version.pool());
        version.pool().close();
        version.slots().startFailed("the function's configuration changed while this invocation waited; retry it");
    }

    /** What the function's configuration and aliases allow one version's pool now. */
    private ScalingBounds bounds(VersionRef ref, FunctionSpec spec, EnvironmentPool pool) {
        int slots = pool.slotsPerEnvironment();
        ConcurrencyLimits.FunctionLimit limit = limits.get(new FunctionKey(ref.namespace(), ref.function()));
        int maxConcurrency = limit == null ? 0 : limit.maxConcurrency();
        int provisioned = 0;
        FunctionEntry entry = functions.get(new FunctionKey(ref.namespace(), ref.function()));
        if (entry != null) {
            provisioned = ProvisionedEnvironments.perVersion(
                    entry.aliases().values().stream().map(AliasRoute::resource).toList(), version -> slots)
                    .getOrDefault(ref.version(), 0);
        }
        return new ScalingBounds(provisioned, ceilDiv(maxConcurrency, slots), slots,
                spec.scaling().targetUtilization(), Duration.ofSeconds(spec.scaling().idleTimeoutSeconds()));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static List<DeployedVersion> deployed(FunctionEntry entry) {
        List<DeployedVersion> all = new ArrayList<>();
        all.add(entry.latest());
        all.addAll(entry.versions().values());
        return all;
    }
}
