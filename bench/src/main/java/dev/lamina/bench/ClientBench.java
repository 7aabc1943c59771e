package dev.lamina.bench;

import dev.lamina.shim.Shim;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Invoke API driven by a standard external client ({@code hey}, or {@code wrk}), side by side in one run with
 * what the same client gets from the loopback floor (a one-process Node.js server answering {@code {}}) and from
 * serverless-offline invoking a Node.js function that returns {@code {}}:
 * <ol>
 *   <li><b>throughput</b>, closed loop: per target requests/s, p50 and p99 as the client reports them, answers other
 *   than 200 and failed requests, and CPU time per request of the client and of the server's processes (for Lamina
 *   the gateway JVM and the runtimes it started, apart); the ratios Lamina/floor and Lamina/serverless-offline;</li>
 *   <li><b>latency at a fixed rate</b> (open loop, {@link FixedRateLoad}): the same function through the gateway and
 *   straight to shims embedded in this process, and the difference, which is what the gateway adds.</li>
 * </ol>
 * Lamina is local mode as users run it ({@link LocalGateway}) on a {@link LoopRuntime} function with provisioned
 * environments, the cheapest runtime there is, so the numbers are the platform's cost: by default the loop compiled
 * from C ({@code --runtime c}, needs {@code cc}), or the same loop on a JVM ({@code --runtime java}).
 * Arguments: {@code [--client hey|wrk] [--runtime c|java] [--connections N] [--seconds N] [--first-warm-up N]
 * [--warm-up N] [--rounds N] [--environments N] [--rate N] [--latency-seconds N] [--shims N] [--no-serverless]
 * [--no-latency]}.
 */
public final class ClientBench {

    private static final String FUNCTION = "loop";
    private static final String GATEWAY = "gateway JVM";
    private static final String RUNTIMES = "runtimes";

    /** {@code firstWarmUp} is each target's warm-up in the first round: a fresh JVM compiles for tens of seconds. */
    record Settings(String client, String runtime, int connections, int seconds, int firstWarmUp, int warmUp, int rounds,
                    int environments, int rate, int latencySeconds, int shims, boolean serverless, boolean latency) {

        static Settings parse(String... args) {
            String client = "hey";
            String runtime = "c";
            int connections = 32;
            int seconds = 10;
            int firstWarmUp = 30;
            int warmUp = 10;
            int rounds = 2;
            int environments = 32;
            int rate = 1000;
            int latencySeconds = 10;
            int shims = 8;
            boolean serverless = true;
            boolean latency = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--no-serverless" -> serverless = false;
                    case "--no-latency" -> latency = false;
                    case "--client" -> client = args[++i];
                    case "--runtime" -> runtime = switch (args[++i]) {
                        case "c", "java" -> args[i];
                        default -> throw new IllegalArgumentException("--runtime is c or java, not " + args[i]);
                    };
                    case "--connections" -> connections = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--first-warm-up" -> firstWarmUp = Integer.parseInt(args[++i]);
                    case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--environments" -> environments = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--latency-seconds" -> latencySeconds = Integer.parseInt(args[++i]);
                    case "--shims" -> shims = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Settings(client, runtime, connections, seconds, firstWarmUp, warmUp, rounds, environments, rate,
                    latencySeconds, shims, serverless, latency);
        }
    }

    /** A server under load: where to send invocations, and the CPU time of its processes so far, by part. */
    private record Target(String label, URI url, Supplier<Map<String, Long>> cpu) {
    }

    /** A target's measured run: what the client saw and the CPU microseconds per request of its parts. */
    private record Row(Target target, LoadResult result, Map<String, Double> serverMicros) {
    }

    private final Settings settings;
    private final Path repo = GatewayBench.findRepository();
    private final Path work = Files.createTempDirectory("lamina-client-bench-");
    private final List<AutoCloseable> started = new ArrayList<>();
    /** CPU nanoseconds each target's parts spent while another target was measured, and how long that was. */
    private final Map<String, Map<String, Long>> idleCpu = new LinkedHashMap<>();
    private final Map<String, Long> idleWall = new LinkedHashMap<>();
    private boolean failed;
    private LoadClient client;
    private LocalGateway gateway;

    private ClientBench(Settings settings) throws IOException {
        this.settings = settings;
    }

    public static void main(String... args) throws Exception {
        ClientBench bench = new ClientBench(Settings.parse(args));
        // Stopped from outside (Ctrl-C), the benchmark still stops what it started.
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
        try {
            bench.run();
        } finally {
            bench.stopAll();
        }
        if (bench.failed) {
            System.out.println();
            System.out.println("!!! THIS RUN HAD ERRORS: some requests were not answered 200 (see the rows marked"
                    + " !!!); its numbers do not count. Kept: " + bench.work);
            System.exit(1);
        }
        LocalGateway.delete(bench.work);
        System.exit(0);
    }

    private void run() throws Exception {
        client = LoadClient.find(settings.client(), work);
        System.out.printf(Locale.ROOT, "ClientBench: %d processors (%s), Java %s, %s, load average %s%n  %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.version(), nodeVersion(),
                load(), settings);

        List<Target> targets = new ArrayList<>();
        NodeFloor floor = started(NodeFloor.start(work));
        targets.add(new Target("loopback floor (node http)", floor.url(),
                () -> Map.of("server", ProcessCpu.nanos(floor.process()))));
        if (settings.serverless()) {
            try {
                ServerlessOffline offline = started(ServerlessOffline.start(work));
                System.out.println("serverless-offline " + ServerlessOffline.version() + ": "
                        + String.join(" ", offline.command()));
                targets.add(new Target("serverless-offline (in-process)", offline.url(),
                        () -> Map.of("server", ProcessCpu.nanos(offline.processes()))));
            } catch (IOException | RuntimeException e) {
                System.out.println("serverless-offline: SKIPPED, " + e.getMessage());
            }
        }
        Target lamina = startLamina();
        targets.add(lamina);
        System.out.println("Lamina: local mode, function " + FUNCTION + ":warm (" + runtimeName() + ") with "
                + settings.environments() + " provisioned environments, ready");

        System.out.println();
        System.out.println("Throughput, closed loop: " + client.commandLine(URI.create("URL"), settings.connections(),
                settings.seconds()) + ", after " + settings.firstWarmUp() + " s of the same per target in the first"
                + " round, " + settings.warmUp() + " s in the others");
        List<List<Row>> rounds = new ArrayList<>();
        for (int r = 1; r <= settings.rounds(); r++) {
            System.out.printf(Locale.ROOT, "round %d of %d (load average %s):%n", r, settings.rounds(),
                    load());
            printHeader();
            List<Row> rows = new ArrayList<>();
            for (Target target : targets) {
                Row row = measure(target, targets, r == 1 ? settings.firstWarmUp() : settings.warmUp());
                printRow(row);
                rows.add(row);
            }
            rounds.add(rows);
            printRatios(rows);
        }
        printIdle();
        if (settings.rounds() > 1) {
            printMeans(rounds);
        }

        if (settings.latency()) {
            latency();
        }
        System.out.println();
        System.out.println("Load average at the end: " + load());
    }

    // ---- throughput ---------------------------------------------------------------------------------------------

    /** Warms {@code target} with the same load, then measures it; the other targets' CPU meanwhile is idle CPU. */
    private Row measure(Target target, List<Target> all, int warmUp) throws IOException, InterruptedException {
        LoadResult warm = client.run(target.url(), settings.connections(), warmUp);
        if (!warm.clean()) {
            failed = true;
            System.out.println("  !!! warm-up of " + target.label() + ": " + warm.non200() + " non-200, "
                    + warm.errors() + " errors: " + warm.problems());
        }
        Map<Target, Map<String, Long>> before = new LinkedHashMap<>();
        all.forEach(t -> before.put(t, t.cpu().get()));
        long start = System.nanoTime();
        LoadResult result = client.run(target.url(), settings.connections(), settings.seconds());
        long wall = System.nanoTime() - start;
        Map<String, Double> serverMicros = new LinkedHashMap<>();
        for (Target t : all) {
            Map<String, Long> after = t.cpu().get();
            after.forEach((part, nanos) -> {
                long spent = nanos - before.get(t).get(part);
                if (t == target) {
                    serverMicros.put(part, spent / 1e3 / result.requests());
                } else {
                    idleCpu.computeIfAbsent(t.label(), k -> new LinkedHashMap<>()).merge(part, spent, Long::sum);
                }
            });
            if (t != target) {
                idleWall.merge(t.label(), wall, Long::sum);
            }
        }
        if (!result.clean()) {
            failed = true;
        }
        return new Row(target, result, serverMicros);
    }

    private static void printHeader() {
        System.out.printf(Locale.ROOT, "  %-34s %9s %9s %9s %8s %7s  %s%n", "target", "req/s", "p50 ms", "p99 ms",
                "non-200", "errors", "CPU us per request");
    }

    private static void printRow(Row row) {
        LoadResult r = row.result();
        String cpu = String.format(Locale.ROOT, "client %.0f, ", r.clientMicrosPerRequest())
                + row.serverMicros().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        System.out.printf(Locale.ROOT, "  %-34s %,9.0f %9.2f %9.2f %8d %7d  %s%n", row.target().label(),
                r.perSecond(), r.p50Millis(), r.p99Millis(), r.non200(), r.errors(), cpu);
        if (!r.clean()) {
            System.out.println("  !!! " + row.target().label() + " did not answer every request with 200: "
                    + r.problems());
        }
    }

    private static void printRatios(List<Row> rows) {
        Row lamina = rows.getLast();
        StringBuilder line = new StringBuilder("  Lamina requests/s:");
        for (Row other : rows.subList(0, rows.size() - 1)) {
            line.append(String.format(Locale.ROOT, "  %.2f x %s", lamina.result().perSecond()
                    / other.result().perSecond(), other.target().label()));
        }
        System.out.println(line);
    }

    /** What each target costs while idle (the others measured): Lamina's grows with its environments. */
    private void printIdle() {
        System.out.println("CPU of each target while another one was measured, % of one core:");
        idleCpu.forEach((label, parts) -> System.out.println("  " + label + ": " + parts.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(),
                        100.0 * e.getValue() / idleWall.get(label)))
                .collect(Collectors.joining(", "))));
    }

    /** Requests/s over all rounds per target (total answered 200 over total time) and the ratios of those. */
    private static void printMeans(List<List<Row>> rounds) {
        Map<String, double[]> totals = new LinkedHashMap<>();
        for (List<Row> rows : rounds) {
            for (Row row : rows) {
                double[] t = totals.computeIfAbsent(row.target().label(), k -> new double[2]);
                t[0] += row.result().ok();
                t[1] += row.result().seconds();
            }
        }
        List<String> labels = new ArrayList<>(totals.keySet());
        String lamina = labels.getLast();
        double laminaRate = totals.get(lamina)[0] / totals.get(lamina)[1];
        StringBuilder line = new StringBuilder("All rounds: ");
        for (String label : labels) {
            line.append(String.format(Locale.ROOT, "%s %,.0f/s; ", label, totals.get(label)[0] / totals.get(label)[1]));
        }
        for (String label : labels.subList(0, labels.size() - 1)) {
            line.append(String.format(Locale.ROOT, "Lamina/%s %.2f; ", label,
                    laminaRate / (totals.get(label)[0] / totals.get(label)[1])));
        }
        System.out.println(line);
    }

    // ---- latency ------------------------------------------------------------------------------------------------

    /** The loop function at a fixed rate straight to shims in this process and through the gateway, in turns. */
    private void latency() throws Exception {
        int n = settings.shims();
        Duration duration = Duration.ofSeconds(settings.latencySeconds());
        System.out.println();
        System.out.printf(Locale.ROOT, "Latency at %,d requests/s (open loop, from each request's planned time),"
                + " %d s per run, %d connections; straight to %d shims embedded in the benchmark, each running the"
                + " same %s, vs through the gateway (microseconds):%n", settings.rate(),
                settings.latencySeconds(), n, n, runtimeName());
        List<FixedRateLoad.Endpoint> direct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // One at a time, as the gateway starts its environments.
            Shim shim = started(Shim.start(WarmFunctions.loopShim(work.resolve("lamina"))));
            shim.readyFuture().get(60, TimeUnit.SECONDS);
            direct.add(new FixedRateLoad.Endpoint(shim.invokeAddress().getPort(),
                    "/2015-03-31/functions/" + FUNCTION + "/invocations"));
        }
        List<FixedRateLoad.Endpoint> through = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            through.add(new FixedRateLoad.Endpoint(gateway.port(), invokePath()));
        }
        try (FixedRateLoad straight = new FixedRateLoad(direct);
             FixedRateLoad viaGateway = new FixedRateLoad(through)) {
            Duration warmUp = Duration.ofSeconds(settings.warmUp());
            straight.backToBack(warmUp);
            viaGateway.backToBack(warmUp);
            for (int r = 1; r <= settings.rounds(); r++) {
                System.out.printf(Locale.ROOT, "round %d of %d (load average %s):%n", r, settings.rounds(),
                        load());
                FixedRateLoad.Latencies s = straight.run(settings.rate(), duration);
                printLatency("straight to the shims", s);
                FixedRateLoad.Latencies g = viaGateway.run(settings.rate(), duration);
                printLatency("through the gateway", g);
                System.out.printf(Locale.ROOT, "  gateway adds: p50 %+.0f us, p99 %+.0f us (issue 17: at most +200"
                        + " and +1,000)%n", g.micros(50) - s.micros(50), g.micros(99) - s.micros(99));
            }
        }
    }

    private void printLatency(String how, FixedRateLoad.Latencies l) {
        System.out.printf(Locale.ROOT, "  %-22s p50 %6.0f   p90 %6.0f   p99 %6.0f   p99.9 %7.0f   max %7.0f"
                        + "   non-200 %d, errors %d%n", how, l.micros(50), l.micros(90), l.micros(99),
                l.micros(99.9), l.micros(100), l.non200(), l.errors());
        if (!l.clean()) {
            failed = true;
            System.out.println("  !!! " + how + ": not every request was answered 200");
        }
    }

    // ---- Lamina -------------------------------------------------------------------------------------------------

    private String runtimeName() {
        return settings.runtime().equals("c") ? "LoopRuntime compiled from C" : "LoopRuntime on a JVM";
    }

    private Target startLamina() throws Exception {
        Path dir = Files.createDirectories(work.resolve("lamina"));
        if (settings.runtime().equals("c")) {
            WarmFunctions.writeNativeLoopCode(dir);
        } else {
            WarmFunctions.writeLoopCode(dir);
        }
        WarmFunctions.writeYaml(dir.resolve("functions.yaml"),
                WarmFunctions.loop(FUNCTION, settings.environments()));
        gateway = started(LocalGateway.start(repo, dir));
        WarmFunctions.awaitStarted(gateway);
        gateway.awaitReady(FUNCTION, settings.environments(), Duration.ofSeconds(300));
        ProcessHandle jvm = gateway.process().toHandle();
        URI url = URI.create("http://127.0.0.1:" + gateway.port() + invokePath());
        return new Target("Lamina (" + settings.environments() + " environments)", url, () -> {
            Map<String, Long> cpu = new LinkedHashMap<>();
            cpu.put(GATEWAY, ProcessCpu.nanos(jvm));
            cpu.put(RUNTIMES, ProcessCpu.nanos(jvm.descendants().toList()));
            return cpu;
        });
    }

    private static String invokePath() {
        return "/2015-03-31/functions/" + FUNCTION + ":warm/invocations";
    }

    // ---- housekeeping -------------------------------------------------------------------------------------------

    private <T extends AutoCloseable> T started(T resource) {
        synchronized (started) {
            started.add(resource);
        }
        return resource;
    }

    /** Stops what was started, last first; safe to call twice (the shutdown hook does after a normal end). */
    private void stopAll() {
        List<AutoCloseable> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started.reversed());
            started.clear();
        }
        for (AutoCloseable resource : toStop) {
            try {
                resource.close();
            } catch (Exception e) {
                System.out.println("could not stop " + resource + ": " + e.getMessage());
            }
        }
    }

    /** The load average, flagged above the core count: numbers then measure waiting for a core as much as work. */
    private static String load() {
        String load = GatewayBench.loadAverage();
        boolean busy = load.matches("[0-9.]+ .*")
                && Double.parseDouble(load.split(" ")[0]) > Runtime.getRuntime().availableProcessors();
        return busy ? load + ", BUSY: more runnable threads than cores" : load;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String nodeVersion() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(node.getInputStream().readAllBytes()).strip();
            node.waitFor(10, TimeUnit.SECONDS);
            return "node " + version;
        } catch (IOException | InterruptedException e) {
            return "node: " + e.getMessage();
        }
    }
}
