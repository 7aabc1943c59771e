package dev.lamina.bench;

import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the runtime shim and prints the numbers (never run by the tests):
 * <ol>
 *   <li>start to ready: {@code java -jar lamina-shim.jar <minimal runtime>} until {@code GET /ready} answers 200
 *       (the runtime has made its first {@code /next}), with default JVM flags, a small heap, and a small heap plus
 *       a JDK AOT cache (JDK 25+); the same in a warm JVM through {@link Shim#start};</li>
 *   <li>RSS of the shim process when ready and after serving invocations;</li>
 *   <li>round trip of one invocation through the shim with a minimal runtime loop, against the loop's own cost.</li>
 * </ol>
 * Usage: {@code ShimBench [startRuns] [roundTrips]} (defaults 10 and 20000).
 */
public final class ShimBench {

    /** The flags recommended for the shim's container: a small heap, C1 only, and malloc'd memory given back. */
    static final List<String> SMALL_HEAP = List.of("-Xms8m", "-Xmx32m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:ReservedCodeCacheSize=16m", "-XX:TrimNativeHeapInterval=1000");
    private static final Pattern ADDRESSES = Pattern.compile(
            "lamina-shim: invoke endpoint http://127\\.0\\.0\\.1:(\\d+)/\\S+, Runtime API 127\\.0\\.0\\.1:(\\d+).*");
    private static final String INVOKE = "/2015-03-31/functions/function/invocations";
    private static final String RUNTIME = "/2018-06-01/runtime/invocation/";
    /** The bash runtime writes each request in several small writes and meets Nagle's algorithm: keep it short. */
    private static final int TRAINING_INVOCATIONS = 50;

    private final Path jar;
    private final Path work;
    private final Path bootstrap;

    private ShimBench(Path jar, Path work, Path bootstrap) {
        this.jar = jar;
        this.work = work;
        this.bootstrap = bootstrap;
    }

    public static void main(String[] args) throws Exception {
        int startRuns = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path work = Files.createTempDirectory("lamina-bench");
        Path bootstrap = work.resolve("bootstrap");
        try (InputStream script = ShimBench.class.getResourceAsStream("/minimal-bootstrap.sh")) {
            Files.copy(script, bootstrap, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        ShimBench bench = new ShimBench(shimJar(), work, bootstrap);
        bench.printMachine();
        bench.startToReady(startRuns);
        bench.inProcessStart(startRuns * 2);
        bench.roundTrips("small heap", SMALL_HEAP, roundTrips);
        bench.roundTrips("default JVM flags", List.of(), roundTrips);
    }

    /** The shim jar: where {@link Shim} was loaded from, or {@code -Dlamina.shim.jar}. */
    private static Path shimJar() throws URISyntaxException {
        String configured = System.getProperty("lamina.shim.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        Path source = Path.of(Shim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!source.toString().endsWith(".jar")) {
            throw new IllegalStateException("run with runtime-shim/target/lamina-shim.jar on the class path, "
                    + "or -Dlamina.shim.jar=PATH");
        }
        return source;
    }

    /** The CPU's model name, as /proc/cpuinfo gives it. */
    static String cpuModel() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
        }
    }

    private void printMachine() throws IOException {
        System.out.printf(Locale.ROOT, "machine: %d cores (Runtime.availableProcessors), %s; JDK %s; %s %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.version"));
        String load = Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
        System.out.println("load average (1 min) at start: " + load + "; shim jar: " + jar
                + "; minimal runtime for start to ready: bash over /dev/tcp");
    }

    // ---- start to ready --------------------------------------------------------------------------------------

    private void startToReady(int runs) throws Exception {
        System.out.println();
        System.out.println("== start to ready: process launch until GET /ready = 200 (runtime made its first /next)");
        double floor = median(timesNanos(runs, () -> {
            long start = System.nanoTime();
            Process help = new ProcessBuilder(java(List.of("-jar", jar.toString(), "--help")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            help.waitFor();
            return System.nanoTime() - start;
        }));
        System.out.printf(Locale.ROOT, "  floor: the same JVM printing --help and exiting: p50 %.1f ms%n", floor);
        startRun("default JVM flags", List.of(), runs);
        startRun("small heap " + SMALL_HEAP, SMALL_HEAP, runs);
        if (Runtime.version().feature() >= 25) {
            Path cache = work.resolve("lamina-shim.aot");
            train(cache);
            List<String> flags = new ArrayList<>(SMALL_HEAP);
            flags.add("-XX:AOTCache=" + cache);
            startRun("small heap + AOT cache (-XX:AOTCache)", flags, runs);
        }
    }

    private void startRun(String label, List<String> flags, int runs) throws Exception {
        long[] listening = new long[runs];
        long[] ready = new long[runs];
        long[] rss = new long[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            RunningShim shim = launch(flags, List.of(bootstrap.toString()));
            listening[run] = shim.listeningNanos() - start;
            awaitReady(shim.invokePort());
            ready[run] = System.nanoTime() - start;
            rss[run] = statusKb(shim.process().pid(), "VmRSS:");
            shim.stop();
        }
        System.out.printf(Locale.ROOT, "  %s%n    start to ready p50 %.1f ms (min %.1f, max %.1f); listening p50 %.1f ms;"
                        + " RSS when ready p50 %.1f MB%n",
                label, median(ms(ready)), min(ms(ready)), max(ms(ready)), median(ms(listening)), median(mb(rss)));
    }

    /** A training run that writes the AOT cache (JDK 25: written when the JVM exits). */
    private void train(Path cache) throws Exception {
        List<String> flags = new ArrayList<>(SMALL_HEAP);
        flags.add("-XX:AOTCacheOutput=" + cache);
        RunningShim shim = launch(flags, List.of(bootstrap.toString()));
        awaitReady(shim.invokePort());
        try (MiniHttp caller = new MiniHttp(shim.invokePort())) {
            for (int i = 0; i < TRAINING_INVOCATIONS; i++) {
                caller.post(INVOKE, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            }
        }
        shim.stop();
        if (!Files.exists(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache at " + cache);
        }
    }

    private void inProcessStart(int runs) {
        System.out.println();
        System.out.println("== in-process: Shim.start() until readyFuture() completes (warm JVM, as the gateway embeds it)");
        ShimConfig config = ShimConfig.builder().runtimeCommand(bootstrap.toString()).logSink(line -> { }).build();
        for (int warm = 0; warm < 5; warm++) {
            try (Shim shim = Shim.start(config)) {
                shim.readyFuture().join();
            }
        }
        long[] times = new long[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            try (Shim shim = Shim.start(config)) {
                shim.readyFuture().join();
                times[run] = System.nanoTime() - start;
            }
        }
        System.out.printf(Locale.ROOT, "  p50 %.2f ms (min %.2f, max %.2f), bash runtime start included%n",
                median(ms(times)), min(ms(times)), max(ms(times)));
    }

    // ---- round trips -----------------------------------------------------------------------------------------

    /**
     * The shim runs as its own process in sidecar mode; this JVM is both the caller and the runtime: a minimal loop
     * on one keep-alive connection ({@code GET /next}, {@code POST /response}). For each invocation: the caller's
     * round trip, the loop's own cost (from having the event to having the 202 for its response), and the shim's
     * overhead = round trip - loop cost.
     */
    private void roundTrips(String label, List<String> flags, int count) throws Exception {
        System.out.println();
        System.out.println("== round trip of one invocation, " + label + " (sequential, " + count
                + " measured after " + count + " warm-up); the shim in sidecar mode, caller and loop in this JVM");
        RunningShim shim = launch(flags, List.of("--runtime-api-port", "0"));
        int total = 2 * count;
        long[] loopCost = new long[total];
        BlockingQueue<Throwable> loopFailure = new LinkedBlockingQueue<>();
        Thread loop = Thread.ofPlatform().name("runtime-loop").daemon().start(() -> {
            try (MiniHttp runtime = new MiniHttp(shim.runtimeApiPort())) {
                while (true) {
                    MiniHttp.Response event = runtime.get(RUNTIME + "next");
                    long received = System.nanoTime();
                    String id = event.headers().get("lambda-runtime-aws-request-id");
                    runtime.post(RUNTIME + id + "/response", event.body());
                    loopCost[Integer.parseInt(id.substring(2))] = System.nanoTime() - received;
                }
            } catch (IOException | RuntimeException stopped) {
                loopFailure.add(stopped);
            }
        });
        long[] roundTrip = new long[total];
        byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        try (MiniHttp caller = new MiniHttp(shim.invokePort())) {
            for (int i = 0; i < total; i++) {
                long start = System.nanoTime();
                MiniHttp.Response reply = caller.postWithRequestId(INVOKE, payload, "b-" + i);
                roundTrip[i] = System.nanoTime() - start;
                if (reply.status() != 200) {
                    throw new IllegalStateException("invocation " + i + " answered " + reply.status());
                }
            }
        }
        long rss = statusKb(shim.process().pid(), "VmRSS:");
        long peakRss = statusKb(shim.process().pid(), "VmHWM:");
        shim.stop();
        loop.join(TimeUnit.SECONDS.toMillis(10));
        long[] measuredTrip = Arrays.copyOfRange(roundTrip, count, total);
        long[] measuredLoop = Arrays.copyOfRange(loopCost, count, total);
        long[] overhead = new long[count];
        for (int i = 0; i < count; i++) {
            overhead[i] = measuredTrip[i] - measuredLoop[i];
        }
        report("round trip through the shim", measuredTrip);
        report("the loop's own cost (event in hand to 202 for its response)", measuredLoop);
        report("shim overhead = round trip - loop cost", overhead);
        System.out.printf(Locale.ROOT, "  shim RSS after %d invocations: %.1f MB (peak %.1f MB)%n", total,
                rss / 1024.0, peakRss / 1024.0);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-62s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms%n", what,
                percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6, percentile(sorted, 99.9) / 1e6);
    }

    // ---- processes -------------------------------------------------------------------------------------------

    private record RunningShim(Process process, int invokePort, int runtimeApiPort, long listeningNanos) {
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private RunningShim launch(List<String> flags, List<String> shimArgs) throws IOException {
        List<String> command = new ArrayList<>(flags);
        command.addAll(List.of("-jar", jar.toString(), "--port", "0", "--host", "127.0.0.1"));
        command.addAll(shimArgs);
        ProcessBuilder builder = new ProcessBuilder(java(command))
                .directory(work.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("AWS_LAMBDA_FUNCTION_TIMEOUT", "60");
        Process process = builder.start();
        BufferedReader messages = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        for (String line = messages.readLine(); line != null; line = messages.readLine()) {
            Matcher addresses = ADDRESSES.matcher(line);
            if (addresses.matches()) {
                long listening = System.nanoTime();
                Thread.ofVirtual().start(() -> copyUntilClosed(messages));
                return new RunningShim(process, Integer.parseInt(addresses.group(1)),
                        Integer.parseInt(addresses.group(2)), listening);
            }
            System.err.println(line);
        }
        throw new IllegalStateException("the shim exited before listening: " + command);
    }

    private static void copyUntilClosed(BufferedReader messages) {
        try {
            for (String line = messages.readLine(); line != null; line = messages.readLine()) {
                System.err.println(line);
            }
        } catch (IOException closed) {
            // The shim was stopped.
        }
    }

    private static List<String> java(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        return command;
    }

    private static void awaitReady(int port) {
        while (true) {
            try (MiniHttp probe = new MiniHttp(port)) {
                if (probe.get("/ready").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static long statusKb(long pid, String field) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith(field)).findFirst()
                    .map(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").strip()))
                    .orElseThrow();
        }
    }

    // ---- statistics ------------------------------------------------------------------------------------------

    private interface Timed {
        long nanos() throws Exception;
    }

    private static long[] timesNanos(int runs, Timed timed) throws Exception {
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            times[i] = timed.nanos();
        }
        return times;
    }

    private static double[] ms(long[] nanos) {
        return Arrays.stream(nanos).mapToDouble(value -> value / 1e6).toArray();
    }

    private static double[] mb(long[] kilobytes) {
        return Arrays.stream(kilobytes).mapToDouble(value -> value / 1024.0).toArray();
    }

    private static double median(long[] nanos) {
        return median(ms(nanos));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static long percentile(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
