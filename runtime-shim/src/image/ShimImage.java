import dev.lamina.shim.ShimContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Stages what the lamina-shim image runs (a build step of runtime-shim/pom.xml, after the jar is shaded):
 * <pre>
 * OUTPUT/jre/              a runtime jlinked from this JDK
 * OUTPUT/lamina-shim.jar   the shaded jar
 * OUTPUT/jvm.options       the image's JVM flags (a java @argfile)
 * OUTPUT/lamina-shim.aot   the JDK AOT cache of a training run of exactly these three
 * </pre>
 * A JVM uses an AOT cache only if it is the JVM build that wrote it, with the same {@code lib/modules}: a base image's
 * JRE, even of the same JDK build, refuses it. So the image ships the runtime that trained the cache.
 * <p>
 * Usage (the shim jar on the class path): {@code java ShimImage.java JAR JVM_OPTIONS BOOTSTRAP OUTPUT}
 */
public final class ShimImage {

    /**
     * What the shaded jar needs ({@code jdeps --print-module-deps}; jdk.net for TCP_QUICKACK); Netty looks for
     * java.management only by reflection.
     */
    private static final String MODULES = "java.base,java.logging,jdk.net,jdk.unsupported";
    /** The image's default heap (its JAVA_TOOL_OPTIONS), which the pod template may raise. */
    private static final List<String> HEAP = List.of("-Xms8m", "-Xmx32m");
    private static final int INVOCATIONS = 20;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile(
            "lamina-shim: invoke endpoint http://127\\.0\\.0\\.1:(\\d+)/\\S+, Runtime API 127\\.0\\.0\\.1:(\\d+).*");

    private final Path output;
    private final Path java;
    private final Path jar;
    private final Path options;
    private final Path cache;

    private ShimImage(Path output) {
        this.output = output;
        this.java = output.resolve("jre/bin/java");
        this.jar = output.resolve("lamina-shim.jar");
        this.options = output.resolve("jvm.options");
        this.cache = output.resolve("lamina-shim.aot");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: java ShimImage.java JAR JVM_OPTIONS BOOTSTRAP OUTPUT");
        }
        if (Runtime.version().feature() < 25) {
            throw new IllegalStateException("the shim image's AOT cache needs JDK 25 or newer; this is "
                    + Runtime.version());
        }
        long start = System.nanoTime();
        ShimImage image = new ShimImage(Path.of(args[3]).toAbsolutePath());
        image.link();
        Files.copy(Path.of(args[0]), image.jar, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of(args[1]), image.options, StandardCopyOption.REPLACE_EXISTING);
        image.train(Path.of(args[2]));
        image.check();
        System.out.printf("shim image staged in %s: AOT cache %.1f MB, %.1f s%n", image.output,
                Files.size(image.cache) / 1e6, (System.nanoTime() - start) / 1e9);
    }

    /** jlink, unless the runtime there was linked from this JDK with these modules already. */
    private void link() throws IOException {
        Path runtime = output.resolve("jre");
        Path release = runtime.resolve("release");
        String version = "JAVA_RUNTIME_VERSION=\"" + Runtime.version() + "\"";
        String modules = "MODULES=\"" + MODULES.replace(',', ' ') + "\"";
        if (Files.exists(release)) {
            List<String> lines = Files.readAllLines(release);
            if (lines.contains(version) && lines.contains(modules)) {
                return;
            }
        }
        deleteTree(runtime);
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("this JDK has no jlink"));
        int status = jlink.run(System.out, System.err, "--add-modules", MODULES, "--strip-debug", "--no-man-pages",
                "--no-header-files", "--output", runtime.toString());
        if (status != 0) {
            throw new IllegalStateException("jlink failed (" + status + "): a JDK 25 links a runtime from its jmods, "
                    + "or from itself when built with --enable-linkable-runtime");
        }
    }

    /**
     * Runs the shim as the image does, in sidecar mode, with a runtime beside it started once the shim listens (as
     * the kubelet starts the function container after the startup probe); probes and invokes it as the kubelet and
     * the gateway do; stops it, and the JVM writes the cache as it exits.
     */
    private void train(Path bootstrap) throws Exception {
        Files.deleteIfExists(cache);
        List<String> command = new ArrayList<>(List.of(java.toString(), "@" + options));
        command.addAll(HEAP);
        // The cache keeps no method profiles: with C1 alone they only make the JVM compile at start what it would
        // compile later anyway, which costs CPU and memory before the first invocation.
        command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
                "-XX:AOTCacheOutput=" + cache, "-jar", jar.toString(),
                "--host", "127.0.0.1", "--port", "0", "--runtime-api-port", "0"));
        // Its stdout is the function log (START, END, REPORT) and the JVM's notes on what it leaves out of the cache.
        ProcessBuilder shimBuilder = new ProcessBuilder(command).directory(output.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        shimBuilder.environment().remove("JAVA_TOOL_OPTIONS");
        Process shim = shimBuilder.start();
        Process runtime = null;
        try {
            Matcher ports = awaitListening(shim);
            int invokePort = Integer.parseInt(ports.group(1));
            ProcessBuilder runtimeBuilder = new ProcessBuilder("bash", bootstrap.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT);
            runtimeBuilder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + ports.group(2));
            runtime = runtimeBuilder.start();
            exercise(invokePort);
            shim.destroy();
            runtime.destroy();
            if (!shim.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || !Files.exists(cache)) {
                throw new IllegalStateException("the training run wrote no AOT cache at " + cache);
            }
        } finally {
            shim.destroyForcibly();
            if (runtime != null) {
                runtime.destroyForcibly();
            }
        }
    }

    private static Matcher awaitListening(Process shim) throws Exception {
        BufferedReader messages = new BufferedReader(new InputStreamReader(shim.getErrorStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Matcher> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line = messages.readLine(); line != null; line = messages.readLine()) {
                    Matcher ports = LISTENING.matcher(line);
                    if (ports.matches()) {
                        listening.complete(ports);
                    }
                    System.err.println("training: " + line);
                }
                listening.completeExceptionally(new IllegalStateException("the shim exited before listening"));
            } catch (IOException closed) {
                listening.completeExceptionally(new UncheckedIOException(closed));
            }
        });
        return listening.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    private static void exercise(int port) throws Exception {
        URI base = URI.create("http://127.0.0.1:" + port);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (send(http, get(base.resolve(ShimContract.READY_PATH))) != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the shim was not ready within " + PATIENCE);
                }
                Thread.sleep(10);
            }
            for (int i = 0; i < INVOCATIONS; i++) {
                HttpRequest.Builder invoke = HttpRequest.newBuilder(base.resolve(ShimContract.invokePath("function")))
                        .timeout(Duration.ofSeconds(10))
                        .header(ShimContract.LAMINA_REQUEST_ID, "training-" + i)
                        .header(ShimContract.LAMINA_INVOKED_FUNCTION_ARN,
                                "arn:aws:lambda:us-east-1:000000000000:function:function")
                        .header(ShimContract.TRACE_ID, ShimContract.newTraceId())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"training\":" + i + "}"));
                if (i % 2 == 0) {
                    invoke.header(ShimContract.LOG_TYPE, ShimContract.TAIL);
                }
                int status = send(http, invoke.build());
                if (status != 200) {
                    throw new IllegalStateException("training invocation " + i + " answered " + status);
                }
            }
            send(http, get(base.resolve(ShimContract.STATE_PATH)));
            send(http, get(base.resolve("/metrics")));
        }
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    }

    /** The status; 0 when the connection failed. */
    private static int send(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return 0;
        }
    }

    /** The staged runtime uses the cache with the image's flags ({@code AOTMode=on} fails when it cannot). */
    private void check() throws Exception {
        ProcessBuilder helpBuilder = new ProcessBuilder(java.toString(), "@" + options, "-XX:AOTCache=" + cache,
                "-XX:AOTMode=on", "-Xlog:disable", "-Xlog:aot=warning:stderr", "-jar", jar.toString(), "--help")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT);
        helpBuilder.environment().remove("JAVA_TOOL_OPTIONS");
        Process help = helpBuilder.start();
        if (!help.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || help.exitValue() != 0) {
            help.destroyForcibly();
            throw new IllegalStateException("the staged runtime does not use the AOT cache " + cache);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
