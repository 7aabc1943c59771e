package dev.lamina.urls;

import static dev.lamina.urls.Calls.CALLER;
import static dev.lamina.urls.Calls.CONTEXT;
import static dev.lamina.urls.Calls.asJavaRuntimeReadsIt;
import static dev.lamina.urls.Calls.call;
import static dev.lamina.urls.Calls.keys;
import static dev.lamina.urls.Calls.ok;
import static dev.lamina.urls.Calls.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestProxyFormatTest {

    private final PayloadFormat format = PayloadFormat.of("1.0", false);

    private final HttpCall post = call("POST", "/hello/big%20world", "name=me&multivalueName=you&multivalueName=me",
            "{\"a\": 1}".getBytes(StandardCharsets.UTF_8),
            "Host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost",
            "Content-Type", "application/json",
            "headerName", "headerValue",
            "Accept", "text/html",
            "accept", "*/*",
            "User-Agent", "PostmanRuntime/2.4.5");

    @Test
    void aJavaHandlerReadsTheRequestAsApiGatewaysRestProxySendsIt() {
        APIGatewayProxyRequestEvent event = asJavaRuntimeReadsIt(format.event(post, CONTEXT),
                APIGatewayProxyRequestEvent.class);

        assertThat(event.getResource()).isEqualTo("/{proxy+}");
        assertThat(event.getPath()).isEqualTo("/hello/big%20world");
        assertThat(event.getHttpMethod()).isEqualTo("POST");
        assertThat(event.getHeaders()).containsEntry("headerName", "headerValue")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Accept", "*/*")
                .containsEntry("X-Forwarded-For", "203.0.113.7")
                .containsEntry("X-Forwarded-Proto", "http")
                .containsEntry("X-Forwarded-Port", "9000");
        assertThat(event.getMultiValueHeaders()).containsEntry("Accept", List.of("text/html", "*/*"))
                .containsEntry("headerName", List.of("headerValue"));
        assertThat(event.getQueryStringParameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("name", "me", "multivalueName", "me"));
        assertThat(event.getMultiValueQueryStringParameters()).containsExactlyInAnyOrderEntriesOf(
                Map.of("name", List.of("me"), "multivalueName", List.of("you", "me")));
        assertThat(event.getPathParameters()).containsExactly(Map.entry("proxy", "hello/big world"));
        assertThat(event.getStageVariables()).isNull();
        assertThat(event.getBody()).isEqualTo("{\"a\": 1}");
        assertThat(event.getIsBase64Encoded()).isFalse();

        APIGatewayProxyRequestEvent.ProxyRequestContext rc = event.getRequestContext();
        assertThat(rc.getAccountId()).isEqualTo("123456789012");
        assertThat(rc.getApiId()).isEqualTo(CONTEXT.urlId());
        assertThat(rc.getDomainName()).isEqualTo(post.domainName());
        assertThat(rc.getDomainPrefix()).isEqualTo(CONTEXT.urlId());
        assertThat(rc.getExtendedRequestId()).isEqualTo("req-1");
        assertThat(rc.getRequestId()).isEqualTo("req-1");
        assertThat(rc.getHttpMethod()).isEqualTo("POST");
        assertThat(rc.getPath()).isEqualTo("/hello/big%20world");
        assertThat(rc.getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(rc.getRequestTime()).isEqualTo("04/Mar/2020:19:03:58 +0000");
        assertThat(rc.getRequestTimeEpoch()).isEqualTo(Calls.TIME);
        assertThat(rc.getResourcePath()).isEqualTo("/{proxy+}");
        assertThat(rc.getStage()).isEqualTo("$default");
        assertThat(rc.getIdentity().getSourceIp()).isEqualTo("203.0.113.7");
        assertThat(rc.getIdentity().getUserAgent()).isEqualTo("PostmanRuntime/2.4.5");
        assertThat(rc.getIdentity().getUser()).isNull();
        assertThat(rc.getIdentity().getUserArn()).isNull();
    }

    /** SAM CLI's sample AwsProxy event's keys, and the request context's newer ones its sample lacks. */
    @Test
    void theKeysAreThoseOfTheSampleEvent() {
        JsonNode event = tree(format.event(post, CONTEXT));

        assertThat(keys(event)).containsExactlyInAnyOrder("body", "resource", "path", "httpMethod",
                "isBase64Encoded", "queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
                "stageVariables", "headers", "multiValueHeaders", "requestContext");
        assertThat(keys(event.get("requestContext"))).containsExactlyInAnyOrder("accountId", "resourceId", "stage",
                "requestId", "requestTime", "requestTimeEpoch", "identity", "path", "resourcePath", "httpMethod",
                "apiId", "protocol", "domainName", "domainPrefix", "extendedRequestId");
        assertThat(keys(event.get("requestContext").get("identity"))).containsExactlyInAnyOrder(
                "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "accessKey", "sourceIp",
                "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "userAgent", "user",
                "principalOrgId");
    }

    @Test
    void theRootIsTheRootResourceAndAbsentPartsAreNull() {
        JsonNode event = tree(format.event(call("GET", "/", "", new byte[0], "Host", "h"), CONTEXT));

        assertThat(event.get("resource").asText()).isEqualTo("/");
        assertThat(event.get("requestContext").get("resourcePath").asText()).isEqualTo("/");
        for (String absent : List.of("pathParameters", "queryStringParameters", "multiValueQueryStringParameters",
                "stageVariables", "body")) {
            assertThat(event.get(absent).isNull()).as(absent).isTrue();
        }
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
    }

    @Test
    void anAuthenticatedCallerFillsTheIdentity() {
        UrlContext withCaller = UrlContext.of("123456789012", CONTEXT.urlId(), "us-east-1", "echo", CALLER);
        APIGatewayProxyRequestEvent.RequestIdentity identity = asJavaRuntimeReadsIt(format.event(post, withCaller),
                APIGatewayProxyRequestEvent.class).getRequestContext().getIdentity();

        assertThat(identity.getUserArn()).isEqualTo("system:serviceaccount:media:uploader");
        assertThat(identity.getUser()).isEqualTo("4f9a-uid");
        assertThat(identity.getCaller()).isEqualTo("4f9a-uid");
        assertThat(identity.getAccountId()).isEqualTo("123456789012");
    }

    @Test
    void headersAndMultiValueHeadersAreMergedAndTheStatusCodeIsRequired() {
        HttpAnswer answer = ok(format.answer("""
                {"statusCode": 200, "headers": {"X-One": "1", "Set-Cookie": "lost=1"},
                 "multiValueHeaders": {"set-cookie": ["a=1", "b=2"]}, "body": "hi"}"""
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(answer.headers()).containsExactly(new HttpHeader("X-One", "1"),
                new HttpHeader("set-cookie", "a=1"), new HttpHeader("set-cookie", "b=2"),
                new HttpHeader("content-type", "application/json"));
        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("hi");
        for (String invalid : List.of("{\"body\": \"no status\"}", "\"a string\"", "[]", "nope",
                "{\"statusCode\": 200, \"multiValueHeaders\": {\"a\": \"not a list\"}}")) {
            assertThat(format.answer(invalid.getBytes(StandardCharsets.UTF_8))).as(invalid)
                    .isInstanceOf(MappedAnswer.Invalid.class);
        }
    }
}
