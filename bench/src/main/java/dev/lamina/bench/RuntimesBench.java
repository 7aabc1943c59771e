package dev.lamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hello examples of every runtime local mode runs — bash ({@code provided.al2023}), Java, Node.js and Python — in
 * local mode as users run it, side by side: time from zero environments to the first response (fresh copies, so every
 * sample is a real cold start), and warm invocations per second with {@code --clients} closed-loop callers.
 * Arguments: {@code [--cold-starts 5] [--clients 4] [--seconds 10]}.
 */
public final class RuntimesBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> EXAMPLES = List.of("hello-bash", "hello-java", "hello-node", "hello-python");

    private final Path repo = Path.of("").toAbsolutePath();
    private final int coldStarts;
    private final int clients;
    private final int seconds;

    private RuntimesBench(int coldStarts, int clients, int seconds) {
        this.coldStarts = coldStarts;
        this.clients = clients;
        this.seconds = seconds;
    }

    public static void main(String... args) throws Exception {
        int coldStarts = 5;
        int clients = 4;
        int seconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--cold-starts" -> coldStarts = value;
                case "--clients" -> clients = value;
                case "--seconds" -> seconds = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new RuntimesBench(coldStarts, clients, seconds).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "RuntimesBench: %d processors, load average %.2f, %d cold starts, %d clients"
                        + " for %d s%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), coldStarts, clients, seconds);
        Path dir = Files.createTempDirectory("lamina-runtimes-bench");
        writeFunctions(dir);
        try (LocalGateway gateway = LocalGateway.start(repo, dir);
             HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            WarmFunctions.awaitStarted(gateway);
            System.out.println();
            System.out.printf("%-14s %28s %22s%n", "example", "zero to first response, ms", "warm invocations/s");
            for (String example : EXAMPLES) {
                double[] cold = new double[coldStarts];
                for (int i = 1; i <= coldStarts; i++) {
                    long start = System.nanoTime();
                    invoke(http, gateway, example + "-" + i);
                    cold[i - 1] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(cold);
                double rate = warm(http, gateway, example + "-warm");
                System.out.printf(Locale.ROOT, "%-14s %12.1f (min %.1f, max %.1f) %14.0f%n", example,
                        cold[cold.length / 2], cold[0], cold[cold.length - 1], rate);
            }
        } finally {
            LocalGateway.delete(dir);
        }
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
                        invoke(http, gateway, function);
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

    private static void invoke(HttpClient http, LocalGateway gateway, String function)
            throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.port() + "/2015-03-31/functions/" + function + "/invocations"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200 || answer.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new IllegalStateException(function + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** Every example's ConfigMaps once, and its Function as cold-start copies and a warm copy. */
    private void writeFunctions(Path dir) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        for (String example : EXAMPLES) {
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
