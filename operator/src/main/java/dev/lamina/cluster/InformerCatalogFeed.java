package dev.lamina.cluster;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.Distribution;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionKey;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.environments.VersionRef;
import dev.lamina.gateway.AliasRoute;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.DeployedVersion;
import dev.lamina.gateway.EdgeCatalog;
import dev.lamina.gateway.FunctionEntry;
import dev.lamina.gateway.VersionInfo;
import dev.lamina.gateway.VersionState;
import dev.lamina.versions.AliasRouting;
import dev.lamina.versions.FunctionVersions;
import dev.lamina.versions.SpecDigest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The gateway's routing table fed from the cluster, as local mode feeds it from files: every Function, its published
 * FunctionVersions and its Aliases, watched through informers, become catalog entries whose environments are the
 * pods of the version Deployments the operator runs; the Distributions go to the gateway's distribution catalog.
 * Every replica runs this; it reads the cluster and never writes it, except scaling through the environment pools.
 */
final class InformerCatalogFeed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InformerCatalogFeed.class);
    private static final String BY_FUNCTION = "function";
    private static final String BY_DEPLOYMENT = "deployment";

    /** What is deployed in the catalog for one function. */
    private static final class Deployed {
        String latestDigest;
        DeployedVersion latest;
        final TreeMap<Long, DeployedVersion> versions = new TreeMap<>();
        final Map<String, AliasRoute> aliases = new LinkedHashMap<>();
    }

    private final Catalog catalog;
    private final PodInformers environments;
    private final BooleanSupplier mayScaleDown;
    private final SharedIndexInformer<Function> functions;
    private final SharedIndexInformer<FunctionVersion> versions;
    private final SharedIndexInformer<Alias> aliases;
    private final EdgeCatalog edge;
    private final SharedIndexInformer<Distribution> distributions;
    private final Map<FunctionKey, Deployed> deployed = new HashMap<>();

    InformerCatalogFeed(KubernetesClient client, Catalog catalog, EdgeCatalog edge, PodInformers environments,
                        BooleanSupplier mayScaleDown) {
        this.catalog = catalog;
        this.edge = edge;
        this.environments = environments;
        this.mayScaleDown = mayScaleDown;
        functions = client.resources(Function.class).inAnyNamespace().runnableInformer(0);
        versions = client.resources(FunctionVersion.class).inAnyNamespace().runnableInformer(0);
        versions.addIndexers(Map.of(BY_FUNCTION, v -> List.of(key(v, v.getSpec().function()))));
        aliases = client.resources(Alias.class).inAnyNamespace().runnableInformer(0);
        aliases.addIndexers(Map.of(BY_FUNCTION, a -> List.of(key(a, a.getSpec().function())),
                BY_DEPLOYMENT, InformerCatalogFeed::deploymentId));
        functions.addEventHandler(handler(f -> refresh(new FunctionKey(f.getMetadata().getNamespace(),
                f.getMetadata().getName()))));
        versions.addEventHandler(handler(v -> refresh(new FunctionKey(v.getMetadata().getNamespace(),
                v.getSpec().function()))));
        aliases.addEventHandler(handler(a -> refresh(new FunctionKey(a.getMetadata().getNamespace(),
                a.getSpec().function()))));
        distributions = client.resources(Distribution.class).inAnyNamespace().runnableInformer(0);
        distributions.addEventHandler(handler(d -> refresh(d.getMetadata().getNamespace(),
                d.getMetadata().getName())));
        functions.run();
        versions.run();
        aliases.run();
        distributions.run();
    }

    /** Serves a distribution as the cluster holds it, or no more. */
    private void refresh(String namespace, String name) {
        Distribution distribution = distributions.getIndexer().getByKey(namespace + "/" + name);
        if (distribution == null || distribution.getSpec() == null) {
            edge.remove(namespace, name);
        } else {
            edge.put(namespace, name, distribution.getSpec());
        }
    }

    /** The Aliases (as last seen) whose deployment in progress has this id: one, unless ids were reused by hand. */
    List<Alias> aliasesOfDeployment(String deploymentId) {
        return aliases.getIndexer().byIndex(BY_DEPLOYMENT, deploymentId);
    }

    /** Brings one function's catalog entry in line with what the cluster holds. */
    private synchronized void refresh(FunctionKey key) {
        Function function = functions.getIndexer().getByKey(key.namespace() + "/" + key.name());
        if (function == null || function.getSpec() == null) {
            if (deployed.remove(key) != null) {
                catalog.remove(key.namespace(), key.name());
            }
            return;
        }
        Deployed state = deployed.computeIfAbsent(key, k -> new Deployed());
        Optional<String> notApplied = notApplied(function);
        String digest = SpecDigest.configuration(function.getSpec(), name -> null);
        // A spec the operator could not apply is not what runs: $LATEST keeps serving what it ran before.
        if (state.latest == null || notApplied.isEmpty() && !digest.equals(state.latestDigest)) {
            VersionState runnable = notApplied.isPresent() && state.latest == null
                    ? VersionState.failed("InvalidConfiguration", notApplied.get()) : VersionState.ACTIVE;
            state.latest = deploy(key, Labels.LATEST, function.getSpec(), codeSha256(function.getSpec(), null),
                    digest, runnable);
            state.latestDigest = digest;
        }
        Map<Long, FunctionVersion> published = FunctionVersions.byNumber(
                versions.getIndexer().byIndex(BY_FUNCTION, key.namespace() + "/" + key.name()));
        state.versions.keySet().retainAll(published.keySet());
        published.forEach((number, v) -> state.versions.computeIfAbsent(number, n -> deploy(key,
                v.getSpec().version(), v.getSpec().snapshot(), codeSha256(v.getSpec().snapshot(),
                        v.getSpec().codeSha256()), v.getSpec().configSha256(), VersionState.ACTIVE)));
        Map<String, AliasRoute> routes = new LinkedHashMap<>();
        for (Alias alias : aliases.getIndexer().byIndex(BY_FUNCTION, key.namespace() + "/" + key.name())) {
            AliasSpec spec = alias.getSpec();
            AliasStatus.DeploymentStatus deployment = alias.getStatus() == null ? null
                    : alias.getStatus().deployment();
            // An alias naming a version that does not exist (yet) does not route; its reconciler says why. With a
            // deployment, it routes by the weights the controller put in its status.
            if (AliasRouting.resolve(AliasRouting.table(spec, deployment), version -> Labels.LATEST.equals(version)
                    ? state.latest : state.versions.get(FunctionVersions.number(version)))
                    instanceof AliasRouting.Resolution.Routed<DeployedVersion> routed) {
                routes.putIfAbsent(spec.name(), AliasRoute.of(spec, deployment, routed,
                        state.aliases.get(spec.name())));
            }
        }
        state.aliases.clear();
        state.aliases.putAll(routes);
        catalog.put(new FunctionEntry(key.namespace(), key.name(), function.getSpec(), state.latest,
                new TreeMap<>(state.versions), state.aliases, notApplied.orElse(null)));
    }

    private DeployedVersion deploy(FunctionKey key, String version, FunctionSpec spec, String codeSha256, String digest,
                                   VersionState runnable) {
        VersionRef ref = new VersionRef(key.namespace(), key.name(), version);
        VersionInfo info = new VersionInfo(version, spec, codeLocation(spec), codeSha256, 0, digest, Instant.now(),
                runnable);
        return catalog.deploy(ref, info, runnable.active() ? new PodEnvironmentPool(environments, ref,
                spec.concurrency().perEnvironment(), mayScaleDown) : null);
    }

    /** Why the operator could not apply the Function's current spec, if it could not. */
    private static Optional<String> notApplied(Function function) {
        if (function.getStatus() == null || function.getStatus().conditions() == null) {
            return Optional.empty();
        }
        return Conditions.find(function.getStatus().conditions(), Condition.STALLED)
                .filter(Condition::isTrue)
                .filter(c -> !"RolloutStalled".equals(c.reason()))
                .filter(c -> c.observedGeneration() != null
                        && c.observedGeneration().equals(function.getMetadata().getGeneration()))
                .map(Condition::message);
    }

    private static String codeLocation(FunctionSpec spec) {
        if (spec.image() != null) {
            return spec.image();
        }
        return spec.code().url() != null ? spec.code().url()
                : spec.code().image() != null ? spec.code().image() : "configmap:" + spec.code().configMap();
    }

    /** Lambda reports CodeSha256 in base64. */
    private static String codeSha256(FunctionSpec spec, String hex) {
        String known = hex != null ? hex : spec.code() != null && spec.code().sha256() != null
                ? spec.code().sha256() : Labels.sha256(codeLocation(spec));
        return SpecDigest.lambdaCodeSha256(known);
    }

    private static List<String> deploymentId(Alias alias) {
        return alias.getStatus() == null || alias.getStatus().deployment() == null
                || alias.getStatus().deployment().deploymentId() == null ? List.of()
                : List.of(alias.getStatus().deployment().deploymentId());
    }

    private static String key(HasMetadata resource, String function) {
        return resource.getMetadata().getNamespace() + "/" + function;
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                safely(changed, resource);
            }

            @Override
            public void onUpdate(T before, T after) {
                safely(changed, after);
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                safely(changed, resource);
            }
        };
    }

    private static <T> void safely(Consumer<T> changed, T resource) {
        try {
            changed.accept(resource);
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not route %s", resource);
        }
    }

    @Override
    public synchronized void close() {
        functions.close();
        versions.close();
        aliases.close();
        distributions.close();
        edge.list().forEach(d -> edge.remove(d.namespace(), d.name()));
        deployed.keySet().forEach(key -> catalog.remove(key.namespace(), key.name()));
        deployed.clear();
    }
}
