package dev.lamina.urls;

import static dev.lamina.urls.Calls.CALLER;
import static dev.lamina.urls.Calls.CONTEXT;
import static dev.lamina.urls.Calls.asJavaRuntimeReadsIt;
import static dev.lamina.urls.Calls.call;
import static dev.lamina.urls.Calls.keys;
import static dev.lamina.urls.Calls.ok;
import static dev.lamina.urls.Calls.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FunctionUrlFormatTest {

    private final PayloadFormat format = PayloadFormat.of(null, false);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private final HttpCall post = call("POST", "/pa2%Fth/1", "q=query&multi=foo&multi=%2Fbar&plus=a+b",
            utf8("{\"foo\": \"bar\"}"),
            "Host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost",
            "Content-Type", "application/json",
            "ExTrA-HeadErs", "With WeiRd CapS",
            "X-Repeat", "one",
            "x-repeat", "two",
            "Cookie", "a=1; b=2",
            "Connection", "keep-alive",
            "User-Agent", "test/echo");

    @Test
    void aJavaHandlerReadsTheRequestAsFunctionUrlsSendIt() {
        APIGatewayV2HTTPEvent event = asJavaRuntimeReadsIt(format.event(post, CONTEXT), APIGatewayV2HTTPEvent.class);

        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("$default");
        assertThat(event.getRawPath()).isEqualTo("/pa2%Fth/1");
        assertThat(event.getRawQueryString()).isEqualTo("q=query&multi=foo&multi=%2Fbar&plus=a+b");
        assertThat(event.getCookies()).containsExactly("a=1", "b=2");
        assertThat(event.getHeaders()).containsEntry("host", post.domainName())
                .containsEntry("content-type", "application/json")
                .containsEntry("extra-headers", "With WeiRd CapS")
                .containsEntry("x-repeat", "one,two")
                .containsEntry("cookie", "a=1; b=2")
                .containsEntry("user-agent", "test/echo")
                .containsEntry("x-forwarded-for", "203.0.113.7")
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("x-forwarded-port", "9000")
                .doesNotContainKey("connection");
        assertThat(event.getQueryStringParameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("q", "query", "multi", "foo,/bar", "plus", "a b"));
        assertThat(event.getPathParameters()).isNull();
        assertThat(event.getStageVariables()).isNull();
        assertThat(event.getBody()).isEqualTo("{\"foo\": \"bar\"}");
        assertThat(event.getIsBase64Encoded()).isFalse();

        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        assertThat(rc.getAccountId()).isEqualTo("123456789012");
        assertThat(rc.getApiId()).isEqualTo(CONTEXT.urlId());
        assertThat(rc.getDomainPrefix()).isEqualTo(CONTEXT.urlId());
        assertThat(rc.getDomainName()).isEqualTo(post.domainName());
        assertThat(rc.getRequestId()).isEqualTo("req-1");
        assertThat(rc.getRouteKey()).isEqualTo("$default");
        assertThat(rc.getStage()).isEqualTo("$default");
        assertThat(rc.getTime()).isEqualTo("04/Mar/2020:19:03:58 +0000");
        assertThat(rc.getTimeEpoch()).isEqualTo(Calls.TIME);
        assertThat(rc.getAuthorizer()).isNull();
        assertThat(rc.getHttp().getMethod()).isEqualTo("POST");
        assertThat(rc.getHttp().getPath()).isEqualTo("/pa2%Fth/1");
        assertThat(rc.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(rc.getHttp().getSourceIp()).isEqualTo("203.0.113.7");
        assertThat(rc.getHttp().getUserAgent()).isEqualTo("test/echo");
    }

    /** SAM CLI's sample HttpApi event, less what Function URLs leave out (path parameters, stage variables). */
    @Test
    void theKeysAreThoseOfTheSampleEventFunctionUrlsSend() {
        JsonNode event = tree(format.event(post, new UrlContext(CONTEXT.accountId(), CONTEXT.urlId(),
                CONTEXT.region(), CONTEXT.targetGroupArn(), CALLER)));

        assertThat(keys(event)).containsExactlyInAnyOrder("version", "routeKey", "rawPath", "rawQueryString",
                "cookies", "headers", "queryStringParameters", "requestContext", "body", "isBase64Encoded");
        assertThat(keys(event.get("requestContext"))).containsExactlyInAnyOrder("accountId", "apiId", "authorizer",
                "domainName", "domainPrefix", "http", "requestId", "routeKey", "stage", "time", "timeEpoch");
        assertThat(keys(event.get("requestContext").get("http")))
                .containsExactlyInAnyOrder("method", "path", "protocol", "sourceIp", "userAgent");
        assertThat(keys(event.get("requestContext").get("authorizer").get("iam"))).containsExactlyInAnyOrder(
                "accessKey", "accountId", "callerId", "cognitoIdentity", "principalOrgId", "userArn", "userId");
    }

    @Test
    void anAuthenticatedCallerIsTheIamAuthorizer() {
        UrlContext withCaller = UrlContext.of("123456789012", CONTEXT.urlId(), "us-east-1", "echo", CALLER);
        APIGatewayV2HTTPEvent event = asJavaRuntimeReadsIt(format.event(post, withCaller),
                APIGatewayV2HTTPEvent.class);

        APIGatewayV2HTTPEvent.RequestContext.IAM iam = event.getRequestContext().getAuthorizer().getIam();
        assertThat(iam.getUserArn()).isEqualTo("system:serviceaccount:media:uploader");
        assertThat(iam.getUserId()).isEqualTo("4f9a-uid");
        assertThat(iam.getCallerId()).isEqualTo("4f9a-uid");
        assertThat(iam.getAccountId()).isEqualTo("123456789012");
        assertThat(iam.getAccessKey()).isNull();
    }

    @Test
    void aRequestWithoutQueryBodyOrCookiesHasNoneOfThem() {
        JsonNode event = tree(format.event(call("GET", "/", "", new byte[0], "Host", "h"), CONTEXT));

        assertThat(keys(event)).doesNotContain("cookies", "queryStringParameters", "body");
        assertThat(event.get("rawQueryString").asText()).isEmpty();
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.get("requestContext").get("http").get("userAgent").isNull()).isTrue();
    }

    @Test
    void bodiesThatAreNotTextArriveInBase64() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        byte[] form = utf8("a=1&b=2");
        byte[] gzipped = utf8("pretend gzip");
        for (HttpCall binary : List.of(
                call("POST", "/", "", png, "Content-Type", "image/png"),
                call("POST", "/", "", png),
                call("POST", "/", "", latin1, "Content-Type", "text/plain"),
                call("POST", "/", "", form, "Content-Type", "application/x-www-form-urlencoded"),
                call("POST", "/", "", gzipped, "Content-Type", "application/json", "Content-Encoding", "gzip"))) {
            APIGatewayV2HTTPEvent event = asJavaRuntimeReadsIt(format.event(binary, CONTEXT),
                    APIGatewayV2HTTPEvent.class);
            assertThat(event.getIsBase64Encoded()).as(binary.headers().toString()).isTrue();
            assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(binary.body());
        }
        for (String textType : List.of("text/plain; charset=utf-8", "TEXT/HTML", "application/json",
                "application/javascript", "application/xml")) {
            APIGatewayV2HTTPEvent event = asJavaRuntimeReadsIt(
                    format.event(call("POST", "/", "", utf8("héllo"), "Content-Type", textType), CONTEXT),
                    APIGatewayV2HTTPEvent.class);
            assertThat(event.getIsBase64Encoded()).as(textType).isFalse();
            assertThat(event.getBody()).isEqualTo("héllo");
        }
    }

    @Test
    void anHttpResponseIsMappedByItsFields() {
        HttpAnswer answer = ok(format.answer(utf8("""
                {"statusCode": 201, "headers": {"Content-Type": "text/plain", "My-Custom-Header": "Custom Value",
                 "Content-Length": "999", "X-Number": 5},
                 "cookies": ["a=1; Max-Age=60", "b=2"], "body": "hello", "isBase64Encoded": false}""")));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.headers()).containsExactly(new HttpHeader("Content-Type", "text/plain"),
                new HttpHeader("My-Custom-Header", "Custom Value"), new HttpHeader("X-Number", "5"));
        assertThat(answer.cookies()).containsExactly("a=1; Max-Age=60", "b=2");
        assertThat(answer.headersWithCookies()).endsWith(new HttpHeader("Set-Cookie", "a=1; Max-Age=60"),
                new HttpHeader("Set-Cookie", "b=2"));
        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    }

    @Test
    void aStatusAsAStringIsAStatusAndTheContentTypeDefaultsToJson() {
        HttpAnswer answer = ok(format.answer(utf8("{\"statusCode\": \"418\", \"body\": \"i'm a teapot\"}")));

        assertThat(answer.status()).isEqualTo(418);
        assertThat(answer.headers()).containsExactly(new HttpHeader("content-type", "application/json"));
        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("i'm a teapot");
    }

    @Test
    void aBase64BodyIsDecoded() {
        byte[] bytes = {0, (byte) 0xff, 10, 13};
        HttpAnswer answer = ok(format.answer(utf8("{\"statusCode\": 200, \"isBase64Encoded\": true, \"body\": \""
                + Base64.getEncoder().encodeToString(bytes) + "\"}")));

        assertThat(answer.body()).isEqualTo(bytes);
    }

    @Test
    void jsonWithoutStatusCodeIsA200JsonBodyAndAStringIsItsText() {
        Map<String, String> bodies = Map.of(
                "{\"hello\":\"world\"}", "{\"hello\":\"world\"}",
                "{\"body\":\"x\",\"headers\":{}}", "{\"body\":\"x\",\"headers\":{}}",
                "[\"hello\",3,true]", "[\"hello\",3,true]",
                "\"hello\"", "hello",
                "3", "3",
                "3.1", "3.1",
                "true", "true",
                "null", "null",
                "", "");
        bodies.forEach((response, body) -> {
            HttpAnswer answer = ok(format.answer(utf8(response)));
            assertThat(answer.status()).as(response).isEqualTo(200);
            assertThat(answer.headers()).as(response)
                    .containsExactly(new HttpHeader("content-type", "application/json"));
            assertThat(answer.body()).as(response).asString(StandardCharsets.UTF_8).isEqualTo(body);
        });
    }

    @Test
    void aMalformedResponseIsInvalid() {
        for (String response : List.of("not json", "{\"statusCode\": 200", "{\"statusCode\": \"abc\"}",
                "{\"statusCode\": 99}", "{\"statusCode\": 600}", "{\"statusCode\": 200.5}",
                "{\"statusCode\": 200, \"isBase64Encoded\": true, \"body\": \"***\"}",
                "{\"statusCode\": 200, \"headers\": \"x\"}", "{\"statusCode\": 200, \"headers\": {\"a\": {}}}",
                "{\"statusCode\": 200, \"cookies\": \"a=1\"}", "{} {}")) {
            assertThat(format.answer(utf8(response))).as(response).isInstanceOf(MappedAnswer.Invalid.class);
        }
    }

    @Test
    void aBodyThatIsJsonIsWrittenAsJson() {
        HttpAnswer answer = ok(format.answer(utf8("{\"statusCode\": 200, \"body\": {\"a\": [1, 2]}}")));

        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\":[1,2]}");
    }
}
