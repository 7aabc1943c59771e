package dev.lamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Function URLs against the Invoke API, in local mode as users run it (a separate process):
 * <ol>
 *   <li><b>the event mapping's cost</b>: the same warm function (the cheapest runtime, {@link LoopRuntime}) called
 *   through its Function URL (a GET becomes a payload 2.0 event; the answer {@code {}} is mapped back to a 200) and
 *   through the Invoke API, closed loop over keep-alive connections, alternating A/B/A/B; invocations/s, mean
 *   latency and their ratio;</li>
 *   <li><b>time to first byte</b> of a function that streams 10 chunks 100 ms apart (the tests' {@code ticker}):
 *   through its {@code RESPONSE_STREAM} URL, where the first chunk should arrive at once, and through the Invoke API,
 *   which collects the stream as Lambda's Invoke does; median over 5 calls, with the time to the last byte.</li>
 * </ol>
 * Arguments: {@code [--seconds N] [--connections N] [--environments N]}.
 */
public final class FunctionUrlBench {

    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TICKS = "{\"chunks\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"],"
            + " \"pause\": 0.1}";

    private final int seconds;
    private final int connections;
    private final int environments;
    private final Path repo = Path.of("").toAbsolutePath();
    private final Path work = Files.createTempDirectory("lamina-url-bench-");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(TIMEOUT).build();
    private LocalGateway gateway;
    private URI base;

    private FunctionUrlBench(int seconds, int connections, int environments) throws IOException {
        this.seconds = seconds;
        this.connections = connections;
        this.environments = environments;
    }

    public static void main(String... args) throws Exception {
        int seconds = 10;
        int connections = 16;
        int environments = 4;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int value = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--seconds" -> seconds = value;
                case "--connections" -> connections = value;
                case "--environments" -> environments = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FunctionUrlBench bench = new FunctionUrlBench(seconds, connections, environments);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stop));
        try {
            bench.run();
        } finally {
            bench.stop();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "FunctionUrlBench: %d processors, Java %s, load average %s, %d s per run,"
                        + " %d connections, %d environments%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), GatewayBench.loadAverage(), seconds, connections, environments);
        writeFunctions();
        startGateway();
        URI invoke = base.resolve("/2015-03-31/functions/loop/invocations?Qualifier=warm");
        URI url = URI.create(urlOf("loop", "warm"));
        closedLoop(invoke, true, 3);
        closedLoop(url, false, 3);
        double[][] rates = new double[2][2];
        for (int round = 0; round < 2; round++) {
            rates[0][round] = closedLoop(invoke, true, seconds);
            rates[1][round] = closedLoop(url, false, seconds);
        }
        double invokeRate = (rates[0][0] + rates[0][1]) / 2;
        double urlRate = (rates[1][0] + rates[1][1]) / 2;
        System.out.printf(Locale.ROOT, "event mapping: Invoke API %.0f inv/s (%.3f ms mean), Function URL %.0f inv/s"
                        + " (%.3f ms mean): URL/Invoke throughput %.2f%n", invokeRate, connections * 1000 / invokeRate,
                urlRate, connections * 1000 / urlRate, urlRate / invokeRate);

        URI streamed = URI.create(urlOf("ticker", null));
        URI collected = base.resolve("/2015-03-31/functions/ticker/invocations");
        firstBytes(streamed, TICKS, "streamed Function URL");
        // The Invoke API hands the payload over as it is: the function reads the request from its body field.
        firstBytes(collected, JSON.createObjectNode().put("body", TICKS).toString(), "Invoke API (collected)");
    }

    /** Invocations per second over {@code seconds}, each connection sending its next request when answered. */
    private double closedLoop(URI target, boolean post, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                HttpRequest request = (post ? HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers
                        .ofString("{}")) : HttpRequest.newBuilder(target).GET()).timeout(TIMEOUT).build();
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(target + " answered " + response.statusCode());
                        }
                        done.incrementAndGet();
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private void firstBytes(URI target, String payload, String label) throws Exception {
        int runs = 5;
        long[] first = new long[runs];
        long[] last = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                body.read();
                first[i] = System.nanoTime() - start;
                body.readAllBytes();
                last[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(first);
        Arrays.sort(last);
        System.out.printf(Locale.ROOT, "10 chunks 100 ms apart, %-24s first byte %6.0f ms, last byte %6.0f ms"
                + " (medians of %d)%n", label + ":", first[runs / 2] / 1e6, last[runs / 2] / 1e6, runs);
    }

    // ---- functions and the gateway ------------------------------------------------------------------------------

    /** The loop runtime with a URL on its provisioned alias, and the tests' streaming function. */
    private void writeFunctions() throws IOException {
        LoopRuntime.writeCode(work.resolve("loop"));
        ObjectNode function = YAML.createObjectNode();
        function.put("apiVersion", "lamina.dev/v1alpha1").put("kind", "Function");
        function.putObject("metadata").put("name", "loop");
        function.putObject("spec").put("runtime", "provided.al2023").put("handler", "loop").put("publish", true)
                .putObject("code").put("path", "loop");
        ObjectNode alias = YAML.createObjectNode();
        alias.put("apiVersion", "lamina.dev/v1alpha1").put("kind", "Alias");
        alias.putObject("metadata").put("name", "loop-warm");
        ObjectNode spec = alias.putObject("spec").put("function", "loop").put("name", "warm")
                .put("functionVersion", "1").put("provisionedConcurrency", environments);
        spec.putObject("url");
        try (OutputStream out = Files.newOutputStream(work.resolve("loop.yaml"))) {
            for (JsonNode d : List.of(function, alias)) {
                out.write("---\n".getBytes(StandardCharsets.UTF_8));
                out.write(YAML.writeValueAsBytes(d));
            }
        }
        Path ticker = repo.resolve("operator/src/test/resources/local-urls/ticker.yaml");
        if (!Files.isRegularFile(ticker)) {
            throw new IllegalStateException(ticker + " is missing: run from the repository's root");
        }
        Files.copy(ticker, work.resolve("ticker.yaml"));
    }

    private void startGateway() throws Exception {
        gateway = LocalGateway.start(repo, work);
        base = URI.create("http://127.0.0.1:" + gateway.port());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (get("/2015-03-31/functions/loop/aliases/warm").statusCode() == 200
                        && invokes("/2015-03-31/functions/loop/invocations?Qualifier=warm")) {
                    return;
                }
            } catch (IOException notYet) {
                if (!gateway.process().isAlive()) {
                    throw gateway.failure("stopped");
                }
            }
            if (System.nanoTime() > deadline) {
                throw gateway.failure("did not start");
            }
            Thread.sleep(200);
        }
    }

    private boolean invokes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200;
    }

    /** The path-based Function URL, as GetFunctionUrlConfig gives it. */
    private String urlOf(String function, String qualifier) throws IOException, InterruptedException {
        HttpResponse<String> config = get("/2021-10-31/functions/" + function + "/url"
                + (qualifier == null ? "" : "?Qualifier=" + qualifier));
        return JSON.readTree(config.body()).get("FunctionUrl").asText();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }
}
