package dev.lamina.local;

import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.FunctionKey;
import dev.lamina.deployments.Deployments;
import dev.lamina.deployments.HookLedger;
import dev.lamina.deployments.Rollout;
import dev.lamina.gateway.Accounts;
import dev.lamina.gateway.Arns;
import dev.lamina.gateway.AsyncEvents;
import dev.lamina.gateway.Catalog;
import dev.lamina.gateway.EdgeCatalog;
import dev.lamina.gateway.GatewayConfig;
import dev.lamina.gateway.OutcomeCounters;
import dev.lamina.shim.ShimContract;
import dev.lamina.sources.SourceCollaborators;
import dev.lamina.urls.FunctionUrls;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Local mode: serves the resources of a directory with local processes and watches it for edits. On when
 * {@code lamina.local.dir} is set (the {@code local} command sets it).
 */
@ApplicationScoped
public class LocalMode {

    private static final Logger LOG = Logger.getLogger(LocalMode.class);
    /** How long files must stay unchanged before a changed directory is read, and how often that is checked. */
    private static final Duration SETTLE = Duration.ofMillis(100);
    private static final int MAX_SETTLE_CHECKS = 50;

    private final LocalConfig config;
    private final GatewayConfig gateway;
    private final Catalog catalog;
    private final Accounts accounts;
    private final String host;
    private volatile int port;
    private volatile Loaded loaded;
    private boolean bannerPrinted;
    private ScheduledExecutorService watcher;
    private CodeStore code;
    private LocalFunctions functions;
    private LocalSources sources;
    private LocalDistributions distributions;
    private final EdgeCatalog edge;
    private Deployments deployments;
    private final OutcomeCounters outcomes;
    private final HookLedger hookLedger;
    private final AsyncEvents async;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private ConsoleLines console;
    private final LocalMappingStates mappingStates = new LocalMappingStates();
    private List<Object> fingerprint = List.of();

    public LocalMode(LocalConfig config, GatewayConfig gateway, Catalog catalog, Accounts accounts, AsyncEvents async,
                     MeterRegistry registry, OutcomeCounters outcomes, HookLedger hookLedger, EdgeCatalog edge,
                     Vertx vertx, @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String host) {
        this.async = async;
        this.registry = registry;
        this.vertx = vertx;
        this.outcomes = outcomes;
        this.hookLedger = hookLedger;
        this.edge = edge;
        this.config = config;
        this.gateway = gateway;
        this.catalog = catalog;
        this.accounts = accounts;
        this.host = host;
    }

    /** What the first read of the directory found. */
    private record Loaded(Path dir, LocalFunctions.Report report) {
    }

    /** What the first read of the directory found wrong, as printed at start; empty outside local mode. */
    public List<String> startProblems() {
        Loaded first = loaded;
        return first == null ? List.of() : first.report().problems();
    }

    void start(@Observes StartupEvent event) throws IOException {
        if (config.dir().isEmpty()) {
            return;
        }
        Path dir = config.dir().get().toAbsolutePath().normalize();
        Path javaRuntime = config.javaRuntimeDir().orElseGet(LocalRuntimes::findJavaRuntimeDir);
        code = new CodeStore();
        console = config.functionLogs() ? new ConsoleLines(System.out) : null;
        Path javaNativeLibrary = LocalRuntimes.extractJavaNativeLibrary(javaRuntime, code.privateDirectory("jni"));
        deployments = new Deployments(outcomes, async.hooks(), catalog, registry);
        Path stateDir = config.stateDir().orElse(dir.resolve(".lamina"));
        NodeRuntime node = NodeRuntime.extract(code.privateDirectory("node-runtime"));
        functions = new LocalFunctions(catalog, code, new LocalRuntimes(javaRuntime, javaNativeLibrary, node,
                PythonRuntime.onPath(code.privateDirectory("python")), gateway.region(), accounts,
                console == null ? null : console::println,
                () -> port > 0 ? "http://" + host + ":" + port : null, code.privateDirectory("tmp")),
                new LocalSandbox(config.fileSystemsDir().orElse(stateDir.resolve("filesystems"))),
                new LocalDeployments(deployments, hookLedger), () -> vertx.nettyEventLoopGroup().next());
        LocalSecrets secrets = new LocalSecrets();
        sources = new LocalSources(new SourceCollaborators(async.functions(), async.invocations(), async::enqueue,
                secrets, secrets, new FileTickStore(stateDir.resolve("schedules")),
                new FileCheckpointStore(stateDir.resolve("checkpoints")), mappingStates, registry,
                InstantSource.system(), gateway.region(), accounts::accountId), secrets, mappingStates);
        distributions = new LocalDistributions(edge, catalog);
        LocalFunctions.Report report = read(dir);
        fingerprint = fingerprint(dir, functions.watchedCodeFiles());
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lamina-local-watch");
            t.setDaemon(true);
            return t;
        });
        long period = config.pollInterval().toMillis();
        watcher.scheduleWithFixedDelay(() -> reloadIfChanged(dir), period, period, TimeUnit.MILLISECONDS);
        long evaluation = Rollout.EVALUATION_INTERVAL.toMillis();
        watcher.scheduleWithFixedDelay(this::advanceDeployments, evaluation, evaluation, TimeUnit.MILLISECONDS);
        loaded = new Loaded(dir, report);
        printBannerOnceListening();
    }

    /** Where an alias's deployment stands, null when it has none (or outside local mode). */
    DeploymentStatus deployment(FunctionKey function, String alias) {
        LocalFunctions current = functions;
        return current == null ? null : current.deployment(function, alias);
    }

    void listening(@ObservesAsync HttpServerStart started) {
        int configured = started.options().getPort();
        // With port 0 Quarkus picks a free port and publishes it in the port property.
        String property = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        port = configured > 0 ? configured : Integer.getInteger(property, 0);
        printBannerOnceListening();
    }

    /** The banner needs both the functions (start-up) and the port (HTTP server start), in either order. */
    private synchronized void printBannerOnceListening() {
        if (loaded == null || port <= 0 || bannerPrinted) {
            return;
        }
        bannerPrinted = true;
        String address = "http://" + host + ":" + port;
        System.out.println();
        System.out.println("Lamina local mode: serving " + loaded.dir() + " at " + address);
        functions.describe().forEach(System.out::println);
        describeFunctionUrls(address).forEach(System.out::println);
        distributions.describe(address, gateway.urlDomain().orElse("localhost")).forEach(System.out::println);
        sources.describe().forEach(System.out::println);
        mappingStates.startPrinting();
        if (!loaded.report().unused().isEmpty()) {
            System.out.println("  Used in a cluster only: " + String.join(", ", loaded.report().unused()));
        }
        loaded.report().problems().forEach(p -> System.out.println("  ! " + p));
        System.out.println("Invoke: aws lambda invoke --endpoint-url " + address
                + " --function-name NAME out.json   |   curl -d '{}' " + address + ShimContract.invokePath("NAME"));
        // Plain names resolve in the default namespace; every other one is reached by its account id in an ARN.
        Arns arns = new Arns(gateway.region(), accounts);
        functions.namespaces().stream().filter(ns -> !ns.equals(accounts.defaultNamespace())).forEach(ns ->
                System.out.println("  namespace " + ns + " is account " + accounts.accountId(ns) + ": --function-name "
                        + arns.function(ns, "NAME", null)));
        System.out.println("Callers are not checked in local mode: whoever reaches " + address + " may invoke"
                + " every function.");
        System.out.println("Edits to the YAML files (and to local code) are picked up while this runs.");
        System.out.println();
    }

    /**
     * The Function URLs, in both forms: host-based on {@code lamina.gateway.url-domain} (default {@code localhost},
     * whose subdomains browsers and curl send to loopback) and path-based.
     */
    private List<String> describeFunctionUrls(String address) {
        String domain = gateway.urlDomain().orElse("localhost");
        return catalog.functionUrls().stream().map(url -> String.format("  %-20s %s   or   %s",
                "URL " + url.function().name() + (url.alias() == null ? "" : ":" + url.alias()),
                FunctionUrls.hostBased(address, domain, url.id()), FunctionUrls.pathBased(address, url.id())))
                .toList();
    }

    void stop(@Observes ShutdownEvent event) {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (sources != null) {
            sources.close();
        }
        if (functions != null) {
            functions.close();
        }
        if (console != null) {
            console.close();
        }
        if (deployments != null) {
            deployments.close();
        }
        if (code != null) {
            try {
                code.close();
            } catch (IOException e) {
                LOG.debugf("could not delete the local code store: %s", e.getMessage());
            }
        }
    }

    /** Moves deployments on between reads of the directory (never during one: both change the functions). */
    private synchronized void advanceDeployments() {
        try {
            functions.advanceDeployments().forEach(c -> System.out.println("lamina: " + c));
        } catch (RuntimeException e) {
            LOG.errorf(e, "advancing deployments failed");
        }
    }

    private synchronized void reloadIfChanged(Path dir) {
        try {
            List<Object> now = fingerprint(dir, functions.watchedCodeFiles());
            if (now.equals(fingerprint)) {
                return;
            }
            // A file is read once it stopped changing: an editor saving in place truncates, then writes, and a read
            // in between would see a file with nothing in it (and remove its functions).
            for (int i = 0; i < MAX_SETTLE_CHECKS; i++) {
                Thread.sleep(SETTLE.toMillis());
                List<Object> later = fingerprint(dir, functions.watchedCodeFiles());
                if (later.equals(now)) {
                    break;
                }
                now = later;
            }
            LocalFunctions.Report report = read(dir);
            fingerprint = fingerprint(dir, functions.watchedCodeFiles());
            report.changes().forEach(c -> System.out.println("lamina: " + c));
            report.problems().forEach(p -> System.out.println("lamina: ! " + p));
        } catch (RuntimeException e) {
            LOG.errorf(e, "reloading %s failed", dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the directory and applies it: functions first, so mappings and distributions find the functions they
     * invoke.
     */
    private LocalFunctions.Report read(Path dir) {
        DirectoryIndex index = DirectoryIndex.of(ResourceFiles.read(dir));
        LocalFunctions.Report report = functions.apply(index);
        sources.apply(index);
        List<String> problems = new ArrayList<>(report.problems());
        problems.addAll(distributions.apply(index));
        return new LocalFunctions.Report(report.changes(), problems, report.unused());
    }

    /**
     * What, if changed, means the directory must be read again: every YAML file, and every local file that code
     * sources point at, with size and modification time.
     */
    private static List<Object> fingerprint(Path dir, List<Path> codeFiles) {
        List<Object> result = new ArrayList<>();
        List<Path> files = new ArrayList<>(ResourceFiles.yamlFiles(dir));
        files.addAll(codeFiles);
        for (Path f : files) {
            try {
                result.add(List.of(f.toString(), Files.size(f), Files.getLastModifiedTime(f).toMillis()));
            } catch (IOException | UncheckedIOException e) {
                result.add(List.of(f.toString(), "missing"));
            }
        }
        return result;
    }
}
