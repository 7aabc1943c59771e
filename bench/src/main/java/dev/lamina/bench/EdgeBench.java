package dev.lamina.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lamina.edge.EdgeHosts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Distributions against their origin, in local mode as users run it (a separate process). An origin server in this
 * process answers every GET with a small body; one distribution in front of it serves three behaviours:
 * {@code /plain/*} (no functions, caching off: every request goes to the origin), {@code /hooked/*} (a viewer-request
 * function that lets the request through unchanged, caching off) and {@code /cached/*} (the origin sends
 * {@code max-age}, so every request after the first is a cache hit). The fourth target is the origin itself, called
 * directly. Each gets the same closed-loop load (one keep-alive connection per client, {@link MiniHttp}), once with
 * one connection (latency) and once with many (throughput), the targets taking turns within each round so that a
 * shared machine's drift hits them alike: requests/s, p50 and p99 latency, and what the distribution adds to the
 * direct call's p50, in one table. Every answer must be a 200; any other is counted and printed.
 * <p>
 * The viewer-request function is {@link LoopRuntime} answering the event's {@code cf.request}: the cheapest function
 * there is, so the table shows the platform's cost of a hook, not a function's.
 * <p>
 * Arguments: {@code [--seconds N] [--rounds N] [--connections N] [--environments N] [--warm-up N]}.
 */
public final class EdgeBench {

    private static final byte[] BODY = ("{\"message\":\"hello from the origin\",\"padding\":\"" + "x".repeat(52)
            + "\"}\n").getBytes(StandardCharsets.US_ASCII);
    private static final String FUNCTION = "pass-through";
    private static final String ID = EdgeHosts.id("default", "bench");

    /** The four ways to the same answer; the path's first segment tells the origin which one a request took. */
    private enum Target {
        DIRECT("origin, called directly", "/direct/"),
        PLAIN("distribution, no functions", "/plain/"),
        HOOKED("distribution, viewer-request function", "/hooked/"),
        CACHED("distribution, cache hits", "/cached/");

        private final String label;
        private final String segment;

        Target(String label, String segment) {
            this.label = label;
            this.segment = segment;
        }

        /** The path the origin sees, whichever way the request took. */
        String originPath() {
            return segment + "item";
        }

        static Target ofPath(String path) {
            for (Target target : values()) {
                if (path.startsWith(target.segment)) {
                    return target;
                }
            }
            throw new IllegalArgumentException("no target serves " + path);
        }
    }

    private record Settings(int seconds, int rounds, int connections, int environments, int warmUpSeconds) {
        static Settings parse(String... args) {
            int seconds = 4;
            int rounds = 2;
            int connections = 16;
            int environments = 4;
            int warmUp = 12;
            for (int i = 0; i + 1 < args.length; i += 2) {
                int value = Integer.parseInt(args[i + 1]);
                switch (args[i]) {
                    case "--seconds" -> seconds = value;
                    case "--rounds" -> rounds = value;
                    case "--connections" -> connections = value;
                    case "--environments" -> environments = value;
                    case "--warm-up" -> warmUp = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Settings(seconds, rounds, connections, environments, warmUp);
        }
    }

    /**
     * What the clients saw of one target at one concurrency: answers, time, latencies (sorted), answers other than
     * 200, connections that failed, and requests that reached the origin meanwhile.
     */
    private record Measured(long answers, long nanos, long[] latencies, long not200, long failures,
                            long originRequests) {

        Measured plus(Measured other) {
            long[] merged = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
            System.arraycopy(other.latencies, 0, merged, latencies.length, other.latencies.length);
            Arrays.sort(merged);
            return new Measured(answers + other.answers, nanos + other.nanos, merged, not200 + other.not200,
                    failures + other.failures, originRequests + other.originRequests);
        }

        double perSecond() {
            return answers / (nanos / 1e9);
        }

        double p50Micros() {
            return GatewayBench.percentile(latencies, 50) / 1e3;
        }

        double p99Micros() {
            return GatewayBench.percentile(latencies, 99) / 1e3;
        }
    }

    private final Settings settings;
    private final Path repo = GatewayBench.findRepository();
    private final Path work = Files.createTempDirectory("lamina-edge-bench-");
    private final Origin origin = new Origin();
    /** Set once started; the shutdown hook reads it from its own thread. */
    private volatile LocalGateway gateway;

    private EdgeBench(Settings settings) throws IOException {
        this.settings = settings;
    }

    public static void main(String... args) throws Exception {
        // Read once, when the JDK's server starts: without it the origin's header and body writes wait on Nagle.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        EdgeBench bench = new EdgeBench(Settings.parse(args));
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopGateway));
        try {
            bench.run();
            // After a successful run only: a failed one leaves the gateway's log behind.
            bench.stopGateway();
            LocalGateway.delete(bench.work);
        } finally {
            bench.stopGateway();
            bench.origin.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "EdgeBench: %d processors (%s), Java %s, load average %s; %s%n",
                Runtime.getRuntime().availableProcessors(), ShimBench.cpuModel(), Runtime.version(),
                GatewayBench.loadAverage(), settings);
        System.out.printf(Locale.ROOT, "  origin: the JDK's HttpServer on virtual threads in this process, %d-byte"
                + " body, Cache-Control no-store (max-age=3600 under /cached/)%n", BODY.length);
        System.out.println("  gateway: local mode in its own process; distribution " + ID + " at /edge/" + ID + "/;"
                + " viewer-request function " + FUNCTION + ":1 (LoopRuntime answering cf.request), "
                + settings.environments() + " provisioned environments");
        System.out.println("  clients: one keep-alive connection each (MiniHttp) on a platform thread, closed loop");
        writeDirectory();
        gateway = LocalGateway.start(repo, work);
        awaitAnswers();

        Duration warmUp = Duration.ofMillis(settings.warmUpSeconds() * 1000L / Target.values().length);
        for (Target target : Target.values()) {
            measure(target, settings.connections(), warmUp);
        }
        Duration slice = Duration.ofSeconds(settings.seconds());
        List<Integer> levels = settings.connections() == 1 ? List.of(1) : List.of(1, settings.connections());
        for (int connections : levels) {
            Map<Target, Measured> results = new EnumMap<>(Target.class);
            for (int round = 0; round < settings.rounds(); round++) {
                for (Target target : Target.values()) {
                    results.merge(target, measure(target, connections, slice), Measured::plus);
                }
            }
            print(connections, results);
        }
        System.out.printf(Locale.ROOT, "%nReady environments of %s at the end: %.0f; load average at the end: %s%n",
                FUNCTION, readyEnvironments(), GatewayBench.loadAverage());
    }

    private void print(int connections, Map<Target, Measured> results) {
        System.out.printf(Locale.ROOT, "%n%d connection%s, %d x %d s per target:%n", connections,
                connections == 1 ? "" : "s", settings.rounds(), settings.seconds());
        System.out.printf(Locale.ROOT, "  %-40s %9s %9s %9s %9s %11s %9s %11s%n", "target", "req/s", "vs direct",
                "p50 us", "p99 us", "p50 added", "non-200", "origin reqs");
        Measured direct = results.get(Target.DIRECT);
        results.forEach((target, m) -> System.out.printf(Locale.ROOT,
                "  %-40s %,9.0f %9.2f %9.0f %9.0f %11s %9d %,11d%n", target.label, m.perSecond(),
                m.perSecond() / direct.perSecond(), m.p50Micros(), m.p99Micros(), target == Target.DIRECT ? "-"
                        : String.format(Locale.ROOT, "%+.0f us", m.p50Micros() - direct.p50Micros()),
                m.not200() + m.failures(), m.originRequests()));
        results.forEach((target, m) -> {
            if (m.failures() > 0) {
                System.out.printf(Locale.ROOT, "  ! %s: %d connections failed%n", target.label, m.failures());
            }
        });
    }

    // ---- load ---------------------------------------------------------------------------------------------------

    /** {@code connections} clients in a closed loop on one target for {@code duration}. */
    private Measured measure(Target target, int connections, Duration duration) throws InterruptedException {
        int port = port(target);
        String path = path(target);
        long originBefore = origin.requests(target);
        long end = System.nanoTime() + duration.toNanos();
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Client client = new Client(port, path);
            clients.add(client);
            threads.add(Thread.ofPlatform().start(() -> client.run(end)));
        }
        long start = System.nanoTime();
        for (Thread thread : threads) {
            thread.join();
        }
        long nanos = System.nanoTime() - start;
        long[] latencies = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count)).sorted()
                .toArray();
        return new Measured(latencies.length, nanos, latencies, clients.stream().mapToLong(c -> c.not200).sum(),
                clients.stream().mapToLong(c -> c.failures).sum(), origin.requests(target) - originBefore);
    }

    private int port(Target target) {
        return target == Target.DIRECT ? origin.port() : gateway.port();
    }

    /** The origin's own path, or the distribution's path-based form of it. */
    private static String path(Target target) {
        return target == Target.DIRECT ? target.originPath() : EdgeHosts.PATH_PREFIX + ID + target.originPath();
    }

    /** One connection's loop: a GET, its answer read whole, the next GET. */
    private static final class Client {
        private final int port;
        private final String path;
        private long[] latencies = new long[1 << 14];
        private int count;
        private long not200;
        private long failures;

        Client(int port, String path) {
            this.port = port;
            this.path = path;
        }

        void run(long end) {
            MiniHttp http = null;
            while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                try {
                    if (http == null) {
                        http = new MiniHttp(port);
                    }
                    int status = http.get(path).status();
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = System.nanoTime() - sent;
                    if (status != 200) {
                        not200++;
                    }
                } catch (IOException e) {
                    failures++;
                    close(http);
                    http = null;
                }
            }
            close(http);
        }

        private static void close(MiniHttp http) {
            try {
                if (http != null) {
                    http.close();
                }
            } catch (IOException ignored) {
                // The connection is gone either way.
            }
        }
    }

    // ---- the origin ---------------------------------------------------------------------------------------------

    /** A small fixed answer for every path, counted by target. */
    private static final class Origin implements AutoCloseable {
        private final HttpServer server;
        private final Map<Target, LongAdder> requests = new ConcurrentHashMap<>();

        Origin() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::answer);
            server.start();
        }

        private void answer(HttpExchange exchange) throws IOException {
            Target target = Target.ofPath(exchange.getRequestURI().getRawPath());
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", target == Target.CACHED ? "max-age=3600" : "no-store");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
            requests.computeIfAbsent(target, t -> new LongAdder()).increment();
        }

        int port() {
            return server.getAddress().getPort();
        }

        long requests(Target target) {
            LongAdder count = requests.get(target);
            return count == null ? 0 : count.sum();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---- the directory and the gateway --------------------------------------------------------------------------

    /** The pass-through function (published, kept warm by an alias) and the distribution in front of the origin. */
    private void writeDirectory() throws IOException {
        LoopRuntime.writeCode(work.resolve(FUNCTION), LoopRuntime.CF_REQUEST);
        Files.writeString(work.resolve("edge.yaml"), """
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: %1$s}
                spec:
                  runtime: provided.al2023
                  handler: %2$s
                  code: {path: %1$s}
                  memoryMB: 128
                  timeoutSeconds: 5
                  publish: true
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Alias
                metadata: {name: %1$s-warm}
                spec: {function: %1$s, name: warm, functionVersion: "1", provisionedConcurrency: %3$d}
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Distribution
                metadata: {name: bench}
                spec:
                  origins:
                    - {id: origin, url: "http://127.0.0.1:%4$d"}
                  defaultCacheBehavior:
                    targetOriginId: origin
                    cachePolicy: {minTTL: 0, defaultTTL: 0, maxTTL: 0}
                  cacheBehaviors:
                    - pathPattern: /plain/*
                      targetOriginId: origin
                      cachePolicy: {minTTL: 0, defaultTTL: 0, maxTTL: 0}
                    - pathPattern: /hooked/*
                      targetOriginId: origin
                      cachePolicy: {minTTL: 0, defaultTTL: 0, maxTTL: 0}
                      lambdaFunctionAssociations:
                        - {eventType: viewer-request, function: %1$s, functionVersion: "1"}
                    # The default cache policy: the origin's max-age=3600 sets the TTL.
                    - {pathPattern: /cached/*, targetOriginId: origin}
                """.formatted(FUNCTION, LoopRuntime.CF_REQUEST, settings.environments(), origin.port()));
    }

    /** Until every target answers 200 (the function's first environment started, the distribution served). */
    private void awaitAnswers() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "no answer";
        for (Target target : Target.values()) {
            while (true) {
                try (MiniHttp http = new MiniHttp(port(target))) {
                    int status = http.get(path(target)).status();
                    if (status == 200) {
                        break;
                    }
                    last = "status " + status;
                } catch (IOException notYet) {
                    last = notYet.toString();
                }
                if (!gateway.process().isAlive() || System.nanoTime() > deadline) {
                    throw gateway.failure("never answered 200 for " + target.label + " (" + last + ")");
                }
                Thread.sleep(200);
            }
        }
    }

    /** The function's ready environments, from the gateway's metrics. */
    private double readyEnvironments() throws IOException, InterruptedException {
        String metrics;
        try (HttpClient http = HttpClient.newHttpClient()) {
            metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        Matcher m = Pattern.compile("lamina_environments\\{[^}]*function_name=\"" + FUNCTION
                + "\"[^}]*state=\"ready\"[^}]*}\\s+([0-9.]+)").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private void stopGateway() {
        LocalGateway started = gateway;
        if (started != null) {
            started.close();
        }
    }
}
