package dev.lamina.edge;

import static dev.lamina.edge.EdgeSamples.CONFIG;
import static dev.lamina.edge.EdgeSamples.cf;
import static dev.lamina.edge.EdgeSamples.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.CloudFrontEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeEventsTest {

    private static final List<String> CONFIG_KEYS =
            List.of("distributionDomainName", "distributionId", "eventType", "requestId");

    @Test
    void viewerRequestHasCloudFrontsKeysInItsOrder() {
        JsonNode cf = cf(EdgeEvents.event(EdgeEventType.VIEWER_REQUEST, CONFIG, EdgeSamples.viewerRequest(), null));

        assertEquals(List.of("config", "request"), keys(cf));
        assertEquals(CONFIG_KEYS, keys(cf.get("config")));
        assertEquals("viewer-request", cf.get("config").get("eventType").asText());
        assertEquals("E2QWRUHAPOMQZL", cf.get("config").get("distributionId").asText());
        assertEquals("d2qwruhapomqzl.edge.example.com", cf.get("config").get("distributionDomainName").asText());
        JsonNode request = cf.get("request");
        assertEquals(List.of("clientIp", "headers", "method", "querystring", "uri"), keys(request));
        assertEquals("203.0.113.178", request.get("clientIp").asText());
        assertEquals("GET", request.get("method").asText());
        assertEquals("size=large", request.get("querystring").asText());
        assertEquals("/pictures/cat.jpg", request.get("uri").asText());
        JsonNode host = request.get("headers").get("host");
        assertTrue(host.isArray());
        assertEquals(List.of("key", "value"), keys(host.get(0)));
        assertEquals("Host", host.get(0).get("key").asText());
        assertEquals("accept", request.get("headers").get("accept").get(0).get("key").asText(),
                "a key keeps the case the viewer wrote");
    }

    @Test
    void functionsNeverSeeDisallowedHeaders() {
        JsonNode headers = cf(EdgeEvents.event(EdgeEventType.VIEWER_REQUEST, CONFIG, EdgeSamples.viewerRequest(),
                null)).get("request").get("headers");

        assertEquals(List.of("host", "user-agent", "accept"), keys(headers));
    }

    @Test
    void anEmptyQueryIsAnEmptyString() {
        EdgeRequest plain = new EdgeRequest("203.0.113.178", "GET", "/", null, EdgeHeaders.EMPTY, null, null, null);

        JsonNode request = cf(EdgeEvents.event(EdgeEventType.VIEWER_REQUEST, CONFIG, plain, null)).get("request");

        assertEquals("", request.get("querystring").asText());
        assertTrue(request.get("headers").isObject());
    }

    @Test
    void originRequestCarriesTheCustomOrigin() {
        JsonNode cf = cf(EdgeEvents.event(EdgeEventType.ORIGIN_REQUEST, CONFIG, EdgeSamples.originRequest(), null));

        assertEquals(List.of("config", "request"), keys(cf));
        assertEquals(List.of("clientIp", "headers", "method", "origin", "querystring", "uri"),
                keys(cf.get("request")));
        JsonNode origin = cf.get("request").get("origin");
        assertEquals(List.of("custom"), keys(origin));
        JsonNode custom = origin.get("custom");
        assertEquals(List.of("customHeaders", "domainName", "keepaliveTimeout", "path", "port", "protocol",
                "readTimeout", "sslProtocols"), keys(custom));
        assertEquals("X-Origin-Secret", custom.get("customHeaders").get("x-origin-secret").get(0).get("key").asText());
        assertEquals("web.media.svc", custom.get("domainName").asText());
        assertTrue(custom.get("keepaliveTimeout").isInt());
        assertEquals(8080, custom.get("port").intValue());
        assertEquals("/site", custom.get("path").asText());
        assertEquals("http", custom.get("protocol").asText());
        assertEquals(30, custom.get("readTimeout").intValue());
        assertTrue(custom.get("sslProtocols").isArray());
    }

    @Test
    void originResponseCarriesTheOriginRequestAndTheResponseWithAStringStatus() {
        JsonNode cf = cf(EdgeEvents.event(EdgeEventType.ORIGIN_RESPONSE, CONFIG, EdgeSamples.originRequest(),
                EdgeSamples.originResponse()));

        assertEquals(List.of("config", "request", "response"), keys(cf));
        assertEquals("origin-response", cf.get("config").get("eventType").asText());
        assertTrue(cf.get("request").has("origin"));
        JsonNode response = cf.get("response");
        assertEquals(List.of("headers", "status", "statusDescription"), keys(response));
        assertTrue(response.get("status").isTextual());
        assertEquals("200", response.get("status").asText());
        assertEquals("OK", response.get("statusDescription").asText());
        assertEquals(2, response.get("headers").get("set-cookie").size());
        assertFalse(response.get("headers").has("connection"));
    }

    @Test
    void viewerResponseHasNoOriginAndAStandardDescriptionWhenNoneWasGiven() {
        EdgeResponse notFound = new EdgeResponse(404, null, EdgeSamples.headers("Content-Type", "text/plain"), null);

        JsonNode cf = cf(EdgeEvents.event(EdgeEventType.VIEWER_RESPONSE, CONFIG, EdgeSamples.viewerRequest(),
                notFound));

        assertEquals(List.of("clientIp", "headers", "method", "querystring", "uri"), keys(cf.get("request")));
        assertEquals("404", cf.get("response").get("status").asText());
        assertEquals("Not Found", cf.get("response").get("statusDescription").asText());
    }

    @Test
    void theIncludedBodyIsBase64ReadOnlyAndFirstInTheRequest() {
        byte[] form = "name=cat&colour=grey".getBytes();
        EdgeRequest post = EdgeSamples.post(EdgeSamples.viewerRequest(), form, EdgeEventType.VIEWER_REQUEST);

        JsonNode request = cf(EdgeEvents.event(EdgeEventType.VIEWER_REQUEST, CONFIG, post, null)).get("request");

        assertEquals(List.of("body", "clientIp", "headers", "method", "querystring", "uri"), keys(request));
        JsonNode body = request.get("body");
        assertEquals(List.of("inputTruncated", "action", "encoding", "data"), keys(body));
        assertFalse(body.get("inputTruncated").asBoolean());
        assertEquals("read-only", body.get("action").asText());
        assertEquals("base64", body.get("encoding").asText());
        assertEquals("name=cat&colour=grey", new String(Base64.getDecoder().decode(body.get("data").asText())));
    }

    @Test
    void theIncludedBodyIsCutAt40KbForViewerRequestsAnd1MbForOriginRequests() {
        byte[] big = new byte[2 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');

        EdgeRequest.Body viewer = EdgeEvents.includedBody(EdgeEventType.VIEWER_REQUEST, big);
        EdgeRequest.Body origin = EdgeEvents.includedBody(EdgeEventType.ORIGIN_REQUEST, big);
        EdgeRequest.Body small = EdgeEvents.includedBody(EdgeEventType.VIEWER_REQUEST, new byte[40 * 1024]);

        assertTrue(viewer.inputTruncated());
        assertEquals(40 * 1024, Base64.getDecoder().decode(viewer.data()).length);
        assertTrue(origin.inputTruncated());
        assertEquals(1024 * 1024, Base64.getDecoder().decode(origin.data()).length);
        assertFalse(small.inputTruncated());
    }

    @Test
    void responseEventsDoNotShowTheRequestBody() {
        EdgeRequest post = EdgeSamples.post(EdgeSamples.originRequest(), "a=1".getBytes(),
                EdgeEventType.ORIGIN_REQUEST);

        JsonNode request = cf(EdgeEvents.event(EdgeEventType.ORIGIN_RESPONSE, CONFIG, post,
                EdgeSamples.originResponse())).get("request");

        assertFalse(request.has("body"));
    }

    @Test
    void aJavaHandlerReadsEveryEventTypeAsCloudFrontEvent() {
        for (EdgeEventType type : EdgeEventType.values()) {
            EdgeRequest request = type.isViewer() ? EdgeSamples.viewerRequest() : EdgeSamples.originRequest();
            byte[] event = EdgeEvents.event(type, CONFIG, request, type.isRequest() ? null
                    : EdgeSamples.originResponse());

            CloudFrontEvent.CF cf = LambdaEventSerializers.serializerFor(CloudFrontEvent.class,
                            CloudFrontEvent.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(event)).getRecords().getFirst().getCf();

            assertEquals("E2QWRUHAPOMQZL", cf.getConfig().getDistributionId(), type.wireName());
            assertEquals("/pictures/cat.jpg", cf.getRequest().getUri());
            assertEquals("GET", cf.getRequest().getMethod());
            assertEquals("203.0.113.178", cf.getRequest().getClientIp());
            assertEquals("User-Agent", cf.getRequest().getHeaders().get("user-agent").getFirst().getKey());
            if (type.isRequest()) {
                assertNull(cf.getResponse());
            } else {
                assertEquals("200", cf.getResponse().getStatus());
                assertEquals("theme=light", cf.getResponse().getHeaders().get("set-cookie").getFirst().getValue());
            }
        }
    }
}
