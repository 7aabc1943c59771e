package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ShimContractTest {

    private static final Pattern TRACE_ID =
            Pattern.compile("Root=1-([0-9a-f]{8})-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");

    @Test
    void aClientContextIsBase64OfOneJsonObject() {
        String encoded = base64("{\"custom\":{\"k\":\"v\"}}");

        ClientContext context = ClientContext.decode(encoded);

        assertThat(context.encoded()).isEqualTo(encoded);
        assertThat(context.json()).isEqualTo("{\"custom\":{\"k\":\"v\"}}");
        assertThat(ClientContext.decode(null)).as("none sent").isNull();
        for (String invalid : new String[] {"%%%", "not base64!", base64("[1]"), base64("{} {}"), base64("{\"a\":")}) {
            assertThatThrownBy(() -> ClientContext.decode(invalid)).as(invalid)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Client context must be a valid Base64-encoded JSON object.");
        }
    }

    @Test
    void aClientContextIsAtMost3583Base64Characters() {
        // {"k":"…"} of 2685 bytes is 3580 characters of base64; 3 bytes more make 3584.
        String atLimit = base64("{\"k\":\"" + "x".repeat(2677) + "\"}");
        String overLimit = base64("{\"k\":\"" + "x".repeat(2680) + "\"}");

        assertThat(atLimit).hasSizeLessThanOrEqualTo(ShimContract.MAX_CLIENT_CONTEXT_BYTES);
        assertThat(ClientContext.decode(atLimit).json()).hasSize(2685);
        assertThat(overLimit).hasSizeGreaterThan(ShimContract.MAX_CLIENT_CONTEXT_BYTES);
        assertThatThrownBy(() -> ClientContext.decode(overLimit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Client context must be at most 3583 bytes of base64-encoded data.");
    }

    @Test
    void aNewTraceIdHasLambdasFormatWithTheCurrentEpochSecond() {
        long before = System.currentTimeMillis() / 1000;
        String traceId = ShimContract.newTraceId();
        long after = System.currentTimeMillis() / 1000;

        Matcher matcher = TRACE_ID.matcher(traceId);
        assertThat(matcher.matches()).as(traceId).isTrue();
        assertThat(Long.parseLong(matcher.group(1), 16)).isBetween(before, after);
        assertThat(ShimContract.newTraceId()).as("random").isNotEqualTo(traceId);
        assertThat(ShimContract.newTraceRoot()).matches("1-[0-9a-f]{8}-[0-9a-f]{24}");
    }

    @Test
    void theInvokePathNamesOneFunction() {
        assertThat(ShimContract.invokePath("my-fn")).isEqualTo("/2015-03-31/functions/my-fn/invocations");
        assertThat(ShimContract.isInvokePath(ShimContract.invokePath("my-fn"))).isTrue();
        assertThat(ShimContract.isInvokePath("/2015-03-31/functions//invocations")).isFalse();
        assertThat(ShimContract.isInvokePath("/2015-03-31/functions/a/b/invocations")).isFalse();
        assertThat(ShimContract.isInvokePath("/2015-03-31/functions/a/invocations/more")).isFalse();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
