package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RequestChecksTest {

    @Test
    void acceptsOneJsonValueOrNothing() {
        assertThat(RequestChecks.payloadError(Buffer.buffer())).isNull();
        assertThat(RequestChecks.payloadError(Buffer.buffer("{\"a\":[1,2,{\"b\":null}]}"))).isNull();
        assertThat(RequestChecks.payloadError(Buffer.buffer("\"just a string\""))).isNull();
        assertThat(RequestChecks.payloadError(Buffer.buffer("42"))).isNull();
        assertThat(RequestChecks.payloadError(Buffer.buffer("  "))).isNull();
    }

    @Test
    void rejectsWhatIsNotJson() {
        assertThat(RequestChecks.payloadError(Buffer.buffer("hello")))
                .startsWith("Could not parse request body into json");
        assertThat(RequestChecks.payloadError(Buffer.buffer("{\"a\":"))).startsWith("Could not parse request body");
        assertThat(RequestChecks.payloadError(Buffer.buffer("{} {}"))).contains("Unexpected content");
    }

    @Test
    void clientContextIsBase64OfAJsonObjectWithinTheLimit() {
        assertThat(RequestChecks.clientContextError(null)).isNull();
        assertThat(RequestChecks.clientContextError(base64("{\"custom\":{\"k\":\"v\"}}"))).isNull();
        assertThat(RequestChecks.clientContextError("%%%")).contains("Base64-encoded JSON object");
        assertThat(RequestChecks.clientContextError(base64("[1]"))).contains("Base64-encoded JSON object");
        assertThat(RequestChecks.clientContextError(base64("{\"k\":\"" + "x".repeat(3000) + "\"}")))
                .contains("3583");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
