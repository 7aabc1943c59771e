package dev.lamina.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.VersionRef;
import dev.lamina.gateway.AliasRoute;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.DeployedVersion;
import dev.lamina.gateway.FunctionEntry;
import dev.lamina.gateway.VersionInfo;
import dev.lamina.gateway.VersionState;
import dev.lamina.shim.Shim;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Local mode's control plane: turns the resources read from the directory into routable functions, like the
 * operator does in a cluster. {@code $LATEST} follows each Function's spec; with {@code publish: true} a change of
 * code or configuration publishes the next version number (versions live in memory; FunctionVersion files in the
 * directory are loaded as already published versions). A resource that fails to load keeps its previous state.
 * Not thread-safe: local mode applies one directory read at a time.
 */
final class LocalFunctions implements AutoCloseable {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    /** How long a stopping environment may finish its invocations beyond the function timeout. */
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(5);

    private record Key(String namespace, String name) {
        @Override
        public String toString() {
            return "default".equals(namespace) ? name : namespace + "/" + name;
        }
    }

    /** A deployed version and the digest it was deployed from. */
    private record Known(DeployedVersion deployed, String configSha256) {
    }

    /** What local mode keeps per function between reads. */
    private static final class State {
        Path file;
        FunctionSpec spec;
        Known latest;
        final TreeMap<Integer, Known> versions = new TreeMap<>();
        final Map<String, AliasRoute> aliases = new LinkedHashMap<>();
    }

    /** The outcome of one read, for the console. */
    record Report(List<String> changes, List<String> problems) {
    }

    private final Catalog catalog;
    private final CodeStore code;
    private final LocalRuntimes runtimes;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService stops = stopThreads();
    private List<Path> watched = List.of();
    private final Map<Key, State> functions = new TreeMap<>(
            (a, b) -> a.namespace().equals(b.namespace()) ? a.name().compareTo(b.name())
                    : a.namespace().compareTo(b.namespace()));

    LocalFunctions(Catalog catalog, CodeStore code, LocalRuntimes runtimes) {
        this.catalog = catalog;
        this.code = code;
        this.runtimes = runtimes;
    }

    /** The documents of one read, sorted by what they are for. */
    private record Index(Map<String, Map<String, ConfigMap>> configMaps, Map<Key, ResourceFiles.Document> functions,
                         Map<Key, List<ResourceFiles.Document>> versions,
                         Map<Key, List<ResourceFiles.Document>> aliases, Set<Path> unreadable) {
    }

    /** Applies one read of the directory. */
    Report apply(ResourceFiles.Contents contents) {
        List<String> changes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Index index = index(contents, problems);
        List<Path> codeFiles = new ArrayList<>();
        for (Map.Entry<Key, ResourceFiles.Document> e : index.functions().entrySet()) {
            Path file = e.getValue().file();
            FunctionSpec spec = ((Function) e.getValue().resource()).getSpec();
            if (spec != null && spec.code() != null) {
                codeFiles.addAll(CodeStore.watchedFiles(spec.code(), file.getParent()));
            }
            applyFunction(e.getKey(), spec, file, index, changes, problems);
        }
        for (Key key : List.copyOf(functions.keySet())) {
            State state = functions.get(key);
            if (index.functions().containsKey(key)) {
                continue;
            }
            if (index.unreadable().contains(state.file)) {
                putInCatalog(key, state, state.file + " could not be read; see the local mode output");
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
        return new Report(changes, problems);
    }

    private static Index index(ResourceFiles.Contents contents, List<String> problems) {
        Index index = new Index(new HashMap<>(), new LinkedHashMap<>(), new HashMap<>(), new HashMap<>(),
                new HashSet<>());
        for (ResourceFiles.Problem p : contents.problems()) {
            problems.add(p.file() + ": " + p.message());
            if (p.fatal()) {
                index.unreadable().add(p.file());
            }
        }
        for (ResourceFiles.Document d : contents.documents()) {
            HasMetadata r = d.resource();
            String namespace = namespaceOf(r);
            switch (r) {
                case ConfigMap cm -> index.configMaps().computeIfAbsent(namespace, n -> new HashMap<>())
                        .put(cm.getMetadata().getName(), cm);
                case Function f -> {
                    Key key = new Key(namespace, f.getMetadata().getName());
                    ResourceFiles.Document first = index.functions().putIfAbsent(key, d);
                    if (first != null) {
                        problems.add(d.file() + ": Function " + key + " is also declared in " + first.file()
                                + "; this one is ignored");
                    }
                }
                case FunctionVersion v when v.getSpec() != null -> index.versions().computeIfAbsent(
                        new Key(namespace, v.getSpec().function()), k -> new ArrayList<>()).add(d);
                case Alias a when a.getSpec() != null -> index.aliases().computeIfAbsent(
                        new Key(namespace, a.getSpec().function()), k -> new ArrayList<>()).add(d);
                case EventSourceMapping m -> problems.add(d.file() + ": EventSourceMapping "
                        + m.getMetadata().getName() + " is read but not run in local mode yet");
                default -> problems.add(d.file() + ": " + r.getKind() + " " + r.getMetadata().getName()
                        + " has no spec; ignored");
            }
        }
        return index;
    }

    /** One Function: its $LATEST, its versions, its aliases; on a problem it keeps serving as before. */
    private void applyFunction(Key key, FunctionSpec spec, Path file, Index index, List<String> changes,
                               List<String> problems) {
        try {
            State state = functions.computeIfAbsent(key, k -> new State());
            state.file = file;
            update(key, state, spec, file, index.configMaps().getOrDefault(key.namespace(), Map.of()),
                    index.versions().getOrDefault(key, List.of()), changes, problems);
            updateAliases(key, state, index.aliases().getOrDefault(key, List.of()), changes, problems);
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
    private void putInCatalog(Key key, State state, String failedUpdate) {
        catalog.put(new FunctionEntry(key.namespace(), key.name(), state.spec, state.latest.deployed(),
                deployedVersions(state), state.aliases, failedUpdate));
    }

    /** Local files the code of the functions read last consists of (watched for edits). */
    List<Path> watchedCodeFiles() {
        return watched;
    }

    /** What the console shows for each function. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Key, State> e : functions.entrySet()) {
            State s = e.getValue();
            VersionState state = s.latest.deployed().info().state();
            String runtime = s.spec.image() != null ? "image" : s.spec.runtime();
            StringBuilder line = new StringBuilder(String.format("  %-20s %-16s", e.getKey(), runtime));
            if (!state.active()) {
                line.append("NOT RUNNABLE here: ").append(state.reason());
            } else {
                line.append("$LATEST");
                if (!s.versions.isEmpty()) {
                    line.append(", versions ").append(String.join(",",
                            s.versions.keySet().stream().map(String::valueOf).toList()));
                }
                for (AliasRoute a : s.aliases.values()) {
                    line.append(", alias ").append(a.name()).append(" → ").append(a.primary().version());
                    if (a.additional() != null) {
                        line.append(String.format(" (%.0f%%) + %s (%.0f%%)", 100 * (1 - a.additionalWeight()),
                                a.additional().version(), 100 * a.additionalWeight()));
                    }
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private void update(Key key, State state, FunctionSpec spec, Path file, Map<String, ConfigMap> configMaps,
                        List<ResourceFiles.Document> versionDocs, List<String> changes, List<String> problems)
            throws Problem {
        if (spec == null) {
            throw new Problem("spec is missing");
        }
        validate(spec);
        Resolved current = resolve(spec, file.getParent(), configMaps);
        if (state.latest == null || !state.latest.configSha256().equals(current.configSha256())) {
            boolean first = state.latest == null;
            state.latest = deploy(key, "$LATEST", spec, current);
            changes.add(key + ": $LATEST " + (first ? "loaded" : "updated") + describeState(current));
        }
        state.spec = spec;
        for (ResourceFiles.Document d : versionDocs) {
            FunctionVersion v = (FunctionVersion) d.resource();
            int number;
            try {
                number = Integer.parseInt(v.getSpec().version());
            } catch (NumberFormatException e) {
                problems.add(d.file() + ": FunctionVersion " + v.getMetadata().getName()
                        + ": version must be a number");
                continue;
            }
            try {
                FunctionSpec snapshot = v.getSpec().snapshot();
                if (snapshot == null) {
                    throw new Problem("snapshot is missing");
                }
                validate(snapshot);
                Resolved resolved = resolve(snapshot, d.file().getParent(), configMaps);
                Known known = state.versions.get(number);
                if (known == null) {
                    state.versions.put(number, deploy(key, Integer.toString(number), snapshot, resolved));
                    changes.add(key + ": version " + number + " loaded from " + d.file().getFileName());
                } else if (!known.configSha256().equals(resolved.configSha256())) {
                    problems.add(d.file() + ": FunctionVersion " + key + ":" + number + " changed, but published"
                            + " versions are immutable; still serving the version as first loaded");
                }
            } catch (Problem p) {
                problems.add(d.file() + ": FunctionVersion " + key + ":" + number + ": " + p.getMessage());
            }
        }
        if (spec.publish() && (state.versions.isEmpty()
                || !state.versions.lastEntry().getValue().configSha256().equals(current.configSha256()))) {
            int number = state.versions.isEmpty() ? 1 : state.versions.lastKey() + 1;
            state.versions.put(number, deploy(key, Integer.toString(number), spec, current));
            changes.add(key + ": published version " + number);
        }
        trimHistory(key, state, spec.versionHistoryLimit(), changes);
    }

    private void updateAliases(Key key, State state, List<ResourceFiles.Document> aliasDocs, List<String> changes,
                               List<String> problems) {
        Map<String, AliasRoute> next = new LinkedHashMap<>();
        for (ResourceFiles.Document d : aliasDocs) {
            AliasSpec spec = ((Alias) d.resource()).getSpec();
            AliasRoute previous = state.aliases.get(spec.name());
            try {
                AliasRoute route = route(state, spec, previous);
                if (next.putIfAbsent(spec.name(), route) != null) {
                    problems.add(d.file() + ": alias " + key + ":" + spec.name() + " is declared twice; the first"
                            + " one counts");
                } else if (previous == null || !previous.equals(route)) {
                    changes.add(key + ": alias " + spec.name() + " → " + describe(route));
                }
            } catch (Problem p) {
                problems.add(d.file() + ": Alias " + key + ":" + spec.name() + ": " + p.getMessage()
                        + (previous != null ? " (still routing as before)" : ""));
                if (previous != null) {
                    next.put(spec.name(), previous);
                }
            }
        }
        for (String gone : state.aliases.keySet()) {
            if (!next.containsKey(gone)) {
                changes.add(key + ": alias " + gone + " removed");
            }
        }
        state.aliases.clear();
        state.aliases.putAll(next);
    }

    private AliasRoute route(State state, AliasSpec spec, AliasRoute previous) throws Problem {
        if (spec.name() == null || spec.name().matches("[0-9]+") || !spec.name().matches("[a-zA-Z0-9_-]{1,128}")) {
            throw new Problem("the alias name must be letters, digits, - and _, and not a number");
        }
        if (spec.functionVersion() == null) {
            throw new Problem("functionVersion is missing");
        }
        DeployedVersion primary = version(state, spec.functionVersion());
        DeployedVersion additional = null;
        double weight = 0;
        Map<String, Double> weights = spec.routingConfig() == null ? null
                : spec.routingConfig().additionalVersionWeights();
        if (weights != null && !weights.isEmpty()) {
            if (weights.size() > 1) {
                throw new Problem("additionalVersionWeights may name one version only");
            }
            Map.Entry<String, Double> w = weights.entrySet().iterator().next();
            if (spec.functionVersion().equals("$LATEST") || w.getKey().equals("$LATEST")) {
                throw new Problem("weighted routing needs published versions, not $LATEST");
            }
            if (w.getKey().equals(spec.functionVersion())) {
                throw new Problem("additionalVersionWeights must not name the alias's own functionVersion");
            }
            if (w.getValue() == null || w.getValue() < 0 || w.getValue() > 1) {
                throw new Problem("a routing weight is between 0.0 and 1.0");
            }
            additional = version(state, w.getKey());
            weight = w.getValue();
        }
        Instant lastModified = previous != null && previous.primary() == primary && previous.additional() == additional
                && previous.additionalWeight() == weight && Objects.equals(previous.spec(), spec)
                ? previous.lastModified() : Instant.now();
        return new AliasRoute(spec.name(), spec, primary, additional, weight, lastModified);
    }

    private static DeployedVersion version(State state, String version) throws Problem {
        if (version.equals("$LATEST")) {
            return state.latest.deployed();
        }
        Known known;
        try {
            known = state.versions.get(Integer.parseInt(version));
        } catch (NumberFormatException e) {
            throw new Problem("version " + version + " is not a version number (an alias cannot point at an alias)");
        }
        if (known == null) {
            throw new Problem("version " + version + " does not exist (published: "
                    + (state.versions.isEmpty() ? "none" : state.versions.keySet()) + ")");
        }
        return known.deployed();
    }

    /** Drops the oldest versions beyond the limit, except those an alias routes to. */
    private void trimHistory(Key key, State state, int limit, List<String> changes) {
        List<Integer> removable = new ArrayList<>();
        for (Map.Entry<Integer, Known> v : state.versions.entrySet()) {
            DeployedVersion d = v.getValue().deployed();
            boolean routed = state.aliases.values().stream()
                    .anyMatch(a -> a.primary() == d || a.additional() == d);
            if (!routed) {
                removable.add(v.getKey());
            }
        }
        int excess = state.versions.size() - limit;
        for (int i = 0; i < excess && i < removable.size(); i++) {
            state.versions.remove(removable.get(i));
            changes.add(key + ": version " + removable.get(i) + " deleted (versionHistoryLimit " + limit + ")");
        }
    }

    /** A spec's code, materialised, and the digest of code and configuration. */
    private record Resolved(CodeStore.Code code, String configSha256, LocalRuntimes.Plan plan) {
    }

    private Resolved resolve(FunctionSpec spec, Path base, Map<String, ConfigMap> configMaps) throws Problem {
        CodeStore.Code materialized = null;
        if (spec.code() != null) {
            try {
                materialized = code.materialize(spec.code(), base, configMaps);
            } catch (CodeStore.CodeProblem e) {
                throw new Problem(e.getMessage());
            }
        }
        String digest = sha256(canonical(spec) + "\n" + (materialized == null ? "" : materialized.sha256()));
        LocalRuntimes.Plan plan = runtimes.plan(spec, materialized == null ? null : materialized.dir());
        return new Resolved(materialized, digest, plan);
    }

    private Known deploy(Key key, String version, FunctionSpec spec, Resolved resolved) {
        VersionRef ref = new VersionRef(key.namespace(), key.name(), version);
        CodeStore.Code c = resolved.code();
        VersionState state = resolved.plan() instanceof LocalRuntimes.NotRunnable(VersionState s)
                ? s : VersionState.ACTIVE;
        VersionInfo info = new VersionInfo(version, spec,
                c == null ? spec.image() : c.location(),
                c == null ? sha256Base64(spec.image()) : c.sha256(),
                c == null ? 0 : c.size(), resolved.configSha256(), Instant.now(), state);
        EnvironmentPool pool = null;
        if (resolved.plan() instanceof LocalRuntimes.Runnable(List<String> command)) {
            pool = new LocalEnvironmentPool(ref, spec.concurrency().perEnvironment(),
                    provisioned -> Shim.start(runtimes.shimConfig(ref, spec, c.dir(), command, provisioned)),
                    executor, stops, Duration.ofSeconds(spec.timeoutSeconds()).plus(DRAIN_MARGIN));
        }
        return new Known(catalog.deploy(ref, info, pool), resolved.configSha256());
    }

    private static void validate(FunctionSpec spec) throws Problem {
        if ((spec.image() == null) == (spec.code() == null)) {
            throw new Problem("set exactly one of image (a container image) or code (runtime + code packaging)");
        }
        if ((spec.code() == null) != (spec.runtime() == null)) {
            throw new Problem("runtime is required with code, and only with code");
        }
        if (spec.code() != null && spec.handler() == null && !spec.runtime().startsWith("provided")) {
            throw new Problem("handler is required for the " + spec.runtime() + " runtime");
        }
        if (spec.code() != null) {
            int sources = (spec.code().configMap() != null ? 1 : 0) + (spec.code().url() != null ? 1 : 0)
                    + (spec.code().image() != null ? 1 : 0) + (spec.code().path() != null ? 1 : 0);
            if (sources != 1) {
                throw new Problem("code names exactly one of configMap, url, image or path");
            }
            if (spec.code().image() != null) {
                throw new Problem("code from an image needs a container engine, which local mode does not have");
            }
            if ((spec.code().url() == null) != (spec.code().sha256() == null)) {
                throw new Problem("a code url needs its sha256, and sha256 goes with a url");
            }
        }
    }

    private static String describeState(Resolved resolved) {
        return resolved.plan() instanceof LocalRuntimes.NotRunnable(VersionState s) ? " (not runnable: "
                + s.reason() + ")" : "";
    }

    private static String describe(AliasRoute route) {
        return route.additional() == null ? "version " + route.primary().version()
                : String.format("version %s (%.0f%%) + %s (%.0f%%)", route.primary().version(),
                100 * (1 - route.additionalWeight()), route.additional().version(), 100 * route.additionalWeight());
    }

    private static NavigableMap<Integer, DeployedVersion> deployedVersions(State state) {
        NavigableMap<Integer, DeployedVersion> result = new TreeMap<>();
        state.versions.forEach((n, k) -> result.put(n, k.deployed()));
        return result;
    }

    private static String namespaceOf(HasMetadata resource) {
        String ns = resource.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /** The spec as a version captures it: without the publishing controls, as the operator digests it. */
    private static String canonical(FunctionSpec spec) {
        ObjectNode versioned = CANONICAL.valueToTree(spec);
        versioned.remove(List.of("publish", "versionHistoryLimit"));
        try {
            return CANONICAL.writeValueAsString(versioned);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha256Base64(String text) {
        return Base64.getEncoder().encodeToString(digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Key key : functions.keySet()) {
            catalog.remove(key.namespace(), key.name());
        }
        functions.clear();
        executor.shutdown();
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
