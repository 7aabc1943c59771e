package dev.lamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's cost and capacity, measured against local mode exactly as users run it
 * ({@code java -jar operator/target/quarkus-app/quarkus-run.jar local DIR}, a separate process):
 * <ol>
 *   <li>time from zero environments to the first response, for the bash and the Java example (fresh copies of each,
 *   so every sample is a real cold start), with the runtime's own init time from the REPORT line;</li>
 *   <li>latency of a no-op Java function at a fixed request rate, through the gateway and straight to a runtime shim
 *   (embedded in this process) running the same function: the difference is what the gateway adds;</li>
 *   <li>throughput at saturation (closed loop, one connection per warm environment), through the gateway and straight
 *   to shims, with the CPU time each process spent per invocation (where the time goes), for the no-op Java handler
 *   and for the cheapest runtime possible ({@link LoopRuntime}).</li>
 * </ol>
 * Arguments: {@code [--rate N] [--seconds N] [--environments N] [--cold-starts N]}.
 */
public final class GatewayBench {

    private static final String NOOP_HANDLER = "dev.lamina.bench.NoopHandler::handleRequest";
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Buffer EVENT = Buffer.buffer("{}");
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    private static final Duration READY_LIMIT = Duration.ofSeconds(120);
    private static final Pattern INIT_DURATION = Pattern.compile("Init Duration: ([0-9.]+) ms");

    private record Settings(int rate, int seconds, int environments, int coldStarts) {
        static Settings parse(String... args) {
            int rate = 200;
            int seconds = 10;
            int environments = 4;
            int coldStarts = 5;
            for (int i = 0; i + 1 < args.length; i += 2) {
                int value = Integer.parseInt(args[i + 1]);
                switch (args[i]) {
                    case "--rate" -> rate = value;
                    case "--seconds" -> seconds = value;
                    case "--environments" -> environments = value;
                    case "--cold-starts" -> coldStarts = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Settings(rate, seconds, environments, coldStarts);
        }
    }

    /** One HTTP target: where to POST the no-op event. */
    private record Target(String host, int port, String uri) {
    }

    private final Settings settings;
    private final Path repo;
    private final Path work;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client = vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(512));
    /** Set once started; the shutdown hook reads it from its own thread. */
    private volatile LocalGateway gateway;

    private GatewayBench(Settings settings) throws IOException {
        this.settings = settings;
        this.repo = findRepository();
        this.work = Files.createTempDirectory("lamina-gateway-bench-");
    }

    public static void main(String... args) throws Exception {
        GatewayBench bench = new GatewayBench(Settings.parse(args));
        // Stopped from outside (Ctrl-C), the benchmark still stops the gateway it started.
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopGateway));
        try {
            bench.run();
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "GatewayBench: %d processors, Java %s, load average %s, %s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage(), settings);
        writeFunctions();
        startGateway();

        System.out.println();
        System.out.println("Zero environments to first response, through the gateway (wall clock; runtime init from"
                + " the REPORT line):");
        coldStarts("hello-bash");
        coldStarts("hello-java");

        System.out.println();
        System.out.printf(Locale.ROOT, "Latency of a no-op Java function at %d requests/s for %d s, one warm"
                + " environment (microseconds):%n", settings.rate(), settings.seconds());
        gateway.awaitReady("noop-1", 1, READY_LIMIT);
        Target viaGateway = new Target("127.0.0.1", gateway.port(), "/2015-03-31/functions/noop-1:warm/invocations");
        try (Shim shim = Shim.start(noopShim())) {
            shim.readyFuture().get(60, TimeUnit.SECONDS);
            Target direct = new Target("127.0.0.1", shim.invokeAddress().getPort(),
                    "/2015-03-31/functions/noop/invocations");
            // Both JVMs compile their hot paths first: C2 keeps working for tens of seconds after a start.
            closedLoop(List.of(direct), WARM_UP);
            closedLoop(List.of(viaGateway), WARM_UP);
            long[] straight = fixedRate(direct);
            long[] through = fixedRate(viaGateway);
            printLatency("straight to the shim", straight);
            printLatency("through the gateway", through);
            System.out.printf(Locale.ROOT, "  gateway adds: p50 %+.0f us, p99 %+.0f us%n",
                    (percentile(through, 50) - percentile(straight, 50)) / 1e3,
                    (percentile(through, 99) - percentile(straight, 99)) / 1e3);
        }

        int n = settings.environments();
        System.out.println();
        System.out.printf(Locale.ROOT, "Throughput at saturation: %d warm environments, %d connections, %d s (closed"
                + " loop):%n", n, n, settings.seconds());
        throughput("no-op Java handler under the AWS runtime interface client", "noop-n", this::noopShim);
        throughput("no-op runtime loop (LoopRuntime: GET /next, POST /response)", "loop-n",
                () -> WarmFunctions.loopShim(work));
        System.out.println();
        System.out.println("Load average at the end: " + loadAverage());
    }

    /** One function at saturation, through the gateway and straight to as many shims embedded in this process. */
    private void throughput(String what, String function, Supplier<ShimConfig> shimConfig) throws Exception {
        int n = settings.environments();
        System.out.println("  " + what + ":");
        gateway.awaitReady(function, n, READY_LIMIT);
        List<Shim> shims = new ArrayList<>();
        try {
            List<Target> direct = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // One at a time: the runtime client copies its native library to one file in /tmp as it starts.
                Shim shim = Shim.start(shimConfig.get());
                shims.add(shim);
                shim.readyFuture().get(60, TimeUnit.SECONDS);
                direct.add(new Target("127.0.0.1", shim.invokeAddress().getPort(),
                        "/2015-03-31/functions/" + function + "/invocations"));
            }
            List<Target> through = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                through.add(new Target("127.0.0.1", gateway.port(),
                        "/2015-03-31/functions/" + function + ":warm/invocations"));
            }
            closedLoop(direct, WARM_UP);
            Saturation straight = saturate(direct, List.of());
            closedLoop(through, WARM_UP);
            Saturation gatewayRun = saturate(through, List.of(gateway.process().toHandle()));
            straight.print("straight to the shims (embedded in the benchmark process)");
            gatewayRun.print("through the gateway");
        } finally {
            shims.forEach(Shim::close);
        }
    }

    /** The 1, 5 and 15 minute load averages: numbers taken on a busy machine mean little. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---- functions ----------------------------------------------------------------------------------------------

    /** Copies of the examples (each copy starts from zero environments) and the no-op function, in one directory. */
    private void writeFunctions() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        List<JsonNode> bash = readYaml(repo.resolve("examples/hello-bash/function.yaml"));
        documents.add(bash.get(0));
        JsonNode bashFunction = bash.get(1);
        Path jar = repo.resolve("examples/hello-java/target/hello-java.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (see bench/README.md)");
        }
        JsonNode javaFunction = readYaml(repo.resolve("examples/hello-java/function.yaml")).get(0);
        ((ObjectNode) javaFunction.path("spec").path("code")).put("path", jar.toString());
        for (int i = 1; i <= settings.coldStarts(); i++) {
            documents.add(renamed(bashFunction, "hello-bash-" + i));
            documents.add(renamed(javaFunction, "hello-java-" + i));
        }
        Path noop = work.resolve("noop");
        Path handler = noop.resolve("dev/lamina/bench/NoopHandler.class");
        Files.createDirectories(handler.getParent());
        try (InputStream in = GatewayBench.class.getResourceAsStream("NoopHandler.class")) {
            Files.copy(in, handler);
        }
        documents.addAll(noopFunction("noop-1", 1));
        documents.addAll(noopFunction("noop-n", settings.environments()));
        WarmFunctions.writeLoopCode(work);
        documents.addAll(WarmFunctions.loop("loop-n", settings.environments()));
        WarmFunctions.writeYaml(work.resolve("functions.yaml"), documents);
    }

    private List<JsonNode> noopFunction(String name, int provisioned) {
        return WarmFunctions.published(name, "java21", NOOP_HANDLER, "noop", provisioned);
    }

    private static JsonNode renamed(JsonNode function, String name) {
        ObjectNode copy = function.deepCopy();
        ((ObjectNode) copy.path("metadata")).put("name", name);
        ((ObjectNode) copy.path("spec")).remove("publish");
        return copy;
    }

    private static List<JsonNode> readYaml(Path file) throws IOException {
        return WarmFunctions.YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll();
    }

    /** The no-op function as a shim in this process runs it: the same command local mode uses for java21. */
    private ShimConfig noopShim() {
        Path ric = repo.resolve("operator/target/lambda-runtime/java");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path code = work.resolve("noop");
        return ShimConfig.builder()
                .functionName("noop")
                .memoryMb(512)
                .timeout(Duration.ofSeconds(3))
                .handler(NOOP_HANDLER)
                .runtimeCommand(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Xshare:auto", "--enable-native-access=ALL-UNNAMED", "-Xmx435m",
                        "-cp", code + ":" + ric + "/*", RIC_MAIN, NOOP_HANDLER)
                .workingDirectory(code)
                .logSink(line -> { })
                .build();
    }

    // ---- the gateway process ------------------------------------------------------------------------------------

    private void startGateway() throws Exception {
        gateway = LocalGateway.start(repo, work, "--add-opens", "java.base/java.lang=ALL-UNNAMED");
        WarmFunctions.awaitStarted(gateway);
    }

    // ---- measurements -------------------------------------------------------------------------------------------

    private void coldStarts(String example) throws Exception {
        long[] wall = new long[settings.coldStarts()];
        double[] init = new double[settings.coldStarts()];
        for (int i = 1; i <= settings.coldStarts(); i++) {
            Target target = new Target("127.0.0.1", gateway.port(),
                    "/2015-03-31/functions/" + example + "-" + i + "/invocations");
            long start = System.nanoTime();
            Reply reply = send(target, true).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            wall[i - 1] = System.nanoTime() - start;
            if (reply.status() != 200 || reply.functionError()) {
                throw new IllegalStateException(example + "-" + i + " answered " + reply.status());
            }
            Matcher m = INIT_DURATION.matcher(reply.log());
            init[i - 1] = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        }
        long[] sorted = wall.clone();
        Arrays.sort(sorted);
        double[] initSorted = init.clone();
        Arrays.sort(initSorted);
        System.out.printf(Locale.ROOT, "  %-10s median %6.1f ms (min %.1f, max %.1f) over %d cold starts;"
                        + " runtime init median %.1f ms%n", example, sorted[sorted.length / 2] / 1e6,
                sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6, sorted.length, initSorted[initSorted.length / 2]);
    }

    /** Open loop: requests leave at fixed times; latency counts from the planned time (no coordinated omission). */
    private long[] fixedRate(Target target) throws InterruptedException {
        int total = settings.rate() * settings.seconds();
        long interval = TimeUnit.SECONDS.toNanos(1) / settings.rate();
        long[] latencies = new long[total];
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < total; i++) {
            long planned = start + i * interval;
            long wait = planned - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            send(target, false).onComplete(r -> {
                latencies[index] = System.nanoTime() - planned;
                if (r.failed() || r.result().status() != 200 || r.result().functionError()) {
                    failures.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(settings.seconds() + 60L, TimeUnit.SECONDS)) {
            System.out.println("  ! " + done.getCount() + " of " + total + " requests never completed");
        }
        if (failures.get() > 0) {
            System.out.println("  ! " + failures.get() + " of " + total + " requests failed");
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /** Closed loop: each connection sends its next request when the previous one is answered. */
    private long closedLoop(List<Target> targets, Duration duration) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong completed = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(targets.size());
        for (Target target : targets) {
            loop(target, running, completed, stopped);
        }
        Thread.sleep(duration.toMillis());
        running.set(false);
        if (!stopped.await(60, TimeUnit.SECONDS)) {
            System.out.println("  ! " + stopped.getCount() + " connections never got their last answer");
        }
        return completed.get();
    }

    private void loop(Target target, AtomicBoolean running, AtomicLong completed, CountDownLatch stopped) {
        send(target, false).onComplete(r -> {
            completed.incrementAndGet();
            if (running.get()) {
                loop(target, running, completed, stopped);
            } else {
                stopped.countDown();
            }
        });
    }

    private record Saturation(double perSecond, Map<String, Double> cpuMicrosPerInvocation) {
        void print(String how) {
            StringBuilder cpu = new StringBuilder();
            cpuMicrosPerInvocation.forEach((who, us) -> cpu.append(String.format(Locale.ROOT, ", %s %.0f", who, us)));
            System.out.printf(Locale.ROOT, "  %-60s %,8.0f invocations/s; CPU us per invocation:%s%n", how,
                    perSecond, cpu);
        }
    }

    /** A closed-loop run, with the CPU time the benchmark, the gateway and the runtimes spent in it. */
    private Saturation saturate(List<Target> targets, List<ProcessHandle> gateways) throws InterruptedException {
        List<ProcessHandle> runtimes = new ArrayList<>();
        (gateways.isEmpty() ? List.of(ProcessHandle.current()) : gateways)
                .forEach(p -> p.descendants().forEach(runtimes::add));
        long benchBefore = cpu(List.of(ProcessHandle.current()));
        long gatewayBefore = cpu(gateways);
        long runtimesBefore = cpu(runtimes);
        long start = System.nanoTime();
        long completed = closedLoop(targets, Duration.ofSeconds(settings.seconds()));
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put(gateways.isEmpty() ? "benchmark+shims" : "benchmark",
                (cpu(List.of(ProcessHandle.current())) - benchBefore) / 1e3 / completed);
        if (!gateways.isEmpty()) {
            cpu.put("gateway+shims", (cpu(gateways) - gatewayBefore) / 1e3 / completed);
        }
        cpu.put("runtimes", (cpu(runtimes) - runtimesBefore) / 1e3 / completed);
        return new Saturation(completed / seconds, cpu);
    }

    private static long cpu(List<ProcessHandle> processes) {
        long total = 0;
        for (ProcessHandle p : processes) {
            total += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return total;
    }

    private record Reply(int status, boolean functionError, String log) {
    }

    /** Vert.x's client must be driven from its own threads: called from another, it can lose requests under load. */
    private Future<Reply> send(Target target, boolean tail) {
        if (Context.isOnEventLoopThread()) {
            return sendHere(target, tail);
        }
        Promise<Reply> reply = Promise.promise();
        vertx.runOnContext(v -> sendHere(target, tail).onComplete(reply));
        return reply.future();
    }

    private Future<Reply> sendHere(Target target, boolean tail) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
                .setPort(target.port()).setURI(target.uri()).setIdleTimeout(30_000);
        if (tail) {
            options.putHeader("X-Amz-Log-Type", "Tail");
        }
        return client.request(options).compose(request -> request.send(EVENT)).compose(response -> {
            String log = response.getHeader("X-Amz-Log-Result");
            boolean error = response.getHeader("X-Amz-Function-Error") != null;
            return response.body().map(body -> new Reply(response.statusCode(), error,
                    log == null ? "" : new String(Base64.getDecoder().decode(log), StandardCharsets.UTF_8)));
        });
    }

    private static void printLatency(String how, long[] sorted) {
        System.out.printf(Locale.ROOT, "  %-22s p50 %6.0f   p90 %6.0f   p99 %6.0f   max %7.0f%n", how,
                percentile(sorted, 50) / 1e3, percentile(sorted, 90) / 1e3, percentile(sorted, 99) / 1e3,
                sorted[sorted.length - 1] / 1e3);
    }

    static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    // ---- housekeeping -------------------------------------------------------------------------------------------

    private void close() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        stopGateway();
        LocalGateway.delete(work);
    }

    private void stopGateway() {
        LocalGateway started = gateway;
        if (started != null) {
            started.close();
        }
    }


    static Path findRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("operator"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run the benchmarks inside the Lamina repository");
    }
}
