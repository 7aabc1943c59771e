package dev.lamina.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * What the number of warm environments costs local mode, run as users run it (a separate process). For each count N
 * (4, 32 and 100 by default) a fresh gateway serves a {@link LoopRuntime} function whose alias keeps N environments
 * provisioned, and the benchmark measures the gateway process (the embedded shims included, the runtimes not):
 * <ol>
 *   <li><b>idle CPU</b>, as a share of one core, with all N environments warm and nothing invoked: before any load,
 *   and again after the load below (what invocations leave running);</li>
 *   <li><b>CPU per invocation at saturation</b>: closed loop over {@code --connections} keep-alive connections
 *   ({@link MiniHttp}), the same for every N, after a warm-up. Fewer connections than environments (2 by default,
 *   fewer than the smallest N) keep the environment count the only difference: with as many connections as
 *   environments invocations wait for slots, which costs CPU of its own, and with more the autoscaler starts more
 *   environments (so connections are capped at N).</li>
 * </ol>
 * With {@code --baseline JAR} (another build's {@code quarkus-run.jar}, e.g. a copy of {@code operator/target/
 * quarkus-app} made before a change) every count runs on both builds in turn, so that both see the same machine;
 * {@code --rounds R} repeats it all and prints medians. Arguments: {@code [--environments 4,32,100]
 * [--idle-seconds 10] [--seconds 10] [--warm-up 10] [--connections 2] [--rounds 1] [--baseline JAR]}.
 */
public final class EnvironmentCountBench {

    private static final String INVOKE = "/2015-03-31/functions/loop:warm/invocations";
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final Duration READY_LIMIT = Duration.ofMinutes(5);
    /** After the environments are ready, and after the load: JIT compilation and the last answers settle. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private record Settings(List<Integer> counts, int idleSeconds, int seconds, int warmUpSeconds, int connections,
                            int rounds, Path baseline) {
        static Settings parse(String... args) {
            List<Integer> counts = List.of(4, 32, 100);
            int idleSeconds = 10;
            int seconds = 10;
            int warmUp = 10;
            int connections = 2;
            int rounds = 1;
            Path baseline = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--environments" -> counts = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                    case "--idle-seconds" -> idleSeconds = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--warm-up" -> warmUp = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--baseline" -> baseline = Path.of(value).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Settings(counts, idleSeconds, seconds, warmUp, connections, rounds, baseline);
        }
    }

    /** What one gateway showed with N environments. */
    private record Row(String build, int environments, int connections, double idleBefore, double idleAfter,
                       double runtimesIdle, double perSecond, double gatewayMicros, long failed) {
        void print() {
            System.out.printf(Locale.ROOT, "%6d  %-10s  %11d  %8.2f %% %7.2f %%  %13.1f %%  %,9.0f  %10.1f  %6d%n",
                    environments, build, connections, idleBefore, idleAfter, runtimesIdle, perSecond, gatewayMicros,
                    failed);
        }
    }

    private record Load(long completed, long failed, double seconds) {
    }

    private final Settings settings;
    private final Path repo = GatewayBench.findRepository();
    /** Set while a gateway runs; the shutdown hook reads it from its own thread. */
    private volatile LocalGateway gateway;

    private EnvironmentCountBench(Settings settings) {
        this.settings = settings;
    }

    public static void main(String... args) throws Exception {
        EnvironmentCountBench bench = new EnvironmentCountBench(Settings.parse(args));
        // Stopped from outside (Ctrl-C), the benchmark still stops the gateway it started.
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopGateway));
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "EnvironmentCountBench: %d processors, Java %s, load average %s, %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), GatewayBench.loadAverage(), settings);
        Map<String, Path> builds = new LinkedHashMap<>();
        if (settings.baseline() != null) {
            builds.put("baseline", settings.baseline());
        }
        builds.put("this build", repo.resolve("operator/target/quarkus-app/quarkus-run.jar"));
        System.out.println();
        System.out.println("  envs  build       connections  gateway idle, %core   runtimes idle     inv/s  gateway us"
                + "  failed");
        System.out.println("                                 before    after load    (all N, %core)              per inv");
        List<Row> rows = new ArrayList<>();
        List<String> order = new ArrayList<>(builds.keySet());
        for (int round = 0; round < settings.rounds(); round++) {
            for (int count : settings.counts()) {
                for (String build : order) {
                    Row row = measure(build, builds.get(build), count);
                    row.print();
                    rows.add(row);
                }
            }
            // The builds take turns going first, so that a drifting machine does not favour one.
            Collections.reverse(order);
        }
        System.out.println();
        System.out.println("Medians over " + settings.rounds() + " round(s): gateway idle before load, %core; gateway CPU"
                + " per invocation, us (relative to " + settings.counts().getFirst() + " environments):");
        for (String build : builds.keySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-10s", build));
            double first = median(rows, build, settings.counts().getFirst(), Row::gatewayMicros);
            for (int count : settings.counts()) {
                double micros = median(rows, build, count, Row::gatewayMicros);
                line.append(String.format(Locale.ROOT, "   %d: %.2f %%, %.0f us (%.2f)", count,
                        median(rows, build, count, Row::idleBefore), micros, micros / first));
            }
            System.out.println(line);
        }
        System.out.println("Load average at the end: " + GatewayBench.loadAverage());
    }

    /** One gateway with N environments; its directory is deleted once it stopped, kept (with its log) on failure. */
    private Row measure(String build, Path app, int environments) throws Exception {
        Path dir = Files.createTempDirectory("lamina-environment-count-bench-");
        writeFunction(dir, environments);
        Row row;
        try (LocalGateway started = LocalGateway.startBuild(app, dir)) {
            gateway = started;
            started.awaitReady("loop", environments, READY_LIMIT);
            Thread.sleep(SETTLE);
            ProcessHandle process = started.process().toHandle();
            List<ProcessHandle> runtimes = process.descendants().toList();
            long runtimesBefore = cpuNanos(runtimes);
            double idleBefore = idleShare(process);
            double runtimesIdle = 100.0 * (cpuNanos(runtimes) - runtimesBefore)
                    / Duration.ofSeconds(settings.idleSeconds()).toNanos();

            int connections = Math.min(environments, settings.connections());
            closedLoop(started.port(), connections, Duration.ofSeconds(settings.warmUpSeconds()));
            long cpuBefore = cpuNanos(List.of(process));
            Load load = closedLoop(started.port(), connections, Duration.ofSeconds(settings.seconds()));
            double micros = (cpuNanos(List.of(process)) - cpuBefore) / 1e3 / Math.max(1, load.completed());

            Thread.sleep(SETTLE);
            double idleAfter = idleShare(process);
            row = new Row(build, environments, connections, idleBefore, idleAfter, runtimesIdle,
                    load.completed() / load.seconds(), micros, load.failed());
        } finally {
            gateway = null;
        }
        LocalGateway.delete(dir);
        return row;
    }

    /** The process's CPU over {@code --idle-seconds} of nothing happening, in percent of one core. */
    private double idleShare(ProcessHandle process) throws InterruptedException {
        long before = cpuNanos(List.of(process));
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(settings.idleSeconds()));
        return 100.0 * (cpuNanos(List.of(process)) - before) / (System.nanoTime() - start);
    }

    /** Each connection sends its next invocation when the previous one is answered, until the time is up. */
    private static Load closedLoop(int port, int connections, Duration duration) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (MiniHttp http = new MiniHttp(port)) {
                    while (System.nanoTime() < end) {
                        (http.post(INVOKE, EVENT).status() == 200 ? completed : failed).incrementAndGet();
                    }
                } catch (IOException broken) {
                    failed.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new Load(completed.get(), failed.get(), (System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Row> rows, String build, int environments, ToDoubleFunction<Row> value) {
        double[] values = rows.stream().filter(row -> row.build().equals(build) && row.environments() == environments)
                .mapToDouble(value).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static long cpuNanos(List<ProcessHandle> processes) {
        long total = 0;
        for (ProcessHandle process : processes) {
            total += process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return total;
    }

    /** The loop runtime as a published function whose alias {@code warm} keeps N environments provisioned. */
    private static void writeFunction(Path dir, int environments) throws IOException {
        LoopRuntime.writeCode(dir.resolve("loop"));
        Files.writeString(dir.resolve("loop.yaml"), """
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata:
                  name: loop
                spec:
                  runtime: provided.al2023
                  handler: loop
                  publish: true
                  code:
                    path: loop
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Alias
                metadata:
                  name: loop-warm
                spec:
                  function: loop
                  name: warm
                  functionVersion: "1"
                  provisionedConcurrency: %d
                """.formatted(environments));
    }

    private void stopGateway() {
        LocalGateway started = gateway;
        if (started != null) {
            started.close();
        }
    }
}
