package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Node.js function's memory in local mode, with the machine's node under the real shim: sized and enforced. */
@Timeout(120)
class NodeMemoryLimitTest {

    private static final int MEMORY_MB = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path clientDir;
    private static NodeRuntime node;

    @TempDir
    Path taskRoot;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private Shim shim;

    @BeforeAll
    static void findNode() throws IOException {
        node = NodeRuntime.extract(clientDir);
        assumeTrue(NodeRuntime.find(System.getenv("PATH")) instanceof NodeRuntime.Found,
                "node is not on the PATH, so Node.js functions cannot be run");
    }

    @AfterEach
    void stop() {
        if (shim != null) {
            shim.close();
        }
    }

    @Test
    void aHandlerPastTheFunctionsMemoryIsKilledAsOnLambdaAndANewRuntimeServes() throws Exception {
        // Buffers live outside V8's heap: only the limit on the process stops them.
        Files.writeString(taskRoot.resolve("hog.js"), """
                const v8 = require("node:v8");
                exports.handler = async (event) => {
                  const held = Buffer.alloc(event.mb << 20, 1);
                  return { pid: process.pid, held: held.length >> 20, heapMb: v8.getHeapStatistics().heap_size_limit >> 20 };
                };
                """);
        start("hog.handler");

        JsonNode within = invoke("{\"mb\": 16}", "within-1");
        JsonNode past = invoke("{\"mb\": 400}", "hog-1");
        JsonNode after = invoke("{\"mb\": 16}", "after-1");

        assertThat(within.at("/heapMb").asInt()).as("V8's heap sized by the function's memory, as Lambda's bootstrap does")
                .isBetween(MEMORY_MB - MEMORY_MB / 10, 2 * MEMORY_MB);
        assertThat(past.at("/errorType").asText()).isEqualTo("Runtime.OutOfMemory");
        assertThat(past.at("/errorMessage").asText())
                .isEqualTo("RequestId: hog-1 Error: Runtime exited with error: signal: killed");
        await().atMost(Duration.ofSeconds(30)).until(() -> log.stream().anyMatch(line ->
                line.startsWith("REPORT RequestId: hog-1\t")));
        assertThat(log).filteredOn(line -> line.startsWith("REPORT RequestId: hog-1\t")).singleElement().asString()
                .contains("\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory");
        assertThat(after.at("/held").asInt()).isEqualTo(16);
        assertThat(after.at("/pid").asLong()).isNotEqualTo(within.at("/pid").asLong());
    }

    private void start(String handler) {
        List<String> command = ((LocalRuntimes.Runnable) node.plan("nodejs22.x", Map.of(), MEMORY_MB)).command();
        shim = Shim.start(ShimConfig.builder()
                .functionName("node-fn")
                .memoryMb(MEMORY_MB)
                .timeout(Duration.ofSeconds(30))
                .handler(handler)
                .workingDirectory(taskRoot)
                .runtimeCommand(command)
                .logSink(log::add)
                .build());
    }

    private JsonNode invoke(String event, String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shim.invokeAddress().getPort()
                        + "/2015-03-31/functions/node-fn/invocations"))
                .timeout(Duration.ofSeconds(60))
                .header("Lamina-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
}
