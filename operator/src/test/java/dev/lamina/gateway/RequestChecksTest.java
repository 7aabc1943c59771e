package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
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
}
