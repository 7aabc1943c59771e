package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invoking an embedded shim from the same process, as local mode's gateway does: the invoke endpoint's answers. */
class DirectInvokeTest {

    private static final String FUNCTIONS = """
            handler() {
              echo "log line of the handler" >&2
              echo "{\\"got\\": $1}"
            }
            fail() {
              echo "the script gave up"
              return 1
            }
            nap() {
              sleep 1
              echo '{}'
            }
            context() {
              grep -i '^Lambda-Runtime-Client-Context:' "$2" | cut -d' ' -f2- | tr -d '\r'
            }
            """;
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:direct-fn";

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    private Shim start(String handler) throws Exception {
        return Shim.start(ShimConfig.builder()
                .functionName("direct-fn")
                .handler(handler)
                .timeout(Duration.ofSeconds(10))
                .workingDirectory(taskRoot)
                .runtimeCommand(Runtimes.curlFunction(taskRoot, FUNCTIONS).toString())
                .logSink(log)
                .build());
    }

    private static DirectInvocation invocation(String requestId, String payload, boolean tail, boolean wait) {
        return new DirectInvocation(requestId, payload.getBytes(StandardCharsets.UTF_8), null, null, ARN, tail, wait);
    }

    private static DirectReply answer(CompletableFuture<DirectReply> reply) throws Exception {
        return reply.get(30, TimeUnit.SECONDS);
    }

    @Test
    void answersWithTheResponseAndTheLogTail() throws Exception {
        try (Shim shim = start("function.handler")) {
            DirectReply reply = answer(shim.invoke(invocation("direct-1", "{\"n\":1}", true, true)));

            assertThat(reply.busy()).isFalse();
            assertThat(reply.functionError()).isNull();
            assertThat(JsonDocs.parse(new String(reply.body(), StandardCharsets.UTF_8)).at("/got/n").asInt())
                    .isEqualTo(1);
            String tail = new String(Base64.getDecoder().decode(reply.logResult()), StandardCharsets.UTF_8);
            assertThat(tail).contains("START RequestId: direct-1", "log line of the handler",
                    "END RequestId: direct-1", "REPORT RequestId: direct-1");
        }
    }

    @Test
    void aFunctionErrorIsUnhandledWithItsErrorDocument() throws Exception {
        try (Shim shim = start("function.fail")) {
            DirectReply reply = answer(shim.invoke(invocation("direct-2", "{}", false, true)));

            assertThat(reply.functionError()).isEqualTo("Unhandled");
            assertThat(reply.logResult()).as("no tail unless asked for").isNull();
            JsonNode error = JsonDocs.parse(new String(reply.body(), StandardCharsets.UTF_8));
            assertThat(error.at("/errorType").asText()).isEqualTo("ScriptError");
            assertThat(error.at("/errorMessage").asText()).isEqualTo("the script gave up");
        }
    }

    @Test
    void aBusyEnvironmentSaysSoAndAnAbandonedInvocationNeverRuns() throws Exception {
        try (Shim shim = start("function.nap")) {
            shim.readyFuture().get(30, TimeUnit.SECONDS);
            CompletableFuture<DirectReply> first = shim.invoke(invocation("nap-1", "{}", false, true));
            log.awaitContaining("START RequestId: nap-1");

            assertThat(answer(shim.invoke(invocation("nap-busy", "{}", false, false))).busy()).isTrue();
            CompletableFuture<DirectReply> abandoned = shim.invoke(invocation("nap-abandoned", "{}", false, true));
            abandoned.cancel(false);
            CompletableFuture<DirectReply> last = shim.invoke(invocation("nap-last", "{}", false, true));

            assertThat(answer(first).functionError()).isNull();
            assertThat(answer(last).functionError()).isNull();
            assertThat(log.lines()).as("the abandoned invocation gave its place in the queue to the next one")
                    .noneMatch(line -> line.contains("nap-abandoned") || line.contains("nap-busy"));
        }
    }

    @Test
    void theCheckedClientContextReachesTheRuntimeDecoded() throws Exception {
        try (Shim shim = start("function.context")) {
            ClientContext context = ClientContext.decode(Base64.getEncoder().encodeToString(
                    "{\"custom\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8)));

            DirectReply reply = answer(shim.invoke(
                    new DirectInvocation("direct-3", new byte[] {'{', '}'}, null, context, ARN, false, true)));

            assertThat(reply.functionError()).isNull();
            assertThat(JsonDocs.parse(new String(reply.body(), StandardCharsets.UTF_8)).at("/custom/k").asText())
                    .isEqualTo("v");
        }
    }
}
