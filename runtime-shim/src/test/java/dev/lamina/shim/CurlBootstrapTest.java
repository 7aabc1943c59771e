package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim serving a custom runtime: the bash {@code bootstrap} of AWS's walkthrough, talking curl. */
class CurlBootstrapTest {

    private static final String FUNCTIONS = """
            handler() {
              echo "{\\"got\\": $1}"
            }
            fail() {
              echo "the script gave up"
              return 1
            }
            crash() {
              kill -9 $$
            }
            trap 'exit 0' USR1
            quit() {
              # The handler runs in a subshell: the bootstrap itself is asked to exit 0.
              kill -USR1 $$
            }
            slow() {
              sleep 300 &
              echo "child-pid=$!" >&2
              wait
            }
            """;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    private Shim start(String handler, String functions, Duration timeout) throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, functions);
        return Shim.start(ShimConfig.builder()
                .functionName("bash-fn")
                .handler(handler)
                .timeout(timeout)
                .workingDirectory(taskRoot)
                .runtimeCommand(bootstrap.toString())
                .logSink(log)
                .build());
    }

    @Test
    void answersWithTheScriptsOutput() throws Exception {
        try (Shim shim = start("function.handler", FUNCTIONS, Duration.ofSeconds(10))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{\"n\":1}");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("X-Amz-Function-Error")).isNull();
            assertThat(JsonDocs.parse(reply.body()).at("/got/n").asInt()).isEqualTo(1);
        }
    }

    @Test
    void scriptErrorReachesTheCaller() throws Exception {
        try (Shim shim = start("function.fail", FUNCTIONS, Duration.ofSeconds(10))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            JsonNode error = JsonDocs.parse(reply.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("ScriptError");
            assertThat(error.at("/errorMessage").asText()).isEqualTo("the script gave up");
        }
    }

    @Test
    void initErrorReachesTheNextCaller() throws Exception {
        try (Shim shim = start("function.handler", "return 1\n", Duration.ofSeconds(10))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            JsonNode error = JsonDocs.parse(reply.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("InvalidFunctionException");
            assertThat(error.at("/errorMessage").asText()).isEqualTo("Failed to load function.");
            assertThat(shim.readyFuture()).isCompletedExceptionally();
        }
    }

    @Test
    void runtimeKilledMidInvocationGivesExitErrorAndAFreshRuntime() throws Exception {
        try (Shim shim = start("function.crash", FUNCTIONS, Duration.ofSeconds(10))) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply first = invoker.invoke("{}", "Lamina-Request-Id", "crash-1");
            Invoker.Reply second = invoker.invoke("{}", "Lamina-Request-Id", "crash-2");

            for (Invoker.Reply reply : new Invoker.Reply[] {first, second}) {
                assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
                assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo("Runtime.ExitError");
            }
            assertThat(JsonDocs.parse(first.body()).at("/errorMessage").asText())
                    .isEqualTo("RequestId: crash-1 Error: Runtime exited with error: signal: killed");
            assertThat(log.await(line -> line.startsWith("REPORT RequestId: crash-2\t")))
                    .endsWith("\tStatus: error\tError Type: Runtime.ExitError");
            assertThat(log.lines()).as("each invocation met a freshly started runtime")
                    .filteredOn(line -> line.contains("\tInit Duration: ")).hasSize(2);
        }
    }

    @Test
    void runtimeExitingWithoutAnErrorIsLambdasExitErrorWithoutAReason() throws Exception {
        try (Shim shim = start("function.quit", FUNCTIONS, Duration.ofSeconds(10))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "Lamina-Request-Id", "quit-1");

            JsonNode error = JsonDocs.parse(reply.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("Runtime.ExitError");
            assertThat(error.at("/errorMessage").asText())
                    .isEqualTo("RequestId: quit-1 Error: Runtime exited without providing a reason");
        }
    }

    @Test
    void timeoutKillsTheScriptAndItsChildrenThenServesAgain() throws Exception {
        try (Shim shim = start("function.slow", FUNCTIONS, Duration.ofSeconds(1))) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply reply = invoker.invoke("{}", "Lamina-Request-Id", "slow-1");

            JsonNode error = JsonDocs.parse(reply.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("Sandbox.Timedout");
            assertThat(error.at("/errorMessage").asText())
                    .isEqualTo("RequestId: slow-1 Error: Task timed out after 1.00 seconds");
            long child = Long.parseLong(log.await(line -> line.startsWith("child-pid=")).substring(10));
            JavaRuntimeClientTest.awaitGone(child);
            shim.readyFuture().join();
            assertThat(log.lines()).containsSubsequence("START RequestId: slow-1 Version: $LATEST",
                    "END RequestId: slow-1");
            assertThat(log.await(line -> line.startsWith("REPORT RequestId: slow-1\t"))).contains("Duration: ");
        }
    }

    @Test
    void readyOnlyOnceTheRuntimeAsksForItsFirstEvent() throws Exception {
        Path gate = taskRoot.resolve("gate");
        String slowInit = "while [ ! -e '" + gate + "' ]; do sleep 0.01; done\n" + FUNCTIONS;
        try (Shim shim = start("function.handler", slowInit, Duration.ofSeconds(10))) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply initializing = invoker.get("/ready");
            boolean readyBeforeInit = shim.ready();
            Files.createFile(gate);
            shim.readyFuture().get(30, TimeUnit.SECONDS);

            assertThat(initializing.status()).isEqualTo(503);
            assertThat(readyBeforeInit).isFalse();
            assertThat(invoker.get("/ready").status()).isEqualTo(200);
            assertThat(JsonDocs.parse(invoker.get("/state").body()).at("/ready").asBoolean()).isTrue();
            assertThat(invoker.get("/metrics").body()).contains("lamina_shim_ready{function=\"bash-fn\",version=\"$LATEST\"} 1");
        }
    }

    @Test
    void streamedResponsePassesThroughChunked() throws Exception {
        String streaming = """
                #!/bin/bash
                API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
                while true; do
                  HEADERS="$(mktemp)"
                  curl -sS -o /dev/null -D "$HEADERS" "$API/invocation/next"
                  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
                  { printf 'first part, '; sleep 0.05; printf 'second part'; } | curl -sS -o /dev/null \\
                    -H "Lambda-Runtime-Function-Response-Mode: streaming" -H "Transfer-Encoding: chunked" \\
                    -H "Content-Type: text/plain" --data-binary @- "$API/invocation/$REQUEST_ID/response"
                done
                """;
        Path bootstrap = Runtimes.script(taskRoot, "bootstrap", streaming);
        try (Shim shim = Shim.start(ShimConfig.builder().runtimeCommand(bootstrap.toString()).logSink(log).build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("Lambda-Runtime-Function-Response-Mode")).isEqualTo("streaming");
            assertThat(reply.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(reply.header("Content-Type")).isEqualTo("text/plain");
            assertThat(reply.body()).isEqualTo("first part, second part");
            assertThat(reply.header("X-Amz-Function-Error")).isNull();
        }
    }
}
