package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The invoke endpoint's answers to callers, with the test playing the runtime (sidecar mode). */
class InvokeApiTest {

    private static final String API = "/2018-06-01/runtime";
    private static final String INVOKE = "/2015-03-31/functions/any-name/invocations";

    private final LogLines log = new LogLines();
    private Shim shim;
    private Invoker invoker;
    private Invoker runtime;

    @BeforeEach
    void start() {
        shim = Shim.start(ShimConfig.builder().functionName("api-fn").timeout(Duration.ofSeconds(30)).logSink(log)
                .build());
        invoker = new Invoker(shim.invokeAddress());
        runtime = new Invoker(shim.runtimeApiAddress());
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    /** Plays the runtime for one event: answers it with its own payload. */
    private String echoOneEvent() {
        Invoker.Reply event = runtime.get(API + "/invocation/next");
        runtime.send("POST", API + "/invocation/" + event.header("Lambda-Runtime-Aws-Request-Id") + "/response",
                event.body());
        return event.body();
    }

    @Test
    void payloadOverSixMegabytesIsRefusedWith413() {
        String atLimit = "\"" + "a".repeat(6 * 1024 * 1024 - 2) + "\"";
        CompletableFuture<Invoker.Reply> accepted = invoker.invokeAsync(atLimit);
        assertThat(echoOneEvent()).hasSize(6 * 1024 * 1024);

        Invoker.Reply tooLarge = invoker.invoke(atLimit + " ");

        assertThat(accepted.join().status()).isEqualTo(200);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.header("x-amzn-ErrorType")).isEqualTo("RequestTooLargeException");
        assertThat(JsonDocs.parse(tooLarge.body()).at("/Message").asText()).contains("6291456 bytes");
    }

    @Test
    void clientContextMustBeBase64OfAJsonObject() {
        Invoker.Reply notBase64 = invoker.invoke("{}", "X-Amz-Client-Context", "%%%not base64%%%");
        Invoker.Reply notAnObject = invoker.invoke("{}", "X-Amz-Client-Context",
                Base64.getEncoder().encodeToString("[1,2]".getBytes(StandardCharsets.UTF_8)));

        for (Invoker.Reply reply : new Invoker.Reply[] {notBase64, notAnObject}) {
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.header("x-amzn-ErrorType")).isEqualTo("InvalidRequestContentException");
            assertThat(JsonDocs.parse(reply.body()).at("/Message").asText())
                    .isEqualTo("Client context must be a valid Base64-encoded JSON object.");
        }
    }

    @Test
    void requestIdFromTheGatewayMustBeUsableInARuntimeApiPath() {
        Invoker.Reply reply = invoker.invoke("{}", "Lamina-Request-Id", "a/b");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("x-amzn-ErrorType")).isEqualTo("InvalidParameterValueException");
    }

    @Test
    void unknownInvocationTypeIsRefused() {
        Invoker.Reply reply = invoker.invoke("{}", "X-Amz-Invocation-Type", "Sometime");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("x-amzn-ErrorType")).isEqualTo("InvalidParameterValueException");
    }

    @Test
    void unknownPathsAndMethodsAreRefused() {
        Invoker.Reply unknown = invoker.get("/2015-03-31/functions");
        Invoker.Reply wrongMethod = invoker.get(INVOKE);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("x-amzn-ErrorType")).isEqualTo("ResourceNotFoundException");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(invoker.send("POST", "/ready", "").status()).isEqualTo(405);
    }

    @Test
    void dryRunAnswers204WithoutRunningAnything() {
        Invoker.Reply reply = invoker.invoke("{}", "X-Amz-Invocation-Type", "DryRun");

        assertThat(reply.status()).isEqualTo(204);
        assertThat(JsonDocs.parse(invoker.get("/state").body()).at("/inFlight").asInt()).isZero();
    }

    @Test
    void eventInvocationAnswers202AndStillRuns() {
        Invoker.Reply reply = invoker.invoke("{\"async\":true}", "X-Amz-Invocation-Type", "Event",
                "Lamina-Request-Id", "event-1");

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.body()).isEmpty();
        assertThat(reply.header("Lamina-Request-Id")).isEqualTo("event-1");
        assertThat(echoOneEvent()).isEqualTo("{\"async\":true}");
        log.await(line -> line.startsWith("REPORT RequestId: event-1\t"));
    }

    @Test
    void metricsCountInvocationsErrorsAndRefusals() {
        CompletableFuture<Invoker.Reply> ok = invoker.invokeAsync("{}");
        echoOneEvent();
        ok.join();
        CompletableFuture<Invoker.Reply> failed = invoker.invokeAsync("{}", "Lamina-Request-Id", "err-1");
        runtime.get(API + "/invocation/next");
        Invoker.Reply busy = invoker.invoke("{}", "Lamina-Wait", "false");
        runtime.send("POST", API + "/invocation/err-1/error", "{\"errorMessage\":\"no\",\"errorType\":\"E\"}");
        failed.join();
        log.await(line -> line.startsWith("REPORT RequestId: err-1\t"));

        String metrics = invoker.get("/metrics").body();

        assertThat(busy.status()).isEqualTo(429);
        String labels = "{function=\"api-fn\",version=\"$LATEST\"}";
        assertThat(metrics.lines()).contains(
                "# TYPE lamina_shim_invocations_total counter",
                "lamina_shim_invocations_total" + labels + " 2",
                "lamina_shim_errors_total" + labels + " 1",
                "lamina_shim_busy_total" + labels + " 1",
                "lamina_shim_timeouts_total" + labels + " 0",
                "lamina_shim_in_flight" + labels + " 0",
                "lamina_shim_capacity" + labels + " 1",
                "lamina_shim_ready" + labels + " 1");
    }
}
