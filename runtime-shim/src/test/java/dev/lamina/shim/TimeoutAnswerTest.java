package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A timed-out call is answered at its deadline, whoever asks (the invoke endpoint, or the gateway in the same
 * process): its answer and log tail are complete before the runtime that replaces the killed one has even printed its
 * first line, and that replacement, held at init by a gate the test opens afterwards, then serves the next call.
 */
@Timeout(60)
class TimeoutAnswerTest {

    /** Each start of the runtime says so; every start after the first waits for the gate before asking for events. */
    private static final String FUNCTIONS = """
            starts=$(( $(cat "$LAMBDA_TASK_ROOT/starts" 2>/dev/null || echo 0) + 1 ))
            echo "$starts" > "$LAMBDA_TASK_ROOT/starts"
            echo "runtime start $starts"
            if [ "$starts" -gt 1 ]; then
              while [ ! -e "$LAMBDA_TASK_ROOT/gate" ]; do sleep 0.01; done
            fi
            handler() {
              case "$1" in *sleep*) sleep 300 ;; esac
              echo "{\\"got\\": $1}"
            }
            """;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    @Test
    void theInvokeEndpointAnswersAtTheDeadlineAndTheReplacementServesTheNextCall() throws Exception {
        try (Shim shim = start()) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply timedOut = invoker.invoke("{\"sleep\":true}", "Lamina-Request-Id", "slow-1",
                    "X-Amz-Log-Type", "Tail");

            assertThat(timedOut.status()).isEqualTo(200);
            assertThat(timedOut.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            assertTimeoutAnswer(timedOut.body(), timedOut.logResult(), "slow-1");
            assertNextCallServedOnceTheGateOpens(shim, invoker);
        }
    }

    @Test
    void anInProcessCallerIsAnsweredAtTheDeadlineToo() throws Exception {
        try (Shim shim = start()) {
            DirectReply timedOut = shim.invoke(new DirectInvocation("slow-2",
                            "{\"sleep\":true}".getBytes(StandardCharsets.UTF_8), null, null,
                            "arn:aws:lambda:us-east-1:000000000000:function:sleepy", true, true),
                    Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

            assertThat(timedOut.functionError()).isEqualTo("Unhandled");
            assertThat(timedOut.errorType()).isEqualTo("Sandbox.Timedout");
            assertTimeoutAnswer(new String(timedOut.body(), StandardCharsets.UTF_8),
                    new String(Base64.getDecoder().decode(timedOut.logResult()), StandardCharsets.UTF_8), "slow-2");
            assertNextCallServedOnceTheGateOpens(shim, new Invoker(shim.invokeAddress()));
        }
    }

    private Shim start() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        Shim shim = Shim.start(ShimConfig.builder().functionName("sleepy").handler("function.handler")
                .timeout(Duration.ofSeconds(1)).workingDirectory(taskRoot).runtimeCommand(bootstrap.toString())
                .logSink(log).build());
        shim.readyFuture().get(30, TimeUnit.SECONDS);
        return shim;
    }

    /** Lambda's answer and REPORT for a timeout; the tail was closed before the replacement runtime said a word. */
    private static void assertTimeoutAnswer(String body, String tail, String requestId) {
        JsonNode error = JsonDocs.parse(body);
        assertThat(error.at("/errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.at("/errorMessage").asText())
                .isEqualTo("RequestId: " + requestId + " Error: Task timed out after 1.00 seconds");
        assertThat(tail.lines().toList()).first().isEqualTo("START RequestId: " + requestId + " Version: $LATEST");
        assertThat(tail.lines().toList()).last().asString()
                .startsWith("REPORT RequestId: " + requestId + "\t").endsWith("\tStatus: timeout");
        assertThat(tail).doesNotContain("runtime start 2");
    }

    private void assertNextCallServedOnceTheGateOpens(Shim shim, Invoker invoker) throws Exception {
        log.await(line -> line.equals("runtime start 2"));
        assertThat(shim.ready()).as("the replacement is held at init by the gate").isFalse();
        Files.createFile(taskRoot.resolve("gate"));

        Invoker.Reply next = invoker.invoke("{\"n\":2}", "Lamina-Request-Id", "next-1");

        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-Amz-Function-Error")).isNull();
        assertThat(JsonDocs.parse(next.body()).at("/got/n").asInt()).isEqualTo(2);
    }
}
