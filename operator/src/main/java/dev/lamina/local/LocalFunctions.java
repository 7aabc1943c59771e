package dev.lamina.local;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionKey;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.StartBackoff;
import dev.lamina.environments.VersionRef;
import dev.lamina.gateway.AliasRoute;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.DeployedVersion;
import dev.lamina.gateway.FunctionEntry;
import dev.lamina.gateway.VersionInfo;
import dev.lamina.gateway.VersionState;
import dev.lamina.shim.Shim;
import dev.lamina.versions.AliasRouting;
import dev.lamina.versions.FunctionVersions;
import dev.lamina.versions.SpecDigest;
import dev.lamina.versions.VersionPlanner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.netty.channel.EventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Local mode's control plane: turns the resources read from the directory into routable functions by the same
 * version and alias rules as the operator ({@code dev.lamina.versions}). {@code $LATEST} follows each Function's spec;
 * with {@code publish: true} a change of code or configuration publishes the next version number (published versions
 * live in memory); FunctionVersion files are versions declared by hand, as in a cluster. A resource that fails to
 * load keeps its previous state. Not thread-safe: local mode applies one directory read at a time.
 */
final class LocalFunctions implements AutoCloseable {

    /** How long a stopping environment may finish its invocations beyond the function timeout. */
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(LocalFunctions.class);

    /** A deployed version: the resource it runs, its spec, and its code and surroundings as deployed. */
    private record Known(FunctionVersion resource, DeployedVersion deployed, FunctionSpec spec, Resolved resolved) {
    }

    /** What local mode keeps per function between reads. */
    private static final class State {
        Path file;
        FunctionSpec spec;
        Known latest;
        String lastPublished;
        final TreeMap<Long, Known> versions = new TreeMap<>();
        final Map<String, AliasRoute> aliases = new LinkedHashMap<>();
        List<ResourceFiles.Document> aliasDocs = List.of();
        String failedUpdate;
    }

    /** The outcome of one read, for the console. */
    record Report(List<String> changes, List<String> problems, List<String> unused) {
    }

    private final Catalog catalog;
    private final CodeStore code;
    private final LocalRuntimes runtimes;
    private final LocalSandbox sandbox;
    private final LocalDeployments deployments;
    private final Supplier<EventLoop> loops;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService stops = stopThreads();
    private List<Path> watched = List.of();
    private final Map<FunctionKey, State> functions = new TreeMap<>();

    /**
     * @param loops the gateway's event loops, one per call, round robin: each environment's shim runs on one of them,
     *              so an invocation arriving on that loop goes to the runtime and back without leaving its thread
     */
    LocalFunctions(Catalog catalog, CodeStore code, LocalRuntimes runtimes, LocalSandbox sandbox,
                   LocalDeployments deployments, Supplier<EventLoop> loops) {
        this.sandbox = sandbox;
        this.catalog = catalog;
        this.code = code;
        this.runtimes = runtimes;
        this.deployments = deployments;
        this.loops = loops;
    }

    /** Applies one read of the directory. */
    Report apply(DirectoryIndex index) {
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>(index.problems());
        List<Path> codeFiles = new ArrayList<>();
        index.functions().forEach((key, document) -> {
            FunctionSpec spec = ((Function) document.resource()).getSpec();
            if (spec != null && spec.code() != null) {
                codeFiles.addAll(CodeStore.watchedFiles(spec.code(), document.file().getParent()));
            }
            if (spec != null && spec.layers() != null) {
                spec.layers().forEach(layer -> codeFiles.addAll(CodeStore.watchedFiles(layer,
                        document.file().getParent())));
            }
            applyFunction(key, spec, document.file(), index, changes, problems);
        });
        for (FunctionKey key : List.copyOf(functions.keySet())) {
            State state = functions.get(key);
            if (index.functions().containsKey(key)) {
                continue;
            }
            if (index.unreadable().containsKey(state.file)) {
                putInCatalog(key, state, state.file + ": " + index.unreadable().get(state.file));
            } else {
                functions.remove(key);
                catalog.remove(key.namespace(), key.name());
                changes.add(key + ": removed");
            }
        }
        index.aliases().forEach((function, documents) -> {
            if (!functions.containsKey(function)) {
                documents.forEach(d -> problems.add(d.file() + ": Alias " + d.resource().getMetadata().getName()
                        + " refers to Function " + function + ", which is not in the directory"));
            }
        });
        watched = List.copyOf(codeFiles);
        return new Report(changes, problems, index.unused());
    }

    /** One Function: its $LATEST, its versions, its aliases; on a problem it keeps serving as before. */
    private void applyFunction(FunctionKey key, FunctionSpec spec, Path file, DirectoryIndex index,
                               List<String> changes, List<String> problems) {
        try {
            State state = functions.computeIfAbsent(key, k -> new State());
            state.file = file;
            state.aliasDocs = index.aliases().getOrDefault(key, List.of());
            // The versions a deployment moves between stay published, as its status keeps them in a cluster.
            List<Alias> aliases = new ArrayList<>();
            for (ResourceFiles.Document d : state.aliasDocs) {
                Alias alias = (Alias) d.resource();
                alias.setStatus(deployments.status(key, alias.getSpec().name()));
                aliases.add(alias);
            }
            update(key, state, spec, file, index, aliases, changes, problems);
            updateAliases(key, state, state.aliasDocs, changes, problems);
            putInCatalog(key, state, null);
        } catch (Problem p) {
            State state = functions.get(key);
            boolean serving = state != null && state.latest != null;
            problems.add(file + ": Function " + key + ": " + p.getMessage()
                    + (serving ? " (still serving its previous configuration)" : ""));
            if (serving) {
                putInCatalog(key, state, p.getMessage());
            } else {
                functions.remove(key);
            }
        }
    }

    /** Puts a function's routing into the catalog, with why its last update failed, if it did. */
    private void putInCatalog(FunctionKey key, State state, String failedUpdate) {
        state.failedUpdate = failedUpdate;
        NavigableMap<Long, DeployedVersion> versions = new TreeMap<>();
        state.versions.forEach((n, k) -> versions.put(n, k.deployed()));
        catalog.put(new FunctionEntry(key.namespace(), key.name(), state.spec, state.latest.deployed(), versions,
                state.aliases, failedUpdate));
    }

    /**
     * Where an alias's deployment stands, as the gateway routes by it, null when it has none. Read from the catalog,
     * not from the evaluation (which runs before the catalog is updated): whoever sees a status here, a rollback say,
     * sends the next invocation by it.
     */
    DeploymentStatus deployment(FunctionKey function, String alias) {
        FunctionEntry entry = catalog.find(function.namespace(), function.name());
        AliasRoute route = entry == null ? null : entry.aliases().get(alias);
        return route == null ? null : route.deployment();
    }

    /** Local files the code of the functions read last consists of (watched for edits). */
    List<Path> watchedCodeFiles() {
        return watched;
    }

    /** What the console shows for each function. */
    /** The namespaces of the functions served, in order. */
    SortedSet<String> namespaces() {
        SortedSet<String> namespaces = new TreeSet<>();
        functions.keySet().forEach(key -> namespaces.add(key.namespace()));
        return namespaces;
    }

    List<String> describe() {
        List<String> lines = new ArrayList<>();
        functions.forEach((key, s) -> {
            VersionState state = s.latest.deployed().info().state();
            String runtime = s.spec.image() != null ? "image" : s.spec.runtime();
            StringBuilder line = new StringBuilder(String.format("  %-20s %-16s", key, runtime));
            if (!state.active()) {
                line.append("NOT RUNNABLE here: ").append(state.reason());
            } else {
                line.append("$LATEST");
                if (!s.versions.isEmpty()) {
                    line.append(", versions ").append(String.join(",",
                            s.versions.keySet().stream().map(String::valueOf).toList()));
                }
                s.aliases.values().forEach(a -> line.append(", alias ").append(a.name()).append(" → ")
                        .append(describe(a)));
            }
            lines.add(line.toString());
        });
        return lines;
    }

    private void update(FunctionKey key, State state, FunctionSpec spec, Path file, DirectoryIndex index,
                        List<Alias> aliases, List<String> changes, List<String> problems) throws Problem {
        if (spec == null) {
            throw new Problem("spec is missing");
        }
        Map<String, Secret> secrets = index.secrets().getOrDefault(key.namespace(), Map.of());
        Optional<String> invalid = LocalChecks.function(spec, secrets);
        if (invalid.isPresent()) {
            throw new Problem(invalid.get());
        }
        Map<String, ConfigMap> configMaps = index.configMapsOf(key);
        Resolved current = resolve(spec, file.getParent(), configMaps, secrets);
        if (state.latest == null || !state.latest.resolved().runSha256().equals(current.runSha256())) {
            boolean first = state.latest == null;
            state.latest = deploy(key, null, spec, current);
            changes.add(key + ": $LATEST " + (first ? "loaded" : "updated") + describeState(current));
        }
        state.spec = spec;
        declareVersions(key, state, index.versions().getOrDefault(key, List.of()), configMaps, secrets, changes,
                problems);

        VersionPlanner.Plan plan = VersionPlanner.plan(key.name(), spec, current.codeSha256(),
                current.configSha256(), state.versions.values().stream().map(Known::resource).toList(),
                state.lastPublished, aliases);
        plan.toPublish().ifPresent(published -> {
            FunctionVersion resource = FunctionVersions.published(key.namespace(), published);
            state.versions.put(FunctionVersions.number(published.version()), deploy(key, resource, spec, current));
            changes.add(key + ": published version " + published.version());
        });
        Set<String> kept = new HashSet<>(plan.kept().keySet());
        plan.toPublish().ifPresent(published -> kept.add(published.version()));
        state.versions.values().removeIf(v -> {
            String version = v.resource().getSpec().version();
            if (kept.contains(version)) {
                return false;
            }
            changes.add(key + ": version " + version + " deleted (versionHistoryLimit " + spec.versionHistoryLimit()
                    + ")");
            return true;
        });
        state.lastPublished = plan.latest().orElse(null);
        resurround(key, state, secrets, changes);
    }

    /**
     * The FunctionVersions of the directory: new ones are deployed, changed ones refused (a version is immutable),
     * and those whose file is gone are dropped.
     */
    private void declareVersions(FunctionKey key, State state, List<ResourceFiles.Document> documents,
                                 Map<String, ConfigMap> configMaps, Map<String, Secret> secrets,
                                 List<String> changes, List<String> problems) {
        Map<Long, ResourceFiles.Document> files = new LinkedHashMap<>();
        for (ResourceFiles.Document d : documents) {
            FunctionVersion v = (FunctionVersion) d.resource();
            long number = FunctionVersions.number(v.getSpec().version());
            if (number == 0) {
                problems.add(d.file() + ": FunctionVersion " + v.getMetadata().getName()
                        + ": version must be a number");
            } else if (files.putIfAbsent(number, d) != null) {
                problems.add(d.file() + ": FunctionVersion " + key + ":" + number + " is declared twice; the first"
                        + " one counts");
            }
        }
        state.versions.entrySet().removeIf(e -> {
            boolean gone = FunctionVersions.isDeclared(e.getValue().resource()) && !files.containsKey(e.getKey());
            if (gone) {
                changes.add(key + ": version " + e.getKey() + " removed (its FunctionVersion is gone)");
            }
            return gone;
        });
        files.forEach((number, d) -> {
            FunctionVersion v = (FunctionVersion) d.resource();
            try {
                FunctionSpec snapshot = v.getSpec().snapshot();
                if (snapshot == null) {
                    throw new Problem("snapshot is missing");
                }
                Optional<String> invalid = LocalChecks.function(snapshot, secrets);
                if (invalid.isPresent()) {
                    throw new Problem(invalid.get());
                }
                Resolved resolved = resolve(snapshot, d.file().getParent(), configMaps, secrets);
                Known known = state.versions.get(number);
                if (known == null) {
                    state.versions.put(number, deploy(key, v, snapshot, resolved));
                    changes.add(key + ": version " + number + " loaded from " + d.file().getFileName());
                } else if (!FunctionVersions.isDeclared(known.resource())) {
                    problems.add(d.file() + ": FunctionVersion " + key + ":" + number + " was already published"
                            + " here; this file is ignored");
                } else if (!known.resolved().configSha256().equals(resolved.configSha256())) {
                    problems.add(d.file() + ": FunctionVersion " + key + ":" + number + " changed, but versions are"
                            + " immutable; still serving the version as first loaded");
                }
            } catch (Problem p) {
                problems.add(d.file() + ": FunctionVersion " + key + ":" + number + ": " + p.getMessage());
            }
        });
    }

    /**
     * Moves the deployments of every alias that has one a step on, as time passes and reports arrive; called
     * {@link dev.lamina.deployments.Rollout#EVALUATION_INTERVAL} apart, between reads of the directory.
     */
    List<String> advanceDeployments() {
        List<String> changes = new ArrayList<>();
        functions.forEach((key, state) -> {
            boolean deploying = state.aliasDocs.stream()
                    .anyMatch(d -> ((Alias) d.resource()).getSpec().deployment() != null);
            if (deploying && state.latest != null) {
                Map<String, AliasRoute> before = new LinkedHashMap<>(state.aliases);
                updateAliases(key, state, state.aliasDocs, changes, new ArrayList<>());
                if (!before.equals(state.aliases)) {
                    putInCatalog(key, state, state.failedUpdate);
                }
            }
        });
        return changes;
    }

    private void updateAliases(FunctionKey key, State state, List<ResourceFiles.Document> aliasDocs,
                               List<String> changes, List<String> problems) {
        Map<String, AliasRoute> next = new LinkedHashMap<>();
        for (ResourceFiles.Document d : aliasDocs) {
            Alias alias = (Alias) d.resource();
            AliasSpec spec = alias.getSpec();
            AliasRoute previous = state.aliases.get(spec.name());
            try {
                AliasRoute route = route(key, state, alias, previous, changes);
                if (next.putIfAbsent(spec.name(), route) != null) {
                    problems.add(d.file() + ": alias " + key + ":" + spec.name() + " is declared twice; the first"
                            + " one counts");
                } else if (previous == null || !describe(previous).equals(describe(route))) {
                    changes.add(key + ": alias " + spec.name() + " → " + describe(route));
                }
            } catch (Problem p) {
                boolean keeps = previous != null && stillDeployed(state, previous);
                problems.add(d.file() + ": Alias " + key + ":" + spec.name() + ": " + p.getMessage()
                        + (keeps ? " (still routing as before)" : ""));
                if (keeps) {
                    next.put(spec.name(), previous);
                }
            }
        }
        state.aliases.keySet().stream().filter(gone -> !next.containsKey(gone))
                .forEach(gone -> changes.add(key + ": alias " + gone + " removed"));
        deployments.retain(key, aliasDocs.stream().map(d -> ((Alias) d.resource()).getSpec().name())
                .collect(Collectors.toSet()));
        state.aliases.clear();
        state.aliases.putAll(next);
    }

    /**
     * The alias routed by the shared rules (its CRD's checks were made when the file was read); an alias with a
     * deployment is evaluated first and routes by the weights it sets.
     */
    private AliasRoute route(FunctionKey key, State state, Alias alias, AliasRoute previous, List<String> changes)
            throws Problem {
        AliasSpec spec = alias.getSpec();
        java.util.function.Function<String, DeployedVersion> versions = version -> version.equals(Labels.LATEST)
                ? state.latest.deployed() : deployed(state.versions.get(FunctionVersions.number(version)));
        DeploymentStatus deployment = spec.deployment() == null ? null : deployments.evaluate(key, alias,
                state.versions.isEmpty() ? null : String.valueOf(state.versions.lastKey()), changes);
        return switch (AliasRouting.resolve(AliasRouting.table(spec, deployment), versions)) {
            case AliasRouting.Resolution.Routed<DeployedVersion> routed ->
                    AliasRoute.of(spec, deployment, routed, previous);
            case AliasRouting.Resolution.Missing<DeployedVersion> missing -> throw new Problem(
                    missing.versions().isEmpty() ? "no published version to route to yet" : "version "
                    + String.join(", ", missing.versions()) + " does not exist (published: "
                    + (state.versions.isEmpty() ? "none" : state.versions.keySet()) + ")");
        };
    }

    private static DeployedVersion deployed(Known known) {
        return known == null ? null : known.deployed();
    }

    /** Whether every version a route reaches is still deployed, so the route can keep serving. */
    private static boolean stillDeployed(State state, AliasRoute route) {
        Set<DeployedVersion> deployed = Collections.newSetFromMap(new IdentityHashMap<>());
        deployed.add(state.latest.deployed());
        state.versions.values().forEach(v -> deployed.add(v.deployed()));
        return deployed.contains(route.primary()) && (route.additional() == null
                || deployed.contains(route.additional()));
    }

    /**
     * A spec's code and layers, materialised, the digests of code and of code, layers and configuration, how it runs
     * here with what local mode sets up around it, and the digest of all that ({@code runSha256}): a version is
     * deployed again when it changes, as when a Secret it reads appears.
     */
    private record Resolved(CodeStore.Code code, CodeStore.Code opt, String optProblem, String codeSha256,
                            String configSha256, LocalRuntimes.Plan plan, Map<String, String> variables,
                            List<String> unenforced, String runSha256) {
    }

    private Resolved resolve(FunctionSpec spec, Path base, Map<String, ConfigMap> configMaps,
                             Map<String, Secret> secrets) throws Problem {
        CodeStore.Code materialized = null;
        CodeStore.Code opt = null;
        String optProblem = null;
        if (spec.code() != null) {
            try {
                materialized = code.materialize(spec.code(), base, configMaps);
            } catch (CodeStore.CodeProblem e) {
                throw new Problem(e.getMessage());
            }
            try {
                opt = code.materializeOpt(spec.layers(), base, configMaps);
            } catch (CodeStore.CodeProblem e) {
                // Listed, not runnable: as in Lambda, a function whose layer cannot be had does not run.
                optProblem = e.getMessage();
            }
        }
        // The content is what the processes load: the materialised code, so rebuilding a local jar counts.
        String codeSha256 = materialized == null ? SpecDigest.lambdaCodeSha256(Labels.sha256("image:" + spec.image()))
                : materialized.sha256();
        String content = opt != null ? Labels.sha256(codeSha256 + "\n" + opt.sha256())
                : optProblem != null ? Labels.sha256(codeSha256 + "\n" + optProblem) : codeSha256;
        return surround(spec, materialized, opt, optProblem, codeSha256, SpecDigest.configuration(spec, content),
                secrets);
    }

    /** The same code with what local mode sets up around it now. */
    private Resolved surround(Known known, Map<String, Secret> secrets) {
        Resolved r = known.resolved();
        return surround(known.spec(), r.code(), r.opt(), r.optProblem(), r.codeSha256(), r.configSha256(), secrets);
    }

    private Resolved surround(FunctionSpec spec, CodeStore.Code materialized, CodeStore.Code opt, String optProblem,
                              String codeSha256, String configSha256, Map<String, Secret> secrets) {
        LocalSandbox.Outcome sandbox = optProblem != null
                ? new LocalSandbox.Refused(VersionState.failed("InvalidConfiguration", optProblem))
                : materialized == null ? new LocalSandbox.Prepared(Map.of(), List.of())
                : this.sandbox.prepare(spec, opt == null ? null : opt.dir(), secrets);
        LocalRuntimes.Plan plan;
        Map<String, String> variables = Map.of();
        List<String> unenforced = List.of();
        switch (sandbox) {
            case LocalSandbox.Refused(VersionState refused) -> plan = new LocalRuntimes.NotRunnable(refused);
            case LocalSandbox.Prepared(Map<String, String> prepared, List<String> partly) -> {
                plan = runtimes.plan(spec, materialized == null ? null : materialized.dir(),
                        opt == null ? null : opt.dir());
                variables = prepared;
                unenforced = partly;
            }
        }
        String runSha256 = Labels.sha256(configSha256 + "\n" + new TreeMap<>(variables) + "\n" + plan);
        return new Resolved(materialized, opt, optProblem, codeSha256, configSha256, plan, variables, unenforced,
                runSha256);
    }

    /**
     * Deploys again each version whose surroundings changed since it was deployed (a Secret it reads appeared or
     * changed, a file system link became possible): its code and configuration stay those of the version.
     */
    private void resurround(FunctionKey key, State state, Map<String, Secret> secrets, List<String> changes) {
        state.versions.replaceAll((number, known) -> {
            Resolved now = surround(known, secrets);
            if (now.runSha256().equals(known.resolved().runSha256())) {
                return known;
            }
            changes.add(key + ": version " + number + " deployed again" + describeState(now));
            return deploy(key, known.resource(), known.spec(), now);
        });
    }

    /** Deploys {@code $LATEST} ({@code resource} null) or a version. */
    private Known deploy(FunctionKey key, FunctionVersion resource, FunctionSpec spec, Resolved resolved) {
        String version = resource == null ? Labels.LATEST : resource.getSpec().version();
        VersionRef ref = new VersionRef(key.namespace(), key.name(), version);
        CodeStore.Code c = resolved.code();
        VersionState state = resolved.plan() instanceof LocalRuntimes.NotRunnable(VersionState s)
                ? s : VersionState.ACTIVE;
        VersionInfo info = new VersionInfo(version, spec, c == null ? spec.image() : c.location(),
                resolved.codeSha256(), c == null ? 0 : c.size(), resolved.configSha256(), Instant.now(), state);
        EnvironmentPool pool = null;
        if (resolved.plan() instanceof LocalRuntimes.Runnable(List<String> command)) {
            pool = new LocalEnvironmentPool(ref, spec.concurrency().perEnvironment(),
                    provisioned -> Shim.start(runtimes.shimConfig(ref, spec, c == null ? null : c.dir(),
                                    resolved.opt() == null ? null : resolved.opt().dir(), command,
                                    resolved.variables(), provisioned),
                            loops.get()),
                    executor, stops, Duration.ofSeconds(spec.timeoutSeconds()).plus(DRAIN_MARGIN),
                    new StartBackoff(System::nanoTime));
        }
        return new Known(resource, catalog.deploy(ref, info, pool), spec, resolved);
    }

    private static String describeState(Resolved resolved) {
        if (resolved.plan() instanceof LocalRuntimes.NotRunnable(VersionState s)) {
            return " (not runnable: " + s.reason() + ")";
        }
        return resolved.unenforced().isEmpty() ? ""
                : " (in local mode: " + String.join("; ", resolved.unenforced()) + ")";
    }

    private static String describe(AliasRoute route) {
        return AliasRouting.describe(AliasRouting.table(route.spec(), route.deployment()));
    }

    @Override
    /**
     * Stops every environment, waiting (bounded) until they are stopped: their shims run on the gateway's event
     * loops, which stop after this, and their runtimes must not outlive the process.
     */
    public void close() {
        functions.keySet().forEach(key -> catalog.remove(key.namespace(), key.name()));
        functions.clear();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warnf("Some execution environments were still stopping after %ss", CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Two platform threads for scale-down stops, gone when idle. */
    private static ExecutorService stopThreads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("lamina-environment-stop-", 0).daemon().factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A resource that cannot be used as written. */
    private static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }
}
