package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.gateway.VersionState;
import dev.lamina.shim.DirectInvocation;
import dev.lamina.shim.DirectReply;
import dev.lamina.shim.InitFailedException;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.StreamReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lamina's runtime client for Node.js, run by the machine's node under the real shim, against the handlers of
 * src/test/resources/node-functions: what a caller and the function's log see, as on Lambda's Node.js runtimes.
 */
@Timeout(120)
class NodeRuntimeClientTest {

    private static final Path TASK_ROOT = Path.of("src", "test", "resources", "node-functions").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String TEXT_LINE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t";

    @TempDir
    static Path clientDir;

    private static NodeRuntime node;
    private final List<Shim> started = new ArrayList<>();
    /** The function log of every environment the test started, START/END/REPORT included. */
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void findNode() throws IOException {
        node = NodeRuntime.extract(clientDir);
        assumeTrue(NodeRuntime.find(System.getenv("PATH")) instanceof NodeRuntime.Found,
                "node is not on the PATH, so the Node.js runtime client cannot be run: " + NodeRuntime.find(
                        System.getenv("PATH")));
    }

    @AfterEach
    void stop() {
        started.forEach(Shim::close);
    }

    private Shim start(String handler) {
        return start(handler, "nodejs22.x", Map.of());
    }

    private Shim start(String handler, String runtime, Map<String, String> environment) {
        List<String> command = ((LocalRuntimes.Runnable) node.plan(runtime, environment, 256)).command();
        Shim shim = Shim.start(ShimConfig.builder()
                .functionName("node-fn")
                .memoryMb(256)
                .timeout(Duration.ofSeconds(30))
                .handler(handler)
                .workingDirectory(TASK_ROOT)
                .environment(environment)
                .runtimeCommand(command)
                .logSink(log::add)
                .build());
        started.add(shim);
        return shim;
    }

    private record Reply(int status, String functionError, String body, String tail) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Reply invoke(Shim shim, String event, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + shim.invokeAddress().getPort() + "/2015-03-31/functions/node-fn/invocations"))
                .timeout(Duration.ofSeconds(60))
                .header("X-Amz-Log-Type", "Tail")
                .POST(HttpRequest.BodyPublishers.ofString(event));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String tail = response.headers().firstValue("X-Amz-Log-Result")
                    .map(t -> new String(Base64.getDecoder().decode(t), StandardCharsets.UTF_8)).orElse("");
            return new Reply(response.statusCode(), response.headers().firstValue("X-Amz-Function-Error")
                    .orElse(null), response.body(), tail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertError(Reply reply, String type, String message) {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.functionError()).as(reply.body()).isEqualTo("Unhandled");
        assertThat(reply.json().at("/errorType").asText()).isEqualTo(type);
        assertThat(reply.json().at("/errorMessage").asText()).startsWith(message);
        assertThat(reply.json().at("/trace").isArray()).as(reply.body()).isTrue();
    }

    @Test
    void commonJsHandlerSeesTheWholeContext() throws Exception {
        Shim shim = start("index.context");
        String clientContext = Base64.getEncoder().encodeToString(
                "{\"custom\":{\"tenant\":\"t-1\"},\"env\":{},\"client\":{}}".getBytes(StandardCharsets.UTF_8));
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:node-fn:live";

        Reply reply = invoke(shim, "{\"name\":\"Ada\"}", "Lamina-Request-Id", "ctx-1",
                "X-Amz-Client-Context", clientContext, "Lamina-Invoked-Function-Arn", arn,
                "Lamina-Cognito-Identity", "{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}");

        assertThat(reply.functionError()).as(reply.body()).isNull();
        JsonNode seen = reply.json();
        assertThat(seen.at("/event/name").asText()).isEqualTo("Ada");
        assertThat(seen.at("/awsRequestId").asText()).isEqualTo("ctx-1");
        assertThat(seen.at("/functionName").asText()).isEqualTo("node-fn");
        assertThat(seen.at("/functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(seen.at("/invokedFunctionArn").asText()).isEqualTo(arn);
        assertThat(seen.at("/memoryLimitInMB").isTextual()).as("a string, as on Lambda").isTrue();
        assertThat(seen.at("/memoryLimitInMB").asText()).isEqualTo("256");
        assertThat(seen.at("/logGroupName").asText()).isEqualTo("/aws/lambda/node-fn");
        assertThat(seen.at("/logStreamName").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(seen.at("/remainingTimeInMillis").asLong()).isBetween(1L, 30_000L);
        assertThat(seen.at("/clientContext/custom/tenant").asText()).isEqualTo("t-1");
        assertThat(seen.at("/identity/cognitoIdentityId").asText()).isEqualTo("id-1");
        assertThat(seen.at("/callbackWaitsForEmptyEventLoop").asBoolean()).isTrue();
        assertThat(JSON.convertValue(seen.at("/legacyMethods"), List.class)).containsExactly("done", "succeed", "fail");
        assertThat(seen.at("/executionEnv").asText()).isEqualTo("AWS_Lambda_nodejs22.x");
        assertThat(seen.at("/traceId").asText()).startsWith("Root=1-");
    }

    @Test
    void handlerPathsReachDirectoriesNestedExportsAndEsModules() {
        assertThat(invoke(start("index.nested.deeper.handler"), "{}").body()).isEqualTo("\"nested export\"");
        assertThat(invoke(start("src/app.handlers.greet"), "{\"name\":\"Bo\"}").body()).isEqualTo("\"hello Bo\"");
        assertThat(invoke(start("esm.handler"), "{\"name\":\"Cy\"}").json().at("/module").asText()).isEqualTo("esm");
        assertThat(invoke(start("modern/app.handler"), "{}").json().at("/module").asText())
                .as(".js under a package.json of type module").isEqualTo("esm");
    }

    @Test
    void callbackAnswersOnceTheEventLoopIsEmptyUnlessTold() {
        Shim shim = start("callbacks.waits");

        Reply waited = invoke(shim, "{\"wait\":true}");
        Reply atOnce = invoke(shim, "{\"wait\":false}");

        assertThat(waited.json().at("/timerRan").asBoolean()).as(waited.body()).isTrue();
        assertThat(atOnce.json().at("/timerRan").asBoolean()).as(atOnce.body()).isFalse();
        assertThat(log).as("a callback handler is warned about at init").anyMatch(line -> line.contains(
                "\tundefined\tWARN\tAWS Lambda plans to remove support for callback-based function handlers"));
    }

    @Test
    void contextMethodsAndSynchronousHandlersAnswer() {
        assertThat(invoke(start("callbacks.succeeds"), "{}").json().at("/via").asText()).isEqualTo("succeed");
        assertError(invoke(start("callbacks.failsViaContext"), "{}"), "RangeError", "via fail");
        assertError(invoke(start("callbacks.callbackError"), "{}"), "string", "not an error object");
        Reply sync = invoke(start("callbacks.syncReturn"), "{}");
        assertThat(sync.functionError()).isNull();
        assertThat(sync.body()).isEqualTo("null");
    }

    @Test
    void thrownErrorsKeepTheirTypeMessageAndTrace() {
        Reply typeError = invoke(start("index.fails"), "{\"value\":42}", "Lamina-Request-Id", "err-1");
        Reply custom = invoke(start("index.custom"), "{}");

        assertError(typeError, "TypeError", "bad input: 42");
        assertThat(typeError.json().at("/trace/0").asText()).isEqualTo("TypeError: bad input: 42");
        assertThat(typeError.json().at("/trace/1").asText()).contains("index.js");
        assertThat(typeError.tail()).containsPattern(TEXT_LINE + "err-1\\tERROR\\tInvoke Error \\t\\{\"errorType\":"
                + "\"TypeError\",\"errorMessage\":\"bad input: 42\"");
        assertError(custom, "OrderNotFound", "no order 7");
    }

    @Test
    void moduleAndHandlerProblemsAreInitErrors() {
        assertInitError("missing.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'missing'");
        assertInitError("index.nope", "Runtime.HandlerNotFound", "index.nope is undefined or not exported");
        assertInitError("index.notAFunction", "Runtime.HandlerNotFound", "index.notAFunction is not a function");
        assertInitError("nodots", "Runtime.MalformedHandlerName", "Bad handler");
        assertInitError("../outside.handler", "Runtime.MalformedHandlerName",
                "'../outside.handler' is not a valid handler name.");
        assertInitError("broken.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input");
    }

    @Test
    void nodejs24RefusesCallbackHandlersAndDropsTheLegacyContext() {
        Shim callbacks = start("callbacks.waits", "nodejs24.x", Map.of());
        assertThat(callbacks.readyFuture().handle((ok, failed) -> failed).orTimeout(60, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(InitFailedException.class);
        assertError(invoke(callbacks, "{}"), "Runtime.CallbackHandlerDeprecated",
                "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24.");

        JsonNode seen = invoke(start("index.context", "nodejs24.x", Map.of()), "{}").json();
        assertThat(seen.has("callbackWaitsForEmptyEventLoop")).isFalse();
        assertThat(seen.at("/legacyMethods")).isEmpty();
        assertThat(seen.at("/executionEnv").asText()).isEqualTo("AWS_Lambda_nodejs24.x");
    }

    @Test
    void esModuleSyntaxInACommonJsFileFailsAsOnLambdaUnlessNodeOptionsTurnsItOn() {
        NodeRuntime.Found found = (NodeRuntime.Found) NodeRuntime.find(System.getenv("PATH"));
        assumeTrue(found.knows("experimental-require-module") && found.knows("experimental-detect-module"),
                "node " + found.version() + " cannot turn off require(esm) and module syntax detection");

        assertInitError("esm-syntax.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected token 'export'");
        Shim turnedOn = start("esm-syntax.handler", "nodejs22.x",
                Map.of("NODE_OPTIONS", "--experimental-require-module --experimental-detect-module"));
        assertThat(invoke(turnedOn, "{}").body()).isEqualTo("\"ES module syntax in a .js file\"");
    }

    private void assertInitError(String handler, String type, String message) {
        Shim shim = start(handler);
        Reply reply = invoke(shim, "{}");
        assertError(reply, type, message);
        assertThat(log).as("the init error is logged").anyMatch(line -> line.matches(TEXT_LINE
                + "undefined\\tERROR\\tUncaught Exception \\t\\{\"errorType\":\"" + type + "\".*"));
    }

    @Test
    void unhandledRejectionAndAnUnsettledPromiseFailTheInvocation() {
        Shim shim = start("index.unhandled");
        assertError(invoke(shim, "{}"), "Runtime.UnhandledPromiseRejection", "Error: lost");
        // The runtime exits after reporting it; a fresh one serves the next call.
        assertError(invoke(shim, "{}"), "Runtime.UnhandledPromiseRejection", "Error: lost");

        assertError(invoke(start("index.neverSettles"), "{}"), "Runtime.NodeJsExit",
                "The Lambda runtime client detected an unexpected Node.js exit code.");
    }

    @Test
    void consoleLinesReachTheTailInLambdasTextFormat() {
        Reply reply = invoke(start("index.logs"), "{\"name\":\"Ada\"}", "Lamina-Request-Id", "log-1");

        assertThat(reply.body()).isEqualTo("\"logged\"");
        assertThat(reply.tail().split("\n")).as("a message's line breaks are carriage returns")
                .anyMatch(l -> l.matches(TEXT_LINE + "log-1\\tINFO\\thello Ada"))
                .anyMatch(l -> l.matches(TEXT_LINE + "log-1\\tINFO\\ttwo\\rlines"))
                .anyMatch(l -> l.matches(TEXT_LINE + "log-1\\tWARN\\tcareful"))
                .anyMatch(l -> l.matches("(?s)" + TEXT_LINE + "log-1\\tERROR\\tbroken Error: inner\\r    at .*"));
        assertThat(reply.tail()).contains("START RequestId: log-1", "END RequestId: log-1");
    }

    @Test
    void consoleLinesAreJsonWhenTheLogFormatSaysSo() throws Exception {
        Shim shim = start("index.logs", "nodejs22.x", Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON",
                "AWS_LAMBDA_LOG_LEVEL", "WARN"));

        Reply reply = invoke(shim, "{\"name\":\"Ada\"}", "Lamina-Request-Id", "json-1");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Arrays.stream(reply.tail().split("\n")).filter(l -> l.startsWith("{")).toList()) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).extracting(l -> l.at("/level").asText()).containsExactly("WARN", "ERROR");
        assertThat(lines.getFirst().at("/message").asText()).isEqualTo("careful");
        assertThat(lines.getFirst().at("/requestId").asText()).isEqualTo("json-1");
        assertThat(lines.getFirst().at("/timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(lines.get(1).at("/errorType").asText()).isEqualTo("Error");
        assertThat(lines.get(1).at("/errorMessage").asText()).isEqualTo("inner");
        assertThat(lines.get(1).at("/stackTrace/0").asText()).isEqualTo("Error: inner");
    }

    /** Collects a streamed response. */
    private static final class Collected implements StreamReceiver {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile String contentType;

        @Override
        public void start(String type) {
            contentType = type;
        }

        @Override
        public synchronized void chunk(byte[] chunk) {
            bytes.writeBytes(chunk);
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void whenWritable(Runnable action) {
            action.run();
        }
    }

    private static DirectReply stream(Shim shim, String event, Collected into) {
        return shim.invoke(new DirectInvocation("stream-1", event.getBytes(StandardCharsets.UTF_8), null, null,
                "arn:aws:lambda:us-east-1:000000000000:function:node-fn", false, true, into))
                .orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Test
    void streamingHandlersStreamTheirResponse() {
        Collected words = new Collected();
        DirectReply plain = stream(start("stream.words"), "{\"words\":[\"stream\",\"ed \",\"words\"]}", words);

        assertThat(plain.functionError()).as(new String(plain.body(), StandardCharsets.UTF_8)).isNull();
        assertThat(words.contentType).isEqualTo("text/plain");
        assertThat(words.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("streamed words");

        Collected http = new Collected();
        assertThat(stream(start("stream.http"), "{}", http).functionError()).isNull();
        assertThat(http.contentType).isEqualTo("application/vnd.awslambda.http-integration-response");
        assertThat(http.bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"statusCode\":201,\"headers\":{\"x-stream\":\"yes\"}}\0\0\0\0\0\0\0\0body");

        Collected broken = new Collected();
        DirectReply failed = stream(start("stream.breaks"), "{}", broken);
        assertThat(broken.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("partial");
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.errorType()).isEqualTo("Error");
        assertThat(new String(failed.body(), StandardCharsets.UTF_8)).contains("\"errorMessage\":\"stream broke\"");
    }

    @Test
    void withoutNodeTheFunctionIsNotRunnableAndSaysWhy() {
        NodeRuntime none = new NodeRuntime(clientDir.resolve("bootstrap.cjs"), NodeRuntime.find("/nonexistent"));

        LocalRuntimes.Plan plan = none.plan("nodejs22.x", Map.of(), 128);

        assertThat(plan).isInstanceOf(LocalRuntimes.NotRunnable.class);
        VersionState state = ((LocalRuntimes.NotRunnable) plan).state();
        assertThat(state.reasonCode()).isEqualTo("InvalidRuntime");
        assertThat(state.reason()).isEqualTo("Local mode runs nodejs22.x functions with this machine's node, but no"
                + " node was found on the PATH; install Node.js 22 (or put its node on the PATH) to run it here.");
    }

    @Test
    void anotherMajorVersionOfNodeStillRuns() {
        NodeRuntime.Found found = (NodeRuntime.Found) NodeRuntime.find(System.getenv("PATH"));
        String other = "nodejs" + (found.major() == 24 ? 18 : 24) + ".x";

        assertThat(node.plan(other, Map.of(), 128)).isInstanceOf(LocalRuntimes.Runnable.class);
    }
}
