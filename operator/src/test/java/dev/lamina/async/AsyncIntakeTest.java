package dev.lamina.async;

import static dev.lamina.async.Harness.config;
import static dev.lamina.async.Harness.eventually;
import static dev.lamina.async.ScriptedFunctions.ok;
import static dev.lamina.async.ScriptedFunctions.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the intake answers to the payload of an {@code X-Amz-Invocation-Type: Event} call, and that a 202 means the
 * event is kept. Unknown functions and qualifiers are the gateway's to refuse: see {@link AsyncLocalModeTest}.
 */
class AsyncIntakeTest {

    @TempDir
    Path dir;

    private static IntakeResult accept(Harness async, String function, byte[] payload) {
        return async.async.intake().accept(new FunctionRef(Harness.NAMESPACE, function, null), payload, null).join();
    }

    @Test
    void payloadsOverOneMegabyteAreRefusedWith413AndOneMegabyteIsAccepted() throws Exception {
        try (var async = new Harness(dir)) {
            async.functions.deploy("big", config(0, null, null, null), (n, call) -> ok("{}"));
            byte[] exactlyOneMb = jsonString(AsyncIntake.MAX_PAYLOAD_BYTES);
            byte[] oneByteMore = jsonString(AsyncIntake.MAX_PAYLOAD_BYTES + 1);

            assertThat(accept(async, "big", oneByteMore)).isInstanceOfSatisfying(IntakeResult.Rejected.class, rejected -> {
                assertThat(rejected.status()).isEqualTo(413);
                assertThat(rejected.errorType()).isEqualTo("RequestTooLargeException");
            });
            assertThat(accept(async, "big", exactlyOneMb)).isInstanceOf(IntakeResult.Accepted.class);
            eventually("the 1 MB event is delivered", () -> async.functions.calls("big").size() == 1);
            assertThat(async.functions.calls("big").getFirst().payload()).hasSize(AsyncIntake.MAX_PAYLOAD_BYTES);
        }
    }

    @Test
    void invalidJsonIsRefusedWith400() {
        try (var async = new Harness(dir)) {
            async.functions.deploy("fn", config(0, null, null, null), (n, call) -> ok("{}"));

            for (String bad : new String[]{"{\"a\":", "not json", "{} {}", "[1,2"}) {
                assertThat(accept(async, "fn", bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                        .isInstanceOfSatisfying(IntakeResult.Rejected.class, rejected -> {
                            assertThat(rejected.status()).isEqualTo(400);
                            assertThat(rejected.errorType()).isEqualTo("InvalidRequestContentException");
                        });
            }
            assertThat(async.count(AsyncMetrics.RECEIVED, "fn")).isZero();
        }
    }

    @Test
    void anyJsonValueIsAnEventAndAnEmptyBodyIsTheEmptyObject() throws Exception {
        try (var async = new Harness(dir)) {
            async.functions.deploy("fn", config(0, null, null, null), (n, call) -> ok("{}"));

            for (String good : new String[]{"\"text\"", "42", "[1,2]", "null", ""}) {
                assertThat(accept(async, "fn", good.getBytes(StandardCharsets.UTF_8))).as(good)
                        .isInstanceOf(IntakeResult.Accepted.class);
            }
            eventually("all five delivered", () -> async.functions.calls("fn").size() == 5);
            assertThat(async.functions.calls("fn")).extracting(ScriptedFunctions.Call::payload)
                    .containsExactlyInAnyOrder("\"text\"", "42", "[1,2]", "null", "{}");
            assertThat(async.count(AsyncMetrics.RECEIVED, "fn")).isEqualTo(5);
        }
    }

    @Test
    void anAcceptedEventIsDeliveredByTheNextProcessWhenThisOneStopsBeforeDeliveringIt() throws Exception {
        String requestId;
        try (var first = new Harness(dir)) {
            first.functions.deploy("later", config(2, null, null, null), (n, call) -> throttled());
            requestId = first.send("later", "{\"keep\":\"me\"}");
        }
        try (var second = new Harness(dir)) {
            second.functions.deploy("later", config(2, null, null, null), (n, call) -> ok("{}"));
            eventually("delivered after restart", () -> second.functions.calls("later").size() == 1);
            ScriptedFunctions.Call call = second.functions.calls("later").getFirst();
            assertThat(call.requestId()).isEqualTo(requestId);
            assertThat(call.payload()).isEqualTo("{\"keep\":\"me\"}");
        }
    }

    /** A JSON string document of exactly {@code size} bytes. */
    private static byte[] jsonString(int size) {
        byte[] json = new byte[size];
        Arrays.fill(json, (byte) 'x');
        json[0] = '"';
        json[size - 1] = '"';
        return json;
    }
}
