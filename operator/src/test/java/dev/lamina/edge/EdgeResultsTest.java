package dev.lamina.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class EdgeResultsTest {

    private static final EdgeEventType VIEWER_REQUEST = EdgeEventType.VIEWER_REQUEST;
    private static final EdgeEventType ORIGIN_REQUEST = EdgeEventType.ORIGIN_REQUEST;
    private static final EdgeEventType ORIGIN_RESPONSE = EdgeEventType.ORIGIN_RESPONSE;
    private static final EdgeEventType VIEWER_RESPONSE = EdgeEventType.VIEWER_RESPONSE;

    /** The request the viewer-request event carried, as a function that changes nothing returns it. */
    private static final String VIEWER_HEADERS = """
            "host": [{"key": "Host", "value": "d2qwruhapomqzl.edge.example.com"}],
            "user-agent": [{"key": "User-Agent", "value": "curl/8.5.0"}],
            "accept": [{"key": "accept", "value": "*/*"}]""";

    private static final String ORIGIN_HEADERS = """
            "host": [{"key": "Host", "value": "web.media.svc"}],
            "user-agent": [{"key": "User-Agent", "value": "Amazon CloudFront"}],
            "via": [{"key": "Via", "value": "2.0 lamina (CloudFront)"}],
            "accept-encoding": [{"key": "Accept-Encoding", "value": "gzip"}]""";

    private static final String RESPONSE_HEADERS = """
            "content-type": [{"key": "Content-Type", "value": "text/html; charset=utf-8"}],
            "content-length": [{"key": "Content-Length", "value": "11"}],
            "server": [{"key": "Server", "value": "nginx"}],
            "set-cookie": [{"key": "Set-Cookie", "value": "theme=light"}, {"key": "Set-Cookie", "value": "session=abc"}],
            "via": [{"key": "Via", "value": "1.1 proxy"}]""";

    private static EdgeOutcome viewerRequest(String result) {
        return EdgeResults.read(VIEWER_REQUEST, EdgeSamples.viewerRequest(), null, bytes(result));
    }

    private static EdgeOutcome originRequest(String result) {
        return EdgeResults.read(ORIGIN_REQUEST, EdgeSamples.originRequest(), null, bytes(result));
    }

    private static EdgeOutcome response(EdgeEventType type, String result) {
        return EdgeResults.read(type, EdgeSamples.originRequest(), EdgeSamples.originResponse(), bytes(result));
    }

    private static String request(String headers, String extra) {
        return "{\"clientIp\": \"203.0.113.178\", \"headers\": {" + headers + "}, \"method\": \"GET\", "
                + "\"querystring\": \"size=large\", \"uri\": \"/pictures/cat.jpg\"" + extra + "}";
    }

    private static EdgeRequest continued(EdgeOutcome outcome) {
        return assertInstanceOf(EdgeOutcome.ContinueWith.class, outcome).request();
    }

    private static EdgeResponse generated(EdgeOutcome outcome) {
        return assertInstanceOf(EdgeOutcome.Generated.class, outcome).response();
    }

    private static EdgeResponse responded(EdgeOutcome outcome) {
        return assertInstanceOf(EdgeOutcome.Respond.class, outcome).response();
    }

    /** The reason a well-formed result was refused. */
    private static String invalid(EdgeOutcome outcome) {
        String reason = assertInstanceOf(EdgeOutcome.Invalid.class, outcome).reason();
        assertFalse(reason.contains("not valid JSON"), "the test's own JSON is broken: " + reason);
        return reason;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    class Requests {

        @Test
        void theRequestAsSentGoesOnUnchanged() {
            EdgeRequest sent = EdgeSamples.viewerRequest();

            EdgeRequest request = continued(viewerRequest(request(VIEWER_HEADERS, "")));

            assertEquals(sent.uri(), request.uri());
            assertEquals(sent.querystring(), request.querystring());
            assertEquals(sent.headers().lines(), request.headers().lines());
        }

        @Test
        void aFunctionChangesUriQueryAndHeadersAndTheHiddenHeadersStay() {
            EdgeRequest request = continued(viewerRequest("""
                    {"clientIp": "203.0.113.178", "method": "GET", "querystring": "size=small",
                     "uri": "/pictures/small/cat.jpg",
                     "headers": {%s, "x-experiment": [{"value": "b"}]}}""".formatted(VIEWER_HEADERS)));

            assertEquals("/pictures/small/cat.jpg", request.uri());
            assertEquals("size=small", request.querystring());
            assertEquals("b", request.headers().first("x-experiment"));
            assertEquals("X-Experiment", request.headers().byName().get("x-experiment").getFirst().name(),
                    "a line without key gets the name in standard case");
            assertEquals("keep-alive", request.headers().first("connection"));
            assertEquals("https", request.headers().first("x-forwarded-proto"));
        }

        @Test
        void aFunctionMayRemoveAHeader() {
            EdgeRequest request = continued(viewerRequest(request("""
                    "host": [{"key": "Host", "value": "d2qwruhapomqzl.edge.example.com"}]""", "")));

            assertFalse(request.headers().contains("user-agent"));
            assertTrue(request.headers().contains("host"));
        }

        @Test
        void leftOutFieldsKeepTheirValues() {
            EdgeRequest sent = EdgeSamples.viewerRequest();

            EdgeRequest request = continued(viewerRequest("{\"uri\": \"/other\"}"));

            assertEquals("/other", request.uri());
            assertEquals(sent.querystring(), request.querystring());
            assertEquals(sent.headers(), request.headers());
        }

        @Test
        void theRawBodyGoesOnWhenTheFunctionDidNotReplaceIt() {
            byte[] body = "name=cat".getBytes();
            EdgeRequest post = EdgeSamples.post(EdgeSamples.viewerRequest(), body, VIEWER_REQUEST);

            EdgeRequest request = continued(EdgeResults.read(VIEWER_REQUEST, post, null, bytes("""
                    {"uri": "/form", "method": "POST",
                     "body": {"inputTruncated": false, "action": "read-only", "encoding": "text", "data": "changed"}}""")));

            assertArrayEquals(body, request.rawBody());
        }

        @Test
        void aFunctionReplacesTheBodyAsTextOrBase64() {
            EdgeRequest post = EdgeSamples.post(EdgeSamples.originRequest(), "name=cat".getBytes(), ORIGIN_REQUEST);

            EdgeRequest text = continued(EdgeResults.read(ORIGIN_REQUEST, post, null, bytes("""
                    {"uri": "/form", "body": {"action": "replace", "encoding": "text", "data": "name=dog"}}""")));
            EdgeRequest base64 = continued(EdgeResults.read(ORIGIN_REQUEST, post, null, bytes("""
                    {"uri": "/form", "body": {"action": "replace", "data": "%s"}}"""
                    .formatted(Base64.getEncoder().encodeToString(new byte[] {0, 1, 2})))));

            assertEquals("name=dog", new String(text.rawBody()));
            assertArrayEquals(new byte[] {0, 1, 2}, base64.rawBody());
        }

        @Test
        void aReplacedBodyIsCutAtTheEventTypesLimit() {
            EdgeRequest post = EdgeSamples.post(EdgeSamples.viewerRequest(), "a".getBytes(), VIEWER_REQUEST);

            EdgeRequest request = continued(EdgeResults.read(VIEWER_REQUEST, post, null, bytes("""
                    {"uri": "/form", "body": {"action": "replace", "encoding": "text", "data": "%s"}}"""
                    .formatted("x".repeat(50 * 1024)))));

            assertEquals(40 * 1024, request.rawBody().length);
        }

        @Test
        void aBodyReplacementIsRefusedWhenBrokenOrNotIncluded() {
            EdgeRequest post = EdgeSamples.post(EdgeSamples.viewerRequest(), "a".getBytes(), VIEWER_REQUEST);

            invalid(EdgeResults.read(VIEWER_REQUEST, post, null, bytes("""
                    {"uri": "/", "body": {"action": "replace", "encoding": "base64", "data": "*not base64*"}}""")));
            invalid(EdgeResults.read(VIEWER_REQUEST, post, null, bytes("""
                    {"uri": "/", "body": {"action": "replace", "encoding": "gzip", "data": "a"}}""")));
            invalid(EdgeResults.read(VIEWER_REQUEST, post, null, bytes("""
                    {"uri": "/", "body": {"action": "discard"}}""")));
            invalid(viewerRequest("""
                    {"uri": "/", "body": {"action": "replace", "encoding": "text", "data": "a"}}"""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"not json", "[1, 2]", "null", "\"a string\"", "42"})
        void aResultMustBeAJsonObject(String result) {
            assertInstanceOf(EdgeOutcome.Invalid.class, viewerRequest(result));
        }

        @Test
        void theUriMustBeThereAndBeginWithASlash() {
            invalid(viewerRequest("{\"method\": \"GET\"}"));
            invalid(viewerRequest("{\"uri\": \"pictures/cat.jpg\"}"));
            invalid(viewerRequest("{\"uri\": \"/a b\"}"));
            invalid(viewerRequest("{\"uri\": \"/" + "a".repeat(8192) + "\"}"));
        }

        @Test
        void methodAndClientIpAreReadOnly() {
            invalid(viewerRequest("{\"uri\": \"/\", \"method\": \"DELETE\"}"));
            invalid(viewerRequest("{\"uri\": \"/\", \"clientIp\": \"192.0.2.1\"}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a b", "a#b", "a\\u0001b"})
        void theQuerystringMayNotHaveSpacesControlsOrFragments(String query) {
            invalid(viewerRequest("{\"uri\": \"/\", \"querystring\": \"" + query + "\"}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"connection", "x-cache", "x-edge-location", "x-amz-cf-pop", "x-forwarded-proto",
                "upgrade", "x-real-ip"})
        void disallowedHeadersMayNotBeAdded(String name) {
            String reason = invalid(viewerRequest(request(VIEWER_HEADERS,
                    "").replace("\"accept\":", "\"" + name + "\": [{\"value\": \"x\"}], \"accept\":")));

            assertTrue(reason.contains(name), reason);
        }

        @Test
        void viewerRequestReadOnlyHeadersMayNotBeChangedAddedOrRemoved() {
            invalid(viewerRequest(request(VIEWER_HEADERS.replace("d2qwruhapomqzl.edge.example.com", "evil.example"),
                    "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"content-length\": [{\"value\": \"3\"}]", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"via\": [{\"value\": \"1.1 x\"}]", "")));
            invalid(viewerRequest(request("\"user-agent\": [{\"key\": \"User-Agent\", \"value\": \"x\"}]", "")));
        }

        @Test
        void aViewerRequestFunctionMayNotAddTheViewerCountry() {
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"cloudfront-viewer-country\": [{\"value\": \"NL\"}]",
                    "")));
        }

        @Test
        void originRequestReadOnlyHeadersIncludeContentLengthAndConditionals() {
            invalid(originRequest(request(ORIGIN_HEADERS + ", \"content-length\": [{\"value\": \"0\"}]", "")));
            invalid(originRequest(request(ORIGIN_HEADERS + ", \"if-none-match\": [{\"value\": \"\\\"e1\\\"\"}]",
                    "")));
            invalid(originRequest(request(ORIGIN_HEADERS.replace("gzip", "br"), "")));
            EdgeRequest request = continued(originRequest(request(ORIGIN_HEADERS.replace("web.media.svc",
                    "other.media.svc"), "")));
            assertEquals("other.media.svc", request.headers().first("host"), "Host is writable at origin request");
        }

        @Test
        void headerEntriesMustBeWellFormed() {
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"x-a\": {\"key\": \"X-A\", \"value\": \"1\"}", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"x-a\": [{\"key\": \"X-B\", \"value\": \"1\"}]", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"X-A\": [{\"key\": \"X-A\", \"value\": \"1\"}]", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"x-a\": [{\"key\": \"X-A\", \"value\": 1}]", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"x a\": [{\"value\": \"1\"}]", "")));
            invalid(viewerRequest(request(VIEWER_HEADERS + ", \"x-a\": [{\"value\": \"1\\r\\nx-b: 2\"}]", "")));
            invalid(viewerRequest("{\"uri\": \"/\", \"headers\": []}"));
        }

        @Test
        void anOriginRequestFunctionRoutesToAnotherOrigin() {
            EdgeRequest request = continued(originRequest("""
                    {"uri": "/pictures/cat.jpg", "origin": {"custom": {
                       "customHeaders": {"x-tenant": [{"key": "X-Tenant", "value": "blue"}]},
                       "domainName": "blue.example.com", "keepaliveTimeout": 10, "path": "/v2", "port": 443,
                       "protocol": "https", "readTimeout": 20, "sslProtocols": ["TLSv1.2"]}}}"""));

            EdgeRequest.Origin origin = request.origin();
            assertEquals("blue.example.com", origin.domainName());
            assertEquals(443, origin.port());
            assertEquals("https", origin.protocol());
            assertEquals("/v2", origin.path());
            assertEquals(10, origin.keepaliveTimeout());
            assertEquals(20, origin.readTimeout());
            assertEquals("blue", origin.customHeaders().first("x-tenant"));
        }

        @Test
        void anOriginLeftOutOrUnchangedIsKeptEvenWhereTheRulesWouldRefuseIt() {
            assertEquals(EdgeSamples.ORIGIN, continued(originRequest("{\"uri\": \"/\"}")).origin());
            EdgeRequest.Origin local = new EdgeRequest.Origin(EdgeHeaders.EMPTY, "127.0.0.1", 5, "", 81, "http", 30);
            EdgeRequest sent = new EdgeRequest("203.0.113.178", "GET", "/", "", EdgeHeaders.EMPTY, null, null, local);

            EdgeRequest request = continued(EdgeResults.read(ORIGIN_REQUEST, sent, null, bytes("""
                    {"uri": "/", "origin": {"custom": {"customHeaders": {}, "domainName": "127.0.0.1",
                     "keepaliveTimeout": 5, "path": "", "port": 81, "protocol": "http", "readTimeout": 30}}}""")));

            assertEquals(local, request.origin());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"port\": 81", "\"port\": 70000", "\"protocol\": \"ftp\"",
                "\"domainName\": \"192.0.2.10\"", "\"domainName\": \"a.example:8080\"", "\"domainName\": \"\"",
                "\"path\": \"v2\"", "\"path\": \"/v2/\"", "\"keepaliveTimeout\": 61", "\"readTimeout\": 3",
                "\"sslProtocols\": [\"TLSv1.3\"]", "\"port\": \"443\"",
                "\"customHeaders\": {\"x-cache\": [{\"value\": \"1\"}]}",
                "\"customHeaders\": {\"user-agent\": [{\"value\": \"1\"}]}"})
        void originChangesFollowTheRules(String field) {
            invalid(originRequest(request(ORIGIN_HEADERS, ", \"origin\": {\"custom\": {" + field + "}}")));
        }

        @Test
        void onlyCustomOriginsAreTaken() {
            invalid(originRequest("{\"uri\": \"/\", \"origin\": {\"s3\": {\"domainName\": \"b.s3.amazonaws.com\"}}}"));
            invalid(originRequest("{\"uri\": \"/\", \"origin\": {}}"));
        }
    }

    @Nested
    class GeneratedResponses {

        @Test
        void aResultWithStatusAnswersTheViewerRequest() {
            EdgeResponse response = generated(viewerRequest("""
                    {"status": "302", "statusDescription": "Found",
                     "headers": {"location": [{"key": "Location", "value": "https://example.com/"}],
                                 "cache-control": [{"value": "max-age=60"}]},
                     "body": "moved"}"""));

            assertEquals(302, response.status());
            assertEquals("Found", response.statusDescription());
            assertEquals("https://example.com/", response.headers().first("location"));
            assertEquals("Cache-Control", response.headers().byName().get("cache-control").getFirst().name());
            assertEquals("moved", new String(response.body()));
        }

        @Test
        void onlyTheStatusIsNeeded() {
            EdgeResponse response = generated(originRequest("{\"status\": \"401\"}"));

            assertEquals(401, response.status());
            assertNull(response.statusDescription());
            assertEquals(0, response.body().length);
        }

        @Test
        void aNumericStatusIsTakenToo() {
            assertEquals(200, generated(viewerRequest("{\"status\": 200}")).status());
        }

        @Test
        void aBase64BodyIsDecoded() {
            byte[] png = {(byte) 0x89, 'P', 'N', 'G'};

            EdgeResponse response = generated(viewerRequest("""
                    {"status": "200", "bodyEncoding": "base64", "body": "%s",
                     "headers": {"content-type": [{"value": "image/png"}]}}"""
                    .formatted(Base64.getEncoder().encodeToString(png))));

            assertArrayEquals(png, response.body());
        }

        @Test
        void aBrokenBodyIsRefused() {
            invalid(viewerRequest("{\"status\": \"200\", \"bodyEncoding\": \"base64\", \"body\": \"%%%\"}"));
            invalid(viewerRequest("{\"status\": \"200\", \"bodyEncoding\": \"gzip\", \"body\": \"a\"}"));
            invalid(viewerRequest("{\"status\": \"200\", \"body\": {\"a\": 1}}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"199\"", "\"600\"", "\"abc\"", "\"\"", "true", "200.5", "null"})
        void theStatusMustBeFrom200To599(String status) {
            invalid(viewerRequest("{\"status\": " + status + "}"));
        }

        @Test
        void aNoContentAnswerHasNoBody() {
            invalid(viewerRequest("{\"status\": \"204\", \"body\": \"x\"}"));
            assertEquals(204, generated(viewerRequest("{\"status\": \"204\"}")).status());
        }

        @Test
        void aGeneratedResponseKeepsWithinTheEventTypesSize() {
            String result = "{\"status\": \"200\", \"body\": \"" + "x".repeat(40 * 1024 + 1) + "\"}";

            String reason = invalid(viewerRequest(result));
            generated(originRequest(result));

            assertTrue(reason.contains("40960"), reason);
            invalid(originRequest("{\"status\": \"200\", \"body\": \"" + "x".repeat(1024 * 1024 + 1) + "\"}"));
            generated(viewerRequest("{\"status\": \"200\", \"body\": \"" + "x".repeat(40 * 1024) + "\"}"));
        }

        @Test
        void headersCountTowardsTheSize() {
            String almost = "x".repeat(40 * 1024 - 20);

            generated(viewerRequest("{\"status\": \"200\", \"body\": \"" + almost + "\"}"));
            invalid(viewerRequest("{\"status\": \"200\", \"body\": \"" + almost
                    + "\", \"headers\": {\"x-padding\": [{\"value\": \"0123456789\"}]}}"));
        }

        @Test
        void aGeneratedResponseMayNotSetDisallowedHeaders() {
            invalid(viewerRequest("{\"status\": \"200\", \"headers\": {\"x-cache\": [{\"value\": \"Hit\"}]}}"));
            invalid(viewerRequest("{\"status\": \"200\", \"headers\": {\"connection\": [{\"value\": \"close\"}]}}"));
        }
    }

    @Nested
    class Responses {

        @Test
        void anOriginResponseFunctionReplacesStatusHeadersAndBody() {
            EdgeResponse response = responded(response(ORIGIN_RESPONSE, """
                    {"status": "200", "statusDescription": "OK",
                     "headers": {%s, "x-rewritten": [{"value": "yes"}]}, "body": "<p>hi</p>"}"""
                    .formatted(RESPONSE_HEADERS.replace("\"server\": [{\"key\": \"Server\", \"value\": \"nginx\"}],",
                            ""))));

            assertEquals("<p>hi</p>", new String(response.body()));
            assertEquals("yes", response.headers().first("x-rewritten"));
            assertFalse(response.headers().contains("server"));
            assertEquals("close", response.headers().first("connection"), "a header functions never see stays");
        }

        @Test
        void anOriginResponseFunctionMayTurnAnErrorIntoAPage() {
            EdgeResponse notFound = new EdgeResponse(404, "Not Found", EdgeHeaders.EMPTY, "nope".getBytes());

            EdgeResponse response = responded(EdgeResults.read(ORIGIN_RESPONSE, EdgeSamples.originRequest(), notFound,
                    bytes("{\"status\": \"200\", \"body\": \"fallback\", \"headers\": {}}")));

            assertEquals(200, response.status());
            assertEquals("fallback", new String(response.body()));
        }

        @Test
        void theOriginsBodyStaysWhenTheFunctionSetsNone() {
            EdgeResponse response = responded(response(ORIGIN_RESPONSE,
                    "{\"status\": \"200\", \"headers\": {" + RESPONSE_HEADERS + "}}"));

            assertEquals("hello world", new String(response.body()));
            assertEquals(List.of("theme=light", "session=abc"), response.headers().values("set-cookie"));
        }

        @Test
        void aViewerResponseFunctionMayNotChangeTheStatus() {
            String reason = invalid(response(VIEWER_RESPONSE,
                    "{\"status\": \"404\", \"headers\": {" + RESPONSE_HEADERS + "}}"));

            assertTrue(reason.contains("status"), reason);
            EdgeResponse response = responded(response(VIEWER_RESPONSE, "{\"status\": \"200\", \"headers\": {"
                    + RESPONSE_HEADERS + ", \"strict-transport-security\": [{\"value\": \"max-age=63072000\"}]}}"));
            assertEquals("max-age=63072000", response.headers().first("strict-transport-security"));
        }

        @Test
        void readOnlyResponseHeadersStayAsTheyWere() {
            invalid(response(ORIGIN_RESPONSE, "{\"status\": \"200\", \"headers\": {"
                    + RESPONSE_HEADERS.replace("1.1 proxy", "1.1 other") + "}}"));
            invalid(response(ORIGIN_RESPONSE, "{\"status\": \"200\", \"headers\": {"
                    + RESPONSE_HEADERS + ", \"transfer-encoding\": [{\"value\": \"chunked\"}]}}"));
            invalid(response(VIEWER_RESPONSE, "{\"status\": \"200\", \"headers\": {"
                    + RESPONSE_HEADERS + ", \"warning\": [{\"value\": \"110 - stale\"}]}}"));
            invalid(response(VIEWER_RESPONSE, "{\"status\": \"200\", \"headers\": {"
                    + RESPONSE_HEADERS + ", \"x-cache\": [{\"value\": \"Hit\"}]}}"));
        }

        @Test
        void aResponseNeedsAValidStatus() {
            invalid(response(ORIGIN_RESPONSE, "{\"headers\": {}}"));
            invalid(response(ORIGIN_RESPONSE, "{\"status\": \"700\"}"));
        }

        @Test
        void aReplacedBodyKeepsWithinTheEventTypesSize() {
            invalid(response(VIEWER_RESPONSE, "{\"status\": \"200\", \"body\": \"" + "x".repeat(41 * 1024) + "\"}"));
            responded(response(ORIGIN_RESPONSE, "{\"status\": \"200\", \"body\": \"" + "x".repeat(41 * 1024) + "\"}"));
        }
    }
}
