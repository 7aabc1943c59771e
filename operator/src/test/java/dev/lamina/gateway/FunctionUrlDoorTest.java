package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.local.LocalModeProfile;
import dev.lamina.testing.HeadlessChromium;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionUrlConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionUrlConfigResponse;

/**
 * Function URLs in local mode, through real HTTP clients: the events each payload format gives the function, the
 * answers mapped back, CORS as a browser applies it, and the URL configuration as the AWS SDK reads it. The function
 * ({@code local-urls/mirror.yaml}) answers what the request's body asks it to, or else the event it received.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Urls.class)
class FunctionUrlDoorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static LambdaClient lambda;
    private static HttpClient http;

    @BeforeAll
    static void clients() {
        lambda = Gateway.lambda();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void close() {
        lambda.close();
        http.close();
    }

    @Test
    void theFunctionGetsThePayloadFormat2Event() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("mirror", "/items/a%20b?x=1&x=2&y=3"))
                .header("Cookie", "a=1; b=2")
                .header("X-Multi", "one").header("X-Multi", "two")
                .GET());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode event = JSON.readTree(response.body());
        assertThat(event.get("version").asText()).isEqualTo("2.0");
        assertThat(event.get("routeKey").asText()).isEqualTo("$default");
        assertThat(event.get("rawPath").asText()).as("the path as sent, after the URL's own prefix")
                .isEqualTo("/items/a%20b");
        assertThat(event.get("rawQueryString").asText()).isEqualTo("x=1&x=2&y=3");
        assertThat(JSON.convertValue(event.get("cookies"), List.class)).containsExactly("a=1", "b=2");
        assertThat(event.get("headers").get("x-multi").asText()).isEqualTo("one,two");
        assertThat(event.get("queryStringParameters").get("x").asText()).isEqualTo("1,2");
        JsonNode context = event.get("requestContext");
        String id = urlId("mirror", null);
        assertThat(context.get("apiId").asText()).isEqualTo(id);
        assertThat(context.get("domainPrefix").asText()).isEqualTo(id);
        assertThat(context.get("http").get("method").asText()).isEqualTo("GET");
        assertThat(context.get("http").get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.get("stage").asText()).isEqualTo("$default");
        assertThat(context.get("timeEpoch").isNumber()).isTrue();
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
    }

    @Test
    void aHostBasedUrlReachesTheSameFunction() throws Exception {
        String id = urlId("mirror", null);
        // curl sends the Host header of a wildcard-DNS name without needing the DNS.
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30",
                "--resolve", id + ".lambda-url.localhost:" + Gateway.endpoint().getPort() + ":127.0.0.1",
                "http://" + id + ".lambda-url.localhost:" + Gateway.endpoint().getPort() + "/by/host?q=1")
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JsonNode event = JSON.readTree(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(event.get("rawPath").asText()).isEqualTo("/by/host");
        assertThat(event.get("requestContext").get("domainName").asText())
                .isEqualTo(id + ".lambda-url.localhost");
    }

    @Test
    void theAnswerIsMappedByLambdasRules() throws Exception {
        HttpResponse<String> mapped = post("mirror", """
                {"answer": {"statusCode": 201, "headers": {"x-answer": "yes"}, "cookies": ["s=1; Path=/"],
                            "body": "aGk=", "isBase64Encoded": true}}""");
        assertThat(mapped.statusCode()).isEqualTo(201);
        assertThat(mapped.headers().firstValue("x-answer")).hasValue("yes");
        assertThat(mapped.headers().allValues("set-cookie")).containsExactly("s=1; Path=/");
        assertThat(mapped.body()).isEqualTo("hi");

        HttpResponse<String> bare = post("mirror", "{\"answer\": {\"hello\": \"world\"}}");
        assertThat(bare.statusCode()).as("an answer without statusCode is the body").isEqualTo(200);
        assertThat(bare.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(bare.body()).get("hello").asText()).isEqualTo("world");

        HttpResponse<String> malformed = post("mirror", "{\"answer\": {\"statusCode\": \"many\"}}");
        assertThat(malformed.statusCode()).isEqualTo(502);
        HttpResponse<String> badBase64 = post("mirror",
                "{\"answer\": {\"statusCode\": 200, \"body\": \"@@@\", \"isBase64Encoded\": true}}");
        assertThat(badBase64.statusCode()).isEqualTo(502);
    }

    @Test
    void restProxyAndLoadBalancerEventsReachFunctionsWrittenForThem() throws Exception {
        JsonNode rest = JSON.readTree(send(HttpRequest.newBuilder(url("mirror", "rest", "/orders/7?tag=a&tag=b"))
                .header("X-Multi", "one").header("X-Multi", "two").GET()).body());
        assertThat(rest.get("httpMethod").asText()).isEqualTo("GET");
        assertThat(rest.get("path").asText()).isEqualTo("/orders/7");
        assertThat(JSON.convertValue(rest.get("multiValueQueryStringParameters").get("tag"), List.class))
                .containsExactly("a", "b");
        assertThat(JSON.convertValue(rest.get("multiValueHeaders").get("X-Multi"), List.class))
                .containsExactly("one", "two");
        assertThat(rest.has("requestContext")).isTrue();

        JsonNode alb = JSON.readTree(send(HttpRequest.newBuilder(url("mirror", "alb", "/lb?tag=a&tag=b"))
                .GET()).body());
        assertThat(alb.get("requestContext").get("elb").get("targetGroupArn").asText())
                .startsWith("arn:aws:elasticloadbalancing:");
        assertThat(alb.has("headers")).isTrue();
        assertThat(alb.has("multiValueHeaders")).isFalse();

        JsonNode multi = JSON.readTree(send(HttpRequest.newBuilder(url("mirror", "albmulti", "/lb?tag=a&tag=b"))
                .header("X-Multi", "one").header("X-Multi", "two").GET()).body());
        assertThat(multi.has("headers")).as("multi-value headers replace single ones").isFalse();
        assertThat(JSON.convertValue(multi.get("multiValueHeaders").get("x-multi"), List.class))
                .containsExactly("one", "two");
        assertThat(JSON.convertValue(multi.get("multiValueQueryStringParameters").get("tag"), List.class))
                .containsExactly("a", "b");
    }

    @Test
    void preflightsAreAnsweredWithoutTheFunctionAndOtherOriginsGetNoCorsHeaders() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(url("mirror", "/"))
                .header("Origin", "http://allowed.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("http://allowed.example");
        assertThat(preflight.body()).as("the function, which answers its event, was not invoked").isEmpty();

        HttpResponse<String> other = send(HttpRequest.newBuilder(url("mirror", "/"))
                .header("Origin", "http://other.example").GET());
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void aBrowserMayReadTheAnswerOnlyFromAnAllowedOrigin() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.startOrSkip()) {
            URI allowed = browser.newPageOrigin();
            URI refused = browser.newPageOrigin();
            Path file = Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class), "mirror.yaml");
            Files.writeString(file, Files.readString(file)
                    .replace("\"http://allowed.example\"", "\"http://allowed.example\", \"" + allowed + "\""));
            await().atMost(TIMEOUT).until(() -> lambda.getFunctionUrlConfig(b -> b.functionName("mirror"))
                    .cors().allowOrigins().contains(allowed.toString()));

            HeadlessChromium.FetchOptions post = HeadlessChromium.FetchOptions.get().method("POST")
                    .body("{\"answer\": {\"statusCode\": 200, \"headers\": {\"x-answer\": \"yes\"}, \"body\": \"ok\"}}");
            HeadlessChromium.FetchOutcome seen = browser.fetchFrom(allowed, url("mirror", "/"), post);
            assertThat(seen).isInstanceOfSatisfying(HeadlessChromium.FetchOutcome.Answered.class, answered -> {
                assertThat(answered.status()).isEqualTo(200);
                assertThat(answered.body()).isEqualTo("ok");
                assertThat(answered.headers()).as("an exposed header").containsEntry("x-answer", "yes");
            });
            assertThat(browser.fetchFrom(refused, url("mirror", "/"), post))
                    .isInstanceOf(HeadlessChromium.FetchOutcome.Refused.class);
        }
    }

    @Test
    void aStreamingUrlSendsThePreludeThenEachChunkAsTheFunctionWritesIt() throws Exception {
        Path gate = Files.createTempDirectory("lamina-gate-");
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url("ticker", "/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"chunks\": [\"one\", \"two\"], \"gate\": \"" + gate + "\"}"))
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).as("the prelude's status").isEqualTo(201);
        assertThat(response.headers().firstValue("x-stream")).hasValue("yes");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("t=1");
        try (InputStream body = response.body()) {
            assertThat(within(() -> new String(body.readNBytes(3), StandardCharsets.UTF_8)))
                    .as("the first chunk, while the function waits to write the second").isEqualTo("one");
            Files.createFile(gate.resolve("1"));
            assertThat(within(() -> new String(body.readAllBytes(), StandardCharsets.UTF_8))).isEqualTo("two");
        }
    }

    @Test
    void aBufferedUrlCollectsAStreamAndAppliesItsPrelude() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("ticker", "buffered", "/"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"chunks\": [\"one\", \"two\"]}")));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("x-stream")).hasValue("yes");
        assertThat(response.headers().firstValue("content-length")).as("answered whole").hasValue("6");
        assertThat(response.body()).isEqualTo("onetwo");
    }

    @Test
    void aStreamThatFailsMidwayIsCutOffNotCompleted() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url("ticker", "/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"chunks\": [\"one\"], \"fail\": \"broke\"}"))
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(201);
        try (InputStream body = response.body()) {
            assertThatThrownBy(() -> within(body::readAllBytes)).as("the client sees an incomplete answer")
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    /** A blocking read, bounded: a gateway that buffered the stream would keep it waiting. */
    private static <T> T within(Callable<T> read) throws Exception {
        FutureTask<T> task = new FutureTask<>(read);
        Thread.ofVirtual().start(task);
        return task.get(60, TimeUnit.SECONDS);
    }

    @Test
    void theAwsSdkReadsTheUrlConfiguration() {
        GetFunctionUrlConfigResponse latest = lambda.getFunctionUrlConfig(b -> b.functionName("mirror"));
        assertThat(latest.functionUrl()).isEqualTo(Gateway.endpoint() + "/lambda-url/" + urlId("mirror", null) + "/");
        assertThat(latest.authTypeAsString()).isEqualTo("NONE");
        assertThat(latest.invokeModeAsString()).isEqualTo("BUFFERED");
        assertThat(latest.cors().exposeHeaders()).containsExactly("x-answer");
        assertThat(lambda.getFunctionUrlConfig(b -> b.functionName("mirror").qualifier("rest")).functionArn())
                .endsWith(":function:mirror:rest");
        assertThat(lambda.listFunctionUrlConfigs(b -> b.functionName("mirror")).functionUrlConfigs().stream()
                .map(FunctionUrlConfig::functionArn).map(arn -> arn.substring(arn.indexOf(":function:") + 10)))
                .containsExactly("mirror", "mirror:alb", "mirror:albmulti", "mirror:rest");
    }

    @Test
    void badRequestsGetTheAnswersFunctionUrlsGive() throws Exception {
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(
                Gateway.endpoint().resolve("/lambda-url/00000000000000000000000000000000/")).GET());
        assertThat(unknown.statusCode()).isEqualTo(403);
        HttpResponse<String> tooLarge = send(HttpRequest.newBuilder(url("mirror", "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[6 * 1024 * 1024 + 1])));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    private static String urlId(String function, String alias) {
        return dev.lamina.urls.FunctionUrls.id("default", function, alias);
    }

    private static URI url(String function, String pathAndQuery) {
        return url(function, null, pathAndQuery);
    }

    /** The path-based URL, as GetFunctionUrlConfig gives it, plus a path and query. */
    private static URI url(String function, String alias, String pathAndQuery) {
        String base = lambda.getFunctionUrlConfig(b -> b.functionName(function).qualifier(alias)).functionUrl();
        return URI.create(base.substring(0, base.length() - 1) + pathAndQuery);
    }

    private static HttpResponse<String> post(String function, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url(function, "/")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
