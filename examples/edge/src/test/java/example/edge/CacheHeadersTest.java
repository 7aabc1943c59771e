package example.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.CloudFrontEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CacheHeadersTest {

    // As the Java runtime reads events: "Records" fills records, fields CloudFrontEvent has no place for are skipped.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final CacheHeaders handler = new CacheHeaders();
    /** What the handler logged, through the only part of the Context it uses: its logger. */
    private final List<String> logs = new ArrayList<>();
    private final LambdaLogger logger = new LambdaLogger() {
        @Override
        public void log(String message) {
            logs.add(message.strip());
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    };
    private final Context context = (Context) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Context.class}, (proxy, method, args) -> method.getName().equals("getLogger") ? logger
                    : null);

    @Test
    void aStylesheetTheOriginSentWithNoCacheIsKeptForADay() throws IOException {
        Map<String, Object> result = handler.handleRequest(event(sample()), context);

        assertThat(cacheControl(result)).isEqualTo(CacheHeaders.LONG_LIVED);
        assertThat(logs).containsExactly("long-lived cache-control for /assets/app.css");
    }

    @Test
    void theResultIsTheOriginsResponseInLambdaAtEdgeShapeWithItsOtherHeaders() throws IOException {
        Map<String, Object> result = handler.handleRequest(event(sample()), context);

        assertThat(JSON.readTree(JSON.writeValueAsString(result))).isEqualTo(JSON.readTree("""
                {"status": "200", "statusDescription": "OK", "headers": {
                  "content-type": [{"key": "Content-Type", "value": "text/css; charset=utf-8"}],
                  "cache-control": [{"key": "Cache-Control", "value": "public, max-age=86400"}],
                  "set-cookie": [{"key": "Set-Cookie", "value": "theme=light"},
                                 {"key": "Set-Cookie", "value": "lang=en"}]}}
                """));
    }

    @Test
    void anAssetWithoutCacheControlGetsOne() throws IOException {
        ObjectNode sample = sample();
        response(sample).withObject("/headers").remove("cache-control");
        request(sample).put("uri", "/assets/logo.PNG");

        assertThat(cacheControl(handler.handleRequest(event(sample), context))).isEqualTo(CacheHeaders.LONG_LIVED);
    }

    @Test
    void weakPoliciesAreReplaced() throws IOException {
        for (String weak : List.of("max-age=0", "must-revalidate", "public, no-cache, max-age=600", "max-age=abc")) {
            assertThat(cacheControl(handler.handleRequest(event(withCacheControl(weak)), context)))
                    .as(weak).isEqualTo(CacheHeaders.LONG_LIVED);
        }
    }

    @Test
    void theOriginsOwnLifetimeAndItsRefusalToBeStoredAreKept() throws IOException {
        for (String kept : List.of("max-age=600", "public, s-maxage=3600", "no-store", "private, max-age=0")) {
            assertThat(cacheControl(handler.handleRequest(event(withCacheControl(kept)), context)))
                    .as(kept).isEqualTo(kept);
        }
    }

    @Test
    void pagesAndFailedAnswersAreLeftAsTheOriginSentThem() throws IOException {
        ObjectNode page = sample();
        request(page).put("uri", "/a/index.html");
        ObjectNode missing = sample();
        response(missing).put("status", "404").put("statusDescription", "Not Found");

        assertThat(cacheControl(handler.handleRequest(event(page), context))).isEqualTo("no-cache");
        assertThat(cacheControl(handler.handleRequest(event(missing), context))).isEqualTo("no-cache");
        assertThat(logs).isEmpty();
    }

    private static ObjectNode sample() throws IOException {
        try (InputStream in = CacheHeadersTest.class.getResourceAsStream("/origin-response.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static ObjectNode withCacheControl(String value) throws IOException {
        ObjectNode sample = sample();
        response(sample).withObject("/headers").putArray("cache-control").addObject()
                .put("key", "Cache-Control").put("value", value);
        return sample;
    }

    private static ObjectNode request(ObjectNode sample) {
        return sample.withObject("/Records/0/cf/request");
    }

    private static ObjectNode response(ObjectNode sample) {
        return sample.withObject("/Records/0/cf/response");
    }

    private static CloudFrontEvent event(ObjectNode json) throws IOException {
        return JSON.treeToValue(json, CloudFrontEvent.class);
    }

    @SuppressWarnings("unchecked")
    private static String cacheControl(Map<String, Object> result) {
        var headers = (Map<String, List<Map<String, String>>>) result.get("headers");
        return headers.get("cache-control").getFirst().get("value");
    }
}
