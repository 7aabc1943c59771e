package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.RawHttp;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Runtime API's contract, call by call. The test plays the runtime over plain HTTP (sidecar mode: the shim starts
 * no process), which is how it can also send what no well-behaved runtime client would: bad ids, wrong methods,
 * broken framing. After each abuse the environment must still serve a normal invocation.
 */
class RuntimeApiProtocolTest {

    private final LogLines log = new LogLines();
    private Shim shim;
    private Invoker invoker;
    private Invoker runtime;

    @BeforeEach
    void start() {
        shim = Shim.start(ShimConfig.builder()
                .functionName("proto-fn")
                .timeout(Duration.ofSeconds(30))
                .logSink(log)
                .build());
        invoker = new Invoker(shim.invokeAddress());
        runtime = new Invoker(shim.runtimeApiAddress());
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    private static final String API = "/2018-06-01/runtime";

    /** A complete invocation by the book: proves the environment still works. */
    private void assertStillServes() {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{\"still\":true}");
        Invoker.Reply event = runtime.get(API + "/invocation/next");
        String id = event.header("Lambda-Runtime-Aws-Request-Id");
        assertThat(runtime.send("POST", API + "/invocation/" + id + "/response", "\"fine\"").status()).isEqualTo(202);
        assertThat(call.join().body()).isEqualTo("\"fine\"");
    }

    private Invoker.Reply nextEvent() {
        return runtime.get(API + "/invocation/next");
    }

    @Test
    void nextCarriesTheEventAndEveryRuntimeHeader() {
        String clientContext = "{\"custom\":{\"k\":\"v\"}}";
        long before = System.currentTimeMillis();
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{\"payload\":1}",
                "Lamina-Request-Id", "id-1",
                "X-Amzn-Trace-Id", "Root=1-00000001-000000000000000000000001;Parent=0000000000000001;Sampled=1",
                "X-Amz-Client-Context", Base64.getEncoder().encodeToString(clientContext.getBytes(StandardCharsets.UTF_8)),
                "Lamina-Cognito-Identity", "{\"cognitoIdentityId\":\"us-east-1:1\"}");

        Invoker.Reply event = nextEvent();
        long after = System.currentTimeMillis();
        Invoker.Reply accepted = runtime.send("POST", API + "/invocation/id-1/response", "{\"answer\":2}");

        assertThat(event.status()).isEqualTo(200);
        assertThat(event.body()).isEqualTo("{\"payload\":1}");
        assertThat(event.header("Lambda-Runtime-Aws-Request-Id")).isEqualTo("id-1");
        assertThat(Long.parseLong(event.header("Lambda-Runtime-Deadline-Ms")))
                .as("deadline = start of the invocation + the 30 s timeout")
                .isBetween(before + 30_000, after + 30_000);
        assertThat(event.header("Lambda-Runtime-Invoked-Function-Arn"))
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:proto-fn");
        assertThat(event.header("Lambda-Runtime-Trace-Id"))
                .isEqualTo("Root=1-00000001-000000000000000000000001;Parent=0000000000000001;Sampled=1");
        assertThat(event.header("Lambda-Runtime-Client-Context")).isEqualTo(clientContext);
        assertThat(event.header("Lambda-Runtime-Cognito-Identity")).isEqualTo("{\"cognitoIdentityId\":\"us-east-1:1\"}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(JsonDocs.parse(accepted.body()).at("/status").asText()).isEqualTo("OK");
        assertThat(call.join().body()).isEqualTo("{\"answer\":2}");
    }

    @Test
    void clientContextWrittenOverSeveralLinesReachesTheRuntimeAsOneHeaderLine() {
        String sent = "{\r\n  \"custom\": {\"city\": \"Zürich\", \"tab\":\t1}\n}";
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "multi-line",
                "X-Amz-Client-Context", Base64.getEncoder().encodeToString(sent.getBytes(StandardCharsets.UTF_8)));

        Invoker.Reply event = nextEvent();
        runtime.send("POST", API + "/invocation/multi-line/response", "1");

        String header = event.header("Lambda-Runtime-Client-Context");
        assertThat(header).isEqualTo("{    \"custom\": {\"city\": \"Z\\u00fcrich\", \"tab\": 1} }");
        assertThat(JsonDocs.parse(header)).isEqualTo(JsonDocs.parse(sent));
        assertThat(call.join().status()).isEqualTo(200);
    }

    @Test
    void nextLeavesOutTheOptionalHeadersWhenNotGiven() {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}");
        Invoker.Reply event = nextEvent();
        runtime.send("POST", API + "/invocation/" + event.header("Lambda-Runtime-Aws-Request-Id") + "/response", "1");

        assertThat(event.headers().map()).doesNotContainKeys("lambda-runtime-client-context",
                "lambda-runtime-cognito-identity");
        assertThat(call.join().status()).isEqualTo(200);
    }

    @Test
    void unknownRequestIdIsRefusedWith400() {
        Invoker.Reply response = runtime.send("POST", API + "/invocation/no-such-id/response", "{}");
        Invoker.Reply error = runtime.send("POST", API + "/invocation/no-such-id/error", "{}");

        for (Invoker.Reply reply : new Invoker.Reply[] {response, error}) {
            assertThat(reply.status()).isEqualTo(400);
            JsonNode body = JsonDocs.parse(reply.body());
            assertThat(body.at("/errorType").asText()).isEqualTo("InvalidRequestID");
            assertThat(body.at("/errorMessage").asText()).isEqualTo("Invalid request ID");
        }
        assertStillServes();
    }

    @Test
    void secondAnswerIsRefusedWith403() {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "twice");
        nextEvent();

        Invoker.Reply first = runtime.send("POST", API + "/invocation/twice/response", "\"one\"");
        Invoker.Reply second = runtime.send("POST", API + "/invocation/twice/response", "\"two\"");
        Invoker.Reply errorAfterwards = runtime.send("POST", API + "/invocation/twice/error", "{}");

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(403);
        assertThat(JsonDocs.parse(second.body()).at("/errorType").asText()).isEqualTo("InvalidStateTransition");
        assertThat(errorAfterwards.status()).isEqualTo(403);
        assertThat(call.join().body()).isEqualTo("\"one\"");
        assertStillServes();
    }

    @Test
    void wrongMethodsAndUnknownPathsAreRefused() {
        assertThat(runtime.send("POST", API + "/invocation/next", "{}").status()).isEqualTo(405);
        assertThat(runtime.get(API + "/invocation/some-id/response").status()).isEqualTo(405);
        assertThat(runtime.send("PUT", API + "/init/error", "{}").status()).isEqualTo(405);
        Invoker.Reply unknown = runtime.get("/2018-06-01/nothing/here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(JsonDocs.parse(unknown.body()).at("/errorMessage").asText()).contains("/2018-06-01/nothing/here");
        assertStillServes();
    }

    private Invoker.Reply postWithHeader(String path, String header, String value) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + shim.runtimeApiAddress().getPort() + API + path))
                .header(header, value)
                .timeout(java.time.Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                .build();
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Invoker.Reply(response.statusCode(), response.headers(), response.body());
        } catch (Exception failed) {
            throw new AssertionError(failed);
        }
    }

    @Test
    void streamingModeOtherThanStreamingIsRefusedWith400() {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "badmode");
        nextEvent();

        Invoker.Reply badMode = postWithHeader("/invocation/badmode/response",
                "Lambda-Runtime-Function-Response-Mode", "buffered");
        Invoker.Reply proper = runtime.send("POST", API + "/invocation/badmode/response", "\"ok\"");

        assertThat(badMode.status()).isEqualTo(400);
        assertThat(JsonDocs.parse(badMode.body()).at("/errorType").asText()).isEqualTo("InvalidFunctionResponseMode");
        assertThat(proper.status()).isEqualTo(202);
        assertThat(call.join().body()).isEqualTo("\"ok\"");
    }

    @Test
    void brokenChunkedFramingGets400AndTheConnectionIsDropped() throws Exception {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "garbage");
        nextEvent();

        try (RawHttp raw = new RawHttp(shim.runtimeApiAddress())) {
            raw.write("POST " + API + "/invocation/garbage/response HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nnot-a-chunk-size\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(shim.runtimeApiAddress())) {
            raw.write("THIS IS NOT HTTP\r\n\r\n");
            assertThat(raw.read().status()).isEqualTo(400);
        }
        Invoker.Reply proper = runtime.send("POST", API + "/invocation/garbage/response", "\"recovered\"");
        assertThat(proper.status()).isEqualTo(202);
        assertThat(call.join().body()).isEqualTo("\"recovered\"");
        assertStillServes();
    }

    @Test
    void errorBodyThatIsNotJsonStillReachesTheCaller() {
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "plain");
        nextEvent();

        Invoker.Reply accepted = postWithHeader("/invocation/plain/error", "Lambda-Runtime-Function-Error-Type",
                "Custom.PlainError");

        assertThat(accepted.status()).isEqualTo(202);
        Invoker.Reply reply = call.join();
        assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        JsonNode error = JsonDocs.parse(reply.body());
        assertThat(error.at("/errorType").asText()).isEqualTo("Custom.PlainError");
        assertThat(error.at("/errorMessage").asText()).isEqualTo("x");
        assertStillServes();
    }

    @Test
    void initErrorAfterInitIsAnInvalidStateTransition() {
        assertStillServes();

        Invoker.Reply late = runtime.send("POST", API + "/init/error", "{\"errorMessage\":\"late\",\"errorType\":\"X\"}");

        assertThat(late.status()).isEqualTo(403);
        assertThat(JsonDocs.parse(late.body()).at("/errorType").asText()).isEqualTo("InvalidStateTransition");
        assertStillServes();
    }

    @Test
    void initErrorBeforeTheFirstNextFailsInitAndReachesTheNextCaller() {
        Invoker.Reply accepted = runtime.send("POST", API + "/init/error",
                "{\"errorMessage\":\"cannot load\",\"errorType\":\"Runtime.ImportModuleError\",\"stackTrace\":[]}");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(shim.readyFuture()).isCompletedExceptionally();
        Invoker.Reply reply = invoker.invoke("{}");
        assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo("Runtime.ImportModuleError");
        assertThat(JsonDocs.parse(reply.body()).at("/errorMessage").asText()).isEqualTo("cannot load");
    }

    @Test
    void telemetrySubscriptionNeedsAnExtensionsIdentifier() {
        Invoker.Reply reply = runtime.send("PUT", "/2022-07-01/telemetry", "{}");

        assertThat(reply.status()).isEqualTo(403);
        assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText())
                .isEqualTo("Extension.MissingExtensionIdentifier");
    }

    @Test
    void streamedResponseIsPassedThroughWithItsErrorTrailers() throws Exception {
        InetSocketAddress invokeAddress = shim.invokeAddress();
        try (RawHttp caller = new RawHttp(invokeAddress)) {
            caller.write("POST /2015-03-31/functions/proto-fn/invocations HTTP/1.1\r\nHost: x\r\n"
                    + "Lamina-Request-Id: stream-1\r\nContent-Length: 2\r\n\r\n{}");
            nextEvent();
            try (RawHttp runtimeConnection = new RawHttp(shim.runtimeApiAddress())) {
                String errorBody = Base64.getEncoder().encodeToString(
                        "{\"errorMessage\":\"mid-stream\",\"errorType\":\"StreamFailure\"}".getBytes(StandardCharsets.UTF_8));
                runtimeConnection.write("POST " + API + "/invocation/stream-1/response HTTP/1.1\r\nHost: x\r\n"
                                + "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
                                + "Content-Type: application/vnd.awslambda.http-integration-response\r\n"
                                + "Transfer-Encoding: chunked\r\n"
                                + "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n")
                        .chunk("{\"statusCode\":200}")
                        .chunk("\0\0\0\0\0\0\0\0")
                        .chunk("partial body")
                        .write("0\r\nLambda-Runtime-Function-Error-Type: StreamFailure\r\n"
                                + "Lambda-Runtime-Function-Error-Body: " + errorBody + "\r\n\r\n");

                RawHttp.Response answer = caller.read();
                RawHttp.Response accepted = runtimeConnection.read();

                assertThat(accepted.status()).isEqualTo(202);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.header("Transfer-Encoding")).isEqualTo("chunked");
                assertThat(answer.header("Lambda-Runtime-Function-Response-Mode")).isEqualTo("streaming");
                assertThat(answer.header("Content-Type"))
                        .isEqualTo("application/vnd.awslambda.http-integration-response");
                assertThat(answer.header("Lamina-Request-Id")).isEqualTo("stream-1");
                assertThat(answer.text()).isEqualTo("{\"statusCode\":200}\0\0\0\0\0\0\0\0partial body");
                assertThat(answer.trailer("Lambda-Runtime-Function-Error-Type")).isEqualTo("StreamFailure");
                JsonNode error = JsonDocs.parse(new String(Base64.getDecoder().decode(
                        answer.trailer("Lambda-Runtime-Function-Error-Body")), StandardCharsets.UTF_8));
                assertThat(error.at("/errorMessage").asText()).isEqualTo("mid-stream");
            }
        }
        assertStillServes();
    }

    @Test
    void streamCutOffByTheRuntimeEndsWithTruncatedResponse() throws Exception {
        try (RawHttp caller = new RawHttp(shim.invokeAddress())) {
            caller.write("POST /2015-03-31/functions/proto-fn/invocations HTTP/1.1\r\nHost: x\r\n"
                    + "Lamina-Request-Id: cut-1\r\nContent-Length: 2\r\n\r\n{}");
            nextEvent();
            try (RawHttp runtimeConnection = new RawHttp(shim.runtimeApiAddress())) {
                runtimeConnection.write("POST " + API + "/invocation/cut-1/response HTTP/1.1\r\nHost: x\r\n"
                                + "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n")
                        .chunk("beginning");
            }

            RawHttp.Response answer = caller.read();
            assertThat(answer.text()).isEqualTo("beginning");
            assertThat(answer.header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(answer.trailer("Lambda-Runtime-Function-Error-Type")).isEqualTo("Runtime.TruncatedResponse");
        }
        assertStillServes();
    }

    @Test
    void timeoutWithoutAVisibleRuntimeProcessStillAnswersAndTakesTheNextRuntime() throws Exception {
        shim.close();
        shim = Shim.start(ShimConfig.builder().timeout(Duration.ofSeconds(1)).logSink(log).build());
        invoker = new Invoker(shim.invokeAddress());
        runtime = new Invoker(shim.runtimeApiAddress());
        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{}", "Lamina-Request-Id", "late");
        nextEvent();

        Invoker.Reply reply = call.get(30, TimeUnit.SECONDS);
        RawHttp.Response lateAnswer;
        try (RawHttp late = new RawHttp(shim.runtimeApiAddress())) {
            lateAnswer = late.write("POST " + API + "/invocation/late/response HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 10\r\n\r\n\"too late\"").read();
        }

        assertThat(JsonDocs.parse(reply.body()).at("/errorMessage").asText()).endsWith(" Error: Task timed out after 1.00 seconds");
        assertThat(lateAnswer.status()).isEqualTo(403);
        log.awaitContaining("cannot reset the runtime");
        assertStillServes();
        assertThat(invoker.get("/metrics").body()).contains(
                "lamina_shim_timeouts_total{function=\"function\",version=\"$LATEST\"} 1",
                "lamina_shim_runtime_restarts_total{function=\"function\",version=\"$LATEST\"} 1");
    }
}
