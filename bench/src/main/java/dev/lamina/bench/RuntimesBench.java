package dev.lamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hello examples of every runtime local mode runs — bash ({@code provided.al2023}), Java, Node.js and Python — in
 * local mode as users run it, side by side: time from zero environments to the first response (fresh copies, so every
 * sample is a real cold start) with the runtime's init from the REPORT line, and warm invocations per second with
 * {@code --clients} closed-loop callers. With {@code --baseline PATH} (another build's {@code quarkus-run.jar}) both
 * builds run side by side, taking turns at every cold start, so that both see the same machine.
 * Arguments: {@code [--cold-starts 5] [--clients 4] [--seconds 10] [--examples hello-bash,hello-node]
 * [--baseline PATH]}.
 */
public final class RuntimesBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> EXAMPLES = List.of("hello-bash", "hello-java", "hello-node", "hello-python");
    private static final Pattern INIT_DURATION = Pattern.compile("Init Duration: ([0-9.]+) ms");

    private final Path repo = Path.of("").toAbsolutePath();
    private final int coldStarts;
    private final int clients;
    private final int seconds;
    private final List<String> examples;
    private final Path baseline;

    private RuntimesBench(int coldStarts, int clients, int seconds, List<String> examples, Path baseline) {
        this.coldStarts = coldStarts;
        this.clients = clients;
        this.seconds = seconds;
        this.examples = examples;
        this.baseline = baseline;
    }

    public static void main(String... args) throws Exception {
        int coldStarts = 5;
        int clients = 4;
        int seconds = 10;
        List<String> examples = EXAMPLES;
        Path baseline = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--cold-starts" -> coldStarts = Integer.parseInt(value);
                case "--clients" -> clients = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--examples" -> examples = List.of(value.split(","));
                case "--baseline" -> baseline = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!EXAMPLES.containsAll(examples)) {
            throw new IllegalArgumentException("--examples takes some of " + String.join(",", EXAMPLES));
        }
        new RuntimesBench(coldStarts, clients, seconds, examples, baseline).run();
        System.exit(0);
    }

    /** One build's gateway, on a directory of its own. */
    private record Build(String name, LocalGateway gateway, Path dir) {
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "RuntimesBench: %d processors, load average %.2f, %d cold starts, %d clients"
                        + " for %d s%s%n", Runtime.getRuntime().availableProcessors(), loadAverage(), coldStarts,
                clients, seconds, baseline == null ? "" : ", baseline " + baseline);
        Map<String, Path> apps = new LinkedHashMap<>();
        apps.put("this build", repo.resolve("operator/target/quarkus-app/quarkus-run.jar"));
        if (baseline != null) {
            apps.put("baseline", baseline);
        }
        List<Build> builds = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            for (Map.Entry<String, Path> app : apps.entrySet()) {
                Path dir = Files.createTempDirectory("lamina-runtimes-bench");
                writeFunctions(dir);
                builds.add(new Build(app.getKey(), LocalGateway.startBuild(app.getValue(), dir), dir));
            }
            for (Build build : builds) {
                WarmFunctions.awaitStarted(build.gateway());
            }
            System.out.println();
            System.out.printf("%-14s %-11s %34s %24s %20s%n", "example", "build", "zero to first response, ms",
                    "runtime init (REPORT), ms", "warm invocations/s");
            for (String example : examples) {
                double load = loadAverage();
                double[][] cold = new double[builds.size()][coldStarts];
                double[][] init = new double[builds.size()][coldStarts];
                for (int i = 1; i <= coldStarts; i++) {
                    // Turns: each build goes first in every other round.
                    for (int turn = 0; turn < builds.size(); turn++) {
                        int b = (turn + i) % builds.size();
                        long start = System.nanoTime();
                        String log = invoke(http, builds.get(b).gateway(), example + "-" + i, true);
                        cold[b][i - 1] = (System.nanoTime() - start) / 1e6;
                        Matcher m = INIT_DURATION.matcher(log);
                        init[b][i - 1] = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
                    }
                }
                for (int b = 0; b < builds.size(); b++) {
                    double rate = warm(http, builds.get(b).gateway(), example + "-warm");
                    Arrays.sort(cold[b]);
                    Arrays.sort(init[b]);
                    System.out.printf(Locale.ROOT, "%-14s %-11s %12.1f (min %6.1f, max %6.1f) %24.1f %20.0f%n",
                            example, builds.get(b).name(), cold[b][coldStarts / 2], cold[b][0],
                            cold[b][coldStarts - 1], init[b][coldStarts / 2], rate);
                }
                System.out.printf(Locale.ROOT, "%-14s load average %.2f before, %.2f after%n", "", load,
                        loadAverage());
            }
        } finally {
            for (Build build : builds) {
                build.gateway().close();
                LocalGateway.delete(build.dir());
            }
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Invocations per second of {@code clients} callers in a closed loop, after as long again to warm up. */
    private double warm(HttpClient http, LocalGateway gateway, String function) throws Exception {
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                callers.submit(() -> {
                    while (running.get()) {
                        invoke(http, gateway, function, false);
                        if (counting.get()) {
                            done.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            counting.set(true);
            long start = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds));
            long counted = done.get();
            double elapsed = (System.nanoTime() - start) / 1e9;
            running.set(false);
            return counted / elapsed;
        }
    }

    /** Invokes once; returns the invocation's log (with its REPORT line) when asked for its tail, else "". */
    private static String invoke(HttpClient http, LocalGateway gateway, String function, boolean tail)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/2015-03-31/functions/" + function + "/invocations"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}"));
        if (tail) {
            request.header("X-Amz-Log-Type", "Tail");
        }
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200 || answer.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(function + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.headers().firstValue("X-Amz-Log-Result")
                .map(log -> new String(Base64.getDecoder().decode(log), StandardCharsets.UTF_8)).orElse("");
    }

    /** Every example's ConfigMaps once, and its Function as cold-start copies and a warm copy. */
    private void writeFunctions(Path dir) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        for (String example : examples) {
            Path folder = repo.resolve("examples").resolve(example);
            for (JsonNode document : WarmFunctions.YAML.readerFor(JsonNode.class)
                    .<JsonNode>readValues(folder.resolve("function.yaml").toFile()).readAll()) {
                if (!"Function".equals(document.path("kind").asText())) {
                    documents.add(document);
                    continue;
                }
                JsonNode code = document.path("spec").path("code");
                if (code.has("path")) {
                    Path path = folder.resolve(code.path("path").asText()).normalize();
                    if (!Files.exists(path)) {
                        throw new IllegalStateException(path + " is missing: build first (see bench/README.md)");
                    }
                    ((ObjectNode) code).put("path", path.toString());
                }
                for (int i = 1; i <= coldStarts; i++) {
                    documents.add(renamed(document, example + "-" + i));
                }
                documents.add(renamed(document, example + "-warm"));
            }
        }
        WarmFunctions.writeYaml(dir.resolve("functions.yaml"), documents);
    }

    private static JsonNode renamed(JsonNode function, String name) {
        ObjectNode copy = function.deepCopy();
        ((ObjectNode) copy.path("metadata")).put("name", name);
        ((ObjectNode) copy.path("spec")).remove(List.of("publish", "url"));
        return copy;
    }
}
