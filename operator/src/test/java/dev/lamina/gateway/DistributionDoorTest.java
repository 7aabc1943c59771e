package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.edge.EdgeHosts;
import dev.lamina.local.LocalMode;
import dev.lamina.local.LocalModeProfile;
import dev.lamina.testing.TestOrigin;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distributions in local mode, end to end through real HTTP: a viewer's request through Lambda@Edge functions (bash,
 * and the Java origin-response function of examples/edge) to a real origin server and back, the cache, and the
 * answers CloudFront gives when a function or the origin fails. See {@code local-edge/} for the distribution.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Edge.class)
class DistributionDoorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SHOP = EdgeHosts.id("default", "shop");
    private static HttpClient http;

    @Inject
    LocalMode local;

    @BeforeAll
    static void client() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void close() {
        http.close();
    }

    @Test
    void aRequestGoesThroughTheViewerFunctionsToTheOriginAndBack() throws Exception {
        HttpResponse<String> response = get("/rewrite/me?x=1");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(response.body());
        assertThat(seen.get("path").asText()).as("the viewer-request function rewrote the URI").isEqualTo("/echo");
        assertThat(seen.get("headers").get("x-rewritten").asText()).isEqualTo("/rewrite/me");
        assertThat(seen.get("headers").get("x-origin-secret").asText()).as("the origin's custom header")
                .isEqualTo("s3cret");
        assertThat(seen.get("headers").get("x-amz-cf-id").asText())
                .isEqualTo(response.headers().firstValue("X-Amz-Cf-Id").orElseThrow());
        assertThat(seen.get("headers").has("x-origin-request")).as("no origin-request function on this behaviour")
                .isFalse();
        assertThat(response.headers().firstValue("X-Viewer-Response")).contains("yes");
        assertThat(response.headers().firstValue("X-Cache")).contains("Miss from cloudfront");
        assertThat(response.headers().firstValue("Via").orElseThrow()).contains("(Lamina)");
    }

    @Test
    void cacheHitsSkipTheOriginAndItsFunctions() throws Exception {
        HttpResponse<String> first = get("/static/logo.txt?v=1&ignored=a");
        HttpResponse<String> second = get("/static/logo.txt?v=1&ignored=b");
        HttpResponse<String> otherVersion = get("/static/logo.txt?v=2");
        assertThat(first.headers().firstValue("X-Cache")).contains("Miss from cloudfront");
        assertThat(second.headers().firstValue("X-Cache")).contains("Hit from cloudfront");
        assertThat(second.headers().firstValue("Age")).isPresent();
        assertThat(second.body()).as("the stored answer").isEqualTo(first.body());
        assertThat(otherVersion.headers().firstValue("X-Cache")).as("v is in the cache key")
                .contains("Miss from cloudfront");
        assertThat(TestOrigin.shared().requests("/static/logo.txt")).as("one origin request per cache key")
                .isEqualTo(2);
        assertThat(second.headers().firstValue("X-Viewer-Response")).as("viewer-response runs on hits too")
                .contains("yes");
    }

    @Test
    void theJavaOriginResponseFunctionSetsCacheHeadersBeforeTheAnswerIsCached() throws Exception {
        HttpResponse<String> first = get("/static/plain.css");
        HttpResponse<String> second = get("/static/plain.css");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=86400");
        assertThat(second.headers().firstValue("X-Cache")).contains("Hit from cloudfront");
        assertThat(TestOrigin.shared().requests("/static/plain.css")).isEqualTo(1);
    }

    @Test
    void aViewerRequestFunctionAnswersWithoutTheOrigin() throws Exception {
        HttpResponse<String> generated = get("/generated");
        assertThat(generated.statusCode()).isEqualTo(200);
        assertThat(generated.body()).isEqualTo("generated at the edge");
        assertThat(generated.headers().firstValue("X-Cache")).contains("LambdaGeneratedResponse from cloudfront");
        assertThat(generated.headers().firstValue("X-Viewer-Response"))
                .as("no viewer-response function for an answer a viewer-request function generated").isEmpty();
        assertThat(TestOrigin.shared().requests("/generated")).isZero();

        HttpResponse<String> moved = get("/moved");
        assertThat(moved.statusCode()).isEqualTo(302);
        assertThat(moved.headers().firstValue("Location")).as("kept inside the path-based distribution")
                .contains("/edge/" + SHOP + "/echo?from=moved");
    }

    @Test
    void anOriginRequestFunctionWithIncludeBodyReplacesTheBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/api/orders"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(response.body());
        assertThat(seen.get("method").asText()).isEqualTo("POST");
        assertThat(seen.get("body").asText()).isEqualTo("[hello]");
        assertThat(seen.get("headers").get("x-origin-request").asText()).isEqualTo("yes");
    }

    @Test
    void functionsThatFailGetCloudFrontsErrorAnswers() throws Exception {
        HttpResponse<String> invalid = get("/invalid");
        assertThat(invalid.statusCode()).as("a read-only header changed").isEqualTo(502);
        assertThat(invalid.headers().firstValue("X-Cache")).contains("LambdaValidationError from cloudfront");

        HttpResponse<String> timedOut = get("/sleep");
        assertThat(timedOut.statusCode()).isEqualTo(503);
        assertThat(timedOut.headers().firstValue("X-Cache").orElseThrow()).contains("Lambda");

        HttpResponse<String> tooSlow = send(HttpRequest.newBuilder(url("broken", "/")).GET());
        assertThat(tooSlow.statusCode()).as("a viewer function allowed 10 s, over Lambda@Edge's 5 s").isEqualTo(503);
        assertThat(tooSlow.headers().firstValue("X-Cache")).contains("LambdaExecutionError from cloudfront");
        assertThat(local.startProblems()).as("what local mode printed at start")
                .anyMatch(p -> p.contains("broken") && p.contains("edge-too-slow:1 has timeoutSeconds 10"))
                .anyMatch(p -> p.contains("broken") && p.contains("edge-viewer:7 does not exist"));
    }

    @Test
    void originsThatFailGetBadGatewayOrGatewayTimeout() throws Exception {
        assertThat(get("/gone").statusCode()).isEqualTo(502);
        assertThat(get("/slow").statusCode()).isEqualTo(504);
    }

    @Test
    void anOriginsErrorStatusReachesTheViewerWithoutTheViewerResponseFunction() throws Exception {
        HttpResponse<String> response = get("/missing");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("not here");
        assertThat(response.headers().firstValue("X-Cache")).contains("Error from cloudfront");
        assertThat(response.headers().firstValue("X-Viewer-Response")).isEmpty();
    }

    @Test
    void methodsOutsideTheBehavioursAllowedOnesAreRefused() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/refused"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(TestOrigin.shared().requests("/refused")).as("nothing reached the origin for it").isZero();
    }

    @Test
    void theDistributionIsServedOnItsHostsToo() throws Exception {
        for (String host : new String[] {EdgeHosts.domainName(SHOP, "localhost"), "shop.example.test"}) {
            try (RawHttp connection = RawHttp.connect(TIMEOUT)) {
                connection.send("GET /index.html HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                RawHttp.Answer answer = connection.answer();
                assertThat(answer.status()).isEqualTo(200);
                JsonNode seen = JSON.readTree(answer.body());
                assertThat(seen.get("path").asText()).isEqualTo("/index.html");
            }
        }
        HttpResponse<String> root = get("/");
        assertThat(JSON.readTree(root.body()).get("path").asText()).as("the default root object")
                .isEqualTo("/index.html");
    }

    private static HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url(pathAndQuery)).GET());
    }

    private static URI url(String pathAndQuery) {
        return url("shop", pathAndQuery);
    }

    private static URI url(String distribution, String pathAndQuery) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return URI.create("http://127.0.0.1:" + port + EdgeHosts.PATH_PREFIX + EdgeHosts.id("default", distribution)
                + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
