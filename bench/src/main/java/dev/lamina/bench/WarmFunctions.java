package dev.lamina.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.lamina.shim.ShimConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Functions kept warm in a local-mode directory, as the benchmarks write them (a published version and an alias
 * {@code warm} with provisioned environments), the cheapest of them ({@link LoopRuntime}) also as a shim embedded in
 * the benchmark, and waiting until a gateway serves them.
 */
final class WarmFunctions {

    static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    /** Where {@link #writeLoopCode} puts the loop runtime, relative to the directory. */
    private static final String LOOP_CODE = "loop";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private WarmFunctions() {
    }

    /** A published function with code from {@code codePath} and an alias {@code warm} keeping it provisioned. */
    static List<JsonNode> published(String name, String runtime, String handler, String codePath, int provisioned) {
        ObjectNode function = YAML.createObjectNode();
        function.put("apiVersion", "lamina.dev/v1alpha1").put("kind", "Function");
        function.putObject("metadata").put("name", name);
        ObjectNode spec = function.putObject("spec");
        spec.put("runtime", runtime).put("handler", handler).put("memoryMB", 512).put("publish", true);
        spec.putObject("code").put("path", codePath);
        ObjectNode alias = YAML.createObjectNode();
        alias.put("apiVersion", "lamina.dev/v1alpha1").put("kind", "Alias");
        alias.putObject("metadata").put("name", name + "-warm");
        alias.putObject("spec").put("function", name).put("name", "warm").put("functionVersion", "1")
                .put("provisionedConcurrency", provisioned);
        return List.of(function, alias);
    }

    /** A {@code provided} function whose bootstrap runs {@link LoopRuntime}, as {@link #writeLoopCode} wrote it. */
    static List<JsonNode> loop(String name, int provisioned) {
        return published(name, "provided.al2023", "loop", LOOP_CODE, provisioned);
    }

    static void writeLoopCode(Path dir) throws IOException {
        LoopRuntime.writeCode(dir.resolve(LOOP_CODE));
    }

    /** {@link #writeLoopCode}, but the loop compiled from C ({@link LoopRuntime#writeNativeCode}). */
    static void writeNativeLoopCode(Path dir) throws IOException, InterruptedException {
        LoopRuntime.writeNativeCode(dir.resolve(LOOP_CODE));
    }

    /** The loop function of {@code dir} (its bootstrap) as a shim embedded in the benchmark runs it, logs dropped. */
    static ShimConfig loopShim(Path dir) {
        Path code = dir.resolve(LOOP_CODE);
        return ShimConfig.builder()
                .functionName("loop")
                .memoryMb(512)
                .timeout(Duration.ofSeconds(3))
                .runtimeCommand(List.of(code.resolve("bootstrap").toString()))
                .workingDirectory(code)
                .logSink(line -> { })
                .build();
    }

    static void writeYaml(Path file, List<JsonNode> documents) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (JsonNode d : documents) {
                out.write("---\n".getBytes(StandardCharsets.UTF_8));
                out.write(YAML.writeValueAsBytes(d));
            }
        }
    }

    /** Until the gateway answers its Invoke API's function list. */
    static void awaitStarted(LocalGateway gateway) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (get(gateway, "/2015-03-31/functions/").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                if (!gateway.process().isAlive() || System.nanoTime() > deadline) {
                    throw gateway.failure("did not start");
                }
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> get(LocalGateway gateway, String path)
            throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
