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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the runtime shim and prints the numbers (never run by the tests):
 * <ol>
 *   <li>start to ready: launch until {@code GET /ready} answers 200 (the runtime has made its first {@code /next}),
 *       for several JVM setups launched in turn, in child-process mode ({@code java -jar lamina-shim.jar <minimal
 *       runtime>}) and in sidecar mode (the runtime started beside the shim once it listens, as in a pod); with each
 *       the shim's CPU time and RSS when ready, and the floor: the same JVM printing {@code --help};</li>
 *   <li>start to ready of the last setup in sidecar mode with its CPU limited as a pod's container limit does (a
 *       cgroup quota; skipped with a message where no cgroup can be made);</li>
 *   <li>the same in a warm JVM through {@link Shim#start} (the library, as local mode embeds it);</li>
 *   <li>round trip of one invocation through the shim with a minimal runtime loop, against the loop's own cost, and
 *       the shim's RSS after it;</li>
 *   <li>round trips to the minimal bash runtime, which writes small segments (what {@code TCP_QUICKACK} is for).</li>
 * </ol>
 * The setups: the JDK's defaults; the small-heap flags the image had before ({@link #SMALL_HEAP}); those with an AOT
 * cache trained here; and the shipped one, what the image runs: the runtime, flags and AOT cache that the
 * runtime-shim build stages in {@code runtime-shim/target/shim-image} ({@code -Dlamina.shim.image=DIR}).
 * Usage: {@code ShimBench [startRuns] [roundTrips]} (defaults 10 and 20000).
 */
public final class ShimBench {

    /** The small-heap flags the image ran with before it shipped its own runtime and AOT cache. */
    static final List<String> SMALL_HEAP = List.of("-Xms8m", "-Xmx32m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:ReservedCodeCacheSize=16m", "-XX:TrimNativeHeapInterval=1000");
    /** The image's default heap, its JAVA_TOOL_OPTIONS (runtime-shim/pom.xml). */
    private static final List<String> IMAGE_HEAP = List.of("-Xms8m", "-Xmx32m");
    private static final Pattern ADDRESSES = Pattern.compile(
            "lamina-shim: invoke endpoint http://127\\.0\\.0\\.1:(\\d+)/\\S+, Runtime API 127\\.0\\.0\\.1:(\\d+).*");
    private static final String INVOKE = "/2015-03-31/functions/function/invocations";
    private static final String RUNTIME = "/2018-06-01/runtime/invocation/";
    /** The bash runtime writes each request in several small writes and meets Nagle's algorithm: keep it short. */
    private static final int TRAINING_INVOCATIONS = 50;
    /** How often start to ready asks {@code /ready}: often enough to resolve a millisecond, rarely enough not to load
     *  the shim (a kubelet asks once a second). */
    private static final long READY_POLL_NANOS = 1_000_000;
    private static final int ROUND_TRIP_BLOCK = 500;

    /** How a setup launches the JVM: the java binary, its flags, the jar it runs, and the CPU cgroup, if any. */
    private record Setup(String label, Path java, List<String> flags, Path jar, CpuCgroup cgroup) {
        Setup(String label, Path java, List<String> flags, Path jar) {
            this(label, java, flags, jar, null);
        }

        Setup in(CpuCgroup limited) {
            return new Setup(label, java, flags, jar, limited);
        }

        List<String> command(List<String> shimArgs) {
            List<String> command = new ArrayList<>(List.of(java.toString()));
            command.addAll(flags);
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(shimArgs);
            return cgroup == null ? command : cgroup.wrap(command);
        }
    }

    private enum Mode { CHILD_PROCESS, SIDECAR }

    /** One launch: start to listening and to ready, the shim's CPU time until ready, its RSS when ready. */
    private record Start(long listeningNanos, long readyNanos, long cpuNanos, long rssKb) {
    }

    private final Path jar;
    private final Path work;
    private final Path bootstrap;
    /** The setup with the cache this benchmark trains: its steady state is the small heap's, so it has no round trips. */
    private Setup trainedHere;

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
        try {
            bench.printMachine();
            List<Setup> setups = bench.setups();
            bench.startToReady(setups, startRuns);
            bench.underCpuLimits(setups.getLast(), startRuns);
            bench.inProcessStart(startRuns * 2);
            bench.roundTrips(setups.stream().filter(setup -> setup != bench.trainedHere).toList(), roundTrips);
            bench.smallSegments(setups.getLast(), Math.max(200, roundTrips / 20));
            System.out.println();
            System.out.println("load average (1 min) at the end: " + loadAverage());
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * The runnable shim jar: {@code lamina-shim.jar} beside the library {@link Shim} was loaded from (both in
     * {@code runtime-shim/target}), or {@code -Dlamina.shim.jar}.
     */
    private static Path shimJar() throws URISyntaxException {
        String configured = System.getProperty("lamina.shim.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        Path library = Path.of(Shim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path runnable = library.resolveSibling("lamina-shim.jar");
        if (!library.toString().endsWith(".jar") || !Files.isRegularFile(runnable)) {
            throw new IllegalStateException("package runtime-shim first (runtime-shim/target/lamina-shim.jar), "
                    + "or run with -Dlamina.shim.jar=PATH");
        }
        return runnable;
    }

    /** The CPU's model name, as /proc/cpuinfo gives it. */
    static String cpuModel() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
        }
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
    }

    private void printMachine() throws IOException {
        System.out.printf(Locale.ROOT, "machine: %d cores (Runtime.availableProcessors), %s; JDK %s; %s %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.version"));
        System.out.println("load average (1 min) at start: " + loadAverage() + "; shim jar: " + jar
                + "; minimal runtime: bash over /dev/tcp");
    }

    private List<Setup> setups() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Setup> setups = new ArrayList<>(List.of(
                new Setup("default JVM flags", java, List.of(), jar),
                new Setup("small heap " + SMALL_HEAP, java, SMALL_HEAP, jar)));
        if (Runtime.version().feature() >= 25) {
            Path cache = work.resolve("lamina-shim.aot");
            train(cache);
            List<String> flags = new ArrayList<>(SMALL_HEAP);
            flags.add("-XX:AOTCache=" + cache);
            trainedHere = new Setup("small heap + AOT cache trained here (child-process mode)", java, flags, jar);
            setups.add(trainedHere);
        }
        Path image = Path.of(System.getProperty("lamina.shim.image", jar.resolveSibling("shim-image").toString()));
        Path cache = image.resolve("lamina-shim.aot");
        if (Files.exists(cache)) {
            List<String> flags = new ArrayList<>(List.of("@" + image.resolve("jvm.options")));
            flags.addAll(IMAGE_HEAP);
            flags.add("-XX:AOTCache=" + cache);
            List<String> options = Files.readAllLines(image.resolve("jvm.options")).stream()
                    .filter(line -> line.startsWith("-")).toList();
            System.out.println("shipped setup: the image's runtime, flags and AOT cache as staged in " + image);
            setups.add(new Setup("shipped: the image's runtime, jvm.options " + options + ", heap " + IMAGE_HEAP
                    + ", its build-time AOT cache", image.resolve("jre/bin/java"), flags,
                    image.resolve("lamina-shim.jar")));
        } else {
            System.out.println("shipped setup left out: no " + cache + " (package runtime-shim with JDK 25)");
        }
        return setups;
    }

    // ---- start to ready --------------------------------------------------------------------------------------

    /** Each run launches every setup once, in turn, so that a shared machine's drift hits all of them alike. */
    private void startToReady(List<Setup> setups, int runs) throws Exception {
        System.out.println();
        System.out.println("== start to ready: launch until GET /ready = 200 (the runtime made its first /next); "
                + runs + " launches per setup and mode, setups in turn; CPU = the shim's threads' CPU time until "
                + "ready; floor = the same JVM printing --help");
        System.out.println("  sidecar mode: ready also waits for the shim to find the runtime's processes in /proc, which it"
                + " reads whole: " + processCount() + " processes here, a handful in a pod");
        Map<Setup, long[]> floors = new HashMap<>();
        Map<Setup, Map<Mode, List<Start>>> starts = new HashMap<>();
        for (int run = 0; run < runs; run++) {
            for (Setup setup : setups) {
                floors.computeIfAbsent(setup, s -> new long[runs])[run] = help(setup);
                for (Mode mode : Mode.values()) {
                    starts.computeIfAbsent(setup, s -> new EnumMap<>(Mode.class))
                            .computeIfAbsent(mode, m -> new ArrayList<>()).add(start(setup, mode));
                }
            }
        }
        for (Setup setup : setups) {
            System.out.printf(Locale.ROOT, "  %s%n    floor (--help) p50 %.1f ms%n", setup.label(),
                    median(ms(floors.get(setup))));
            for (Mode mode : Mode.values()) {
                List<Start> launched = starts.get(setup).get(mode);
                double[] ready = ms(launched.stream().mapToLong(Start::readyNanos).toArray());
                System.out.printf(Locale.ROOT, "    %-13s start to ready p50 %.1f ms (min %.1f, max %.1f); listening"
                                + " p50 %.1f ms; CPU p50 %.1f ms; RSS when ready p50 %.1f MB%n",
                        mode == Mode.CHILD_PROCESS ? "child process" : "sidecar", median(ready), min(ready),
                        max(ready), median(ms(launched.stream().mapToLong(Start::listeningNanos).toArray())),
                        median(ms(launched.stream().mapToLong(Start::cpuNanos).toArray())),
                        median(mb(launched.stream().mapToLong(Start::rssKb).toArray())));
            }
        }
    }

    /**
     * In a pod the shim's container has a CPU limit, which the kubelet makes a quota per 100 ms: the JVM's start,
     * which takes more CPU than a warm shim ever does, runs at that speed on every cold start.
     */
    private void underCpuLimits(Setup setup, int runs) throws Exception {
        System.out.println();
        System.out.println("== start to ready under a CPU limit (a pod's container limit: a cgroup quota per 100 ms), "
                + "sidecar mode, " + runs + " launches per limit, limits in turn; " + setup.label());
        StringBuilder whyNot = new StringBuilder();
        Optional<CpuCgroup> made = CpuCgroup.create("lamina-shim-bench-" + ProcessHandle.current().pid(), whyNot);
        if (made.isEmpty()) {
            System.out.println("  skipped: " + whyNot);
            return;
        }
        List<Optional<Integer>> limits = List.of(Optional.of(100), Optional.of(250), Optional.of(500),
                Optional.of(1000), Optional.of(2000), Optional.empty());
        Map<Optional<Integer>, List<Start>> starts = new LinkedHashMap<>();
        try (CpuCgroup cgroup = made.get()) {
            Setup limited = setup.in(cgroup);
            for (int run = 0; run < runs; run++) {
                for (Optional<Integer> limit : limits) {
                    cgroup.limit(limit);
                    starts.computeIfAbsent(limit, l -> new ArrayList<>()).add(start(limited, Mode.SIDECAR));
                }
            }
        }
        starts.forEach((limit, launched) -> {
            double[] ready = ms(launched.stream().mapToLong(Start::readyNanos).toArray());
            System.out.printf(Locale.ROOT,
                    "  limit %-5s start to ready p50 %.1f ms (min %.1f, max %.1f); CPU p50 %.1f ms%n",
                    limit.map(m -> m % 1000 == 0 ? Integer.toString(m / 1000) : m + "m").orElse("none"),
                    median(ready), min(ready), max(ready),
                    median(ms(launched.stream().mapToLong(Start::cpuNanos).toArray())));
        });
    }

    private long help(Setup setup) throws Exception {
        long start = System.nanoTime();
        Process help = new ProcessBuilder(setup.command(List.of("--help")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        help.waitFor();
        return System.nanoTime() - start;
    }

    private Start start(Setup setup, Mode mode) throws Exception {
        long start = System.nanoTime();
        RunningShim shim = launch(setup, mode == Mode.CHILD_PROCESS ? List.of(bootstrap.toString())
                : List.of("--runtime-api-port", "0"));
        Process runtime = null;
        try {
            if (mode == Mode.SIDECAR) {
                ProcessBuilder sidecar = new ProcessBuilder(bootstrap.toString()).directory(work.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                sidecar.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + shim.runtimeApiPort());
                runtime = sidecar.start();
            }
            awaitReady(shim.invokePort(), READY_POLL_NANOS);
            long ready = System.nanoTime() - start;
            return new Start(shim.listeningNanos() - start, ready, cpuNanos(shim.process().pid()),
                    statusKb(shim.process().pid(), "VmRSS:"));
        } finally {
            if (runtime != null) {
                runtime.destroyForcibly().waitFor();
            }
            shim.stop();
        }
    }

    /** A training run that writes the AOT cache (JDK 25: written when the JVM exits). */
    private void train(Path cache) throws Exception {
        List<String> flags = new ArrayList<>(SMALL_HEAP);
        flags.add("-XX:AOTCacheOutput=" + cache);
        RunningShim shim = launch(new Setup("training", Path.of(System.getProperty("java.home"), "bin", "java"),
                flags, jar), List.of(bootstrap.toString()));
        awaitReady(shim.invokePort(), 200_000);
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
     * Each setup's shim runs as its own process in sidecar mode; this JVM is both the caller and the runtime: a
     * minimal loop on one keep-alive connection ({@code GET /next}, {@code POST /response}). After a warm-up the
     * shims take turns, a block of invocations each, so that a shared machine's drift hits all of them alike.
     */
    private void roundTrips(List<Setup> setups, int count) throws Exception {
        System.out.println();
        System.out.println("== round trip of one invocation, sequential: " + count + " measured per setup after as many"
                + " warm-up ones, the setups taking turns in blocks of " + ROUND_TRIP_BLOCK + "; the shim in sidecar"
                + " mode, caller and loop in this JVM");
        List<LoopedShim> shims = new ArrayList<>();
        try {
            for (Setup setup : setups) {
                shims.add(new LoopedShim(setup, launch(setup, List.of("--runtime-api-port", "0")), 2 * count));
            }
            for (LoopedShim shim : shims) {
                shim.invoke(0, count);
            }
            for (int from = count; from < 2 * count; from += ROUND_TRIP_BLOCK) {
                for (LoopedShim shim : shims) {
                    shim.invoke(from, Math.min(2 * count, from + ROUND_TRIP_BLOCK));
                }
            }
            for (LoopedShim shim : shims) {
                shim.report(count);
            }
        } finally {
            for (LoopedShim shim : shims) {
                shim.stop();
            }
        }
    }

    /** A shim with a minimal runtime loop in this JVM: each invocation's round trip and the loop's own cost. */
    private static final class LoopedShim {
        private final Setup setup;
        private final RunningShim shim;
        private final long[] roundTrip;
        private final long[] loopCost;
        private final Thread loop;
        private final MiniHttp caller;
        private final byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);

        LoopedShim(Setup setup, RunningShim shim, int invocations) throws IOException {
            this.setup = setup;
            this.shim = shim;
            this.roundTrip = new long[invocations];
            this.loopCost = new long[invocations];
            this.loop = Thread.ofPlatform().name("runtime-loop").daemon().start(this::serve);
            this.caller = new MiniHttp(shim.invokePort());
        }

        private void serve() {
            try (MiniHttp runtime = new MiniHttp(shim.runtimeApiPort())) {
                while (true) {
                    MiniHttp.Response event = runtime.get(RUNTIME + "next");
                    long received = System.nanoTime();
                    String id = event.headers().get("lambda-runtime-aws-request-id");
                    runtime.post(RUNTIME + id + "/response", event.body());
                    loopCost[Integer.parseInt(id.substring(2))] = System.nanoTime() - received;
                }
            } catch (IOException | RuntimeException stopped) {
                // The shim was stopped.
            }
        }

        void invoke(int from, int to) throws IOException {
            for (int i = from; i < to; i++) {
                long start = System.nanoTime();
                MiniHttp.Response reply = caller.postWithRequestId(INVOKE, payload, "b-" + i);
                roundTrip[i] = System.nanoTime() - start;
                if (reply.status() != 200) {
                    throw new IllegalStateException(setup.label() + ": invocation " + i + " answered " + reply.status());
                }
            }
        }

        /** Prints the invocations from {@code from} on, and the shim's RSS now. */
        void report(int from) throws IOException {
            long[] measuredTrip = Arrays.copyOfRange(roundTrip, from, roundTrip.length);
            long[] measuredLoop = Arrays.copyOfRange(loopCost, from, loopCost.length);
            long[] overhead = new long[measuredTrip.length];
            for (int i = 0; i < overhead.length; i++) {
                overhead[i] = measuredTrip[i] - measuredLoop[i];
            }
            System.out.println("  " + setup.label());
            ShimBench.report("round trip through the shim", measuredTrip);
            ShimBench.report("the loop's own cost (event in hand to 202 for its response)", measuredLoop);
            ShimBench.report("shim overhead = round trip - loop cost", overhead);
            System.out.printf(Locale.ROOT, "    shim RSS after %d invocations: %.1f MB (peak %.1f MB)%n",
                    roundTrip.length, statusKb(shim.process().pid(), "VmRSS:") / 1024.0,
                    statusKb(shim.process().pid(), "VmHWM:") / 1024.0);
        }

        void stop() throws IOException, InterruptedException {
            caller.close();
            shim.stop();
            loop.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /**
     * The minimal bash runtime writes each request to the Runtime API in several small segments without
     * {@code TCP_NODELAY}; unless the shim acknowledges at once ({@code TCP_QUICKACK}), each later segment waits for
     * the kernel's delayed acknowledgement, about 40 ms. Sequential invocations through the shim as a child process.
     */
    private void smallSegments(Setup setup, int invocations) throws Exception {
        System.out.println();
        System.out.println("== a runtime that writes small segments: the minimal bash runtime over /dev/tcp, "
                + invocations + " sequential invocations after 20 warm-up ones; " + setup.label());
        RunningShim shim = launch(setup, List.of(bootstrap.toString()));
        awaitReady(shim.invokePort(), READY_POLL_NANOS);
        try (MiniHttp caller = new MiniHttp(shim.invokePort())) {
            byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                caller.post(INVOKE, payload);
            }
            long[] times = new long[invocations];
            for (int i = 0; i < invocations; i++) {
                long start = System.nanoTime();
                int status = caller.post(INVOKE, payload).status();
                times[i] = System.nanoTime() - start;
                if (status != 200) {
                    throw new IllegalStateException("invocation " + i + " answered " + status);
                }
            }
            report("round trip through the shim to the bash runtime", times);
        } finally {
            shim.stop();
        }
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "    %-62s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms%n", what,
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

    private RunningShim launch(Setup setup, List<String> shimArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1"));
        args.addAll(shimArgs);
        List<String> command = setup.command(args);
        ProcessBuilder builder = new ProcessBuilder(command)
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

    private static void awaitReady(int port, long pollNanos) {
        while (true) {
            try (MiniHttp probe = new MiniHttp(port)) {
                if (probe.get("/ready").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            LockSupport.parkNanos(pollNanos);
        }
    }

    private static long processCount() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    /** CPU time of the process's threads (those alive: a shim's threads all are until it stops). */
    private static long cpuNanos(long pid) throws IOException {
        long total = 0;
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads.toList()) {
                total += Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ", 2)[0]);
            }
        }
        return total;
    }

    private static long statusKb(long pid, String field) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith(field)).findFirst()
                    .map(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").strip()))
                    .orElseThrow();
        }
    }

    // ---- statistics ------------------------------------------------------------------------------------------

    private static double[] ms(long[] nanos) {
        return Arrays.stream(nanos).mapToDouble(value -> value / 1e6).toArray();
    }

    private static double[] mb(long[] kilobytes) {
        return Arrays.stream(kilobytes).mapToDouble(value -> value / 1024.0).toArray();
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
