package dev.lamina.urls;

import static dev.lamina.urls.Calls.CONTEXT;
import static dev.lamina.urls.Calls.asJavaRuntimeReadsIt;
import static dev.lamina.urls.Calls.call;
import static dev.lamina.urls.Calls.keys;
import static dev.lamina.urls.Calls.ok;
import static dev.lamina.urls.Calls.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadBalancerFormatTest {

    private final HttpCall get = call("GET", "/lambda", "myKey=val1&myKey=val%202&other=x+y", new byte[0],
            "Host", "lb.localhost",
            "Cookie", "name1=value1",
            "cookie", "name2=value2",
            "User-Agent", "curl/8");

    @Test
    void withoutMultiValueHeadersTheLastValueOfEachNameIsSentAsReceived() {
        ApplicationLoadBalancerRequestEvent event = asJavaRuntimeReadsIt(
                PayloadFormat.of("alb", false).event(get, CONTEXT), ApplicationLoadBalancerRequestEvent.class);

        assertThat(event.getRequestContext().getElb().getTargetGroupArn()).isEqualTo(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/echo/" + CONTEXT.urlId());
        assertThat(event.getHttpMethod()).isEqualTo("GET");
        assertThat(event.getPath()).isEqualTo("/lambda");
        assertThat(event.getQueryStringParameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("myKey", "val%202", "other", "x+y"));
        assertThat(event.getHeaders()).containsEntry("cookie", "name2=value2")
                .containsEntry("host", "lb.localhost")
                .containsEntry("user-agent", "curl/8")
                .containsEntry("x-forwarded-for", "203.0.113.7")
                .containsEntry("x-forwarded-port", "9000")
                .containsEntry("x-forwarded-proto", "http");
        assertThat(event.getMultiValueHeaders()).isNull();
        assertThat(event.getMultiValueQueryStringParameters()).isNull();
        assertThat(event.getBody()).isEmpty();
        assertThat(event.getIsBase64Encoded()).isFalse();
    }

    @Test
    void withMultiValueHeadersAllValuesAreSentInsteadOfTheSingleOnes() {
        ApplicationLoadBalancerRequestEvent event = asJavaRuntimeReadsIt(
                PayloadFormat.of("alb", true).event(get, CONTEXT), ApplicationLoadBalancerRequestEvent.class);

        assertThat(event.getMultiValueQueryStringParameters()).containsExactlyInAnyOrderEntriesOf(
                Map.of("myKey", List.of("val1", "val%202"), "other", List.of("x+y")));
        assertThat(event.getMultiValueHeaders()).containsEntry("cookie", List.of("name1=value1", "name2=value2"))
                .containsEntry("host", List.of("lb.localhost"));
        assertThat(event.getHeaders()).isNull();
        assertThat(event.getQueryStringParameters()).isNull();
    }

    /** SAM CLI's sample ALBRequest event's keys; with multi-value headers, the multi-value maps instead. */
    @Test
    void theKeysAreThoseOfTheSampleEvent() {
        JsonNode single = tree(PayloadFormat.of("alb", false).event(get, CONTEXT));
        JsonNode multi = tree(PayloadFormat.of("alb", true).event(call("GET", "/", "", new byte[0]), CONTEXT));

        assertThat(keys(single)).containsExactlyInAnyOrder("requestContext", "httpMethod", "path",
                "queryStringParameters", "headers", "body", "isBase64Encoded");
        assertThat(keys(single.get("requestContext"))).containsExactly("elb");
        assertThat(keys(single.get("requestContext").get("elb"))).containsExactly("targetGroupArn");
        assertThat(keys(multi)).containsExactlyInAnyOrder("requestContext", "httpMethod", "path",
                "multiValueQueryStringParameters", "multiValueHeaders", "body", "isBase64Encoded");
        assertThat(multi.get("multiValueQueryStringParameters").isEmpty()).isTrue();
    }

    @Test
    void aBinaryBodyIsBase64() {
        byte[] bytes = {1, 2, 3, (byte) 0xfe};
        ApplicationLoadBalancerRequestEvent event = asJavaRuntimeReadsIt(PayloadFormat.of("alb", false)
                        .event(call("PUT", "/up", "", bytes, "Content-Type", "application/octet-stream"), CONTEXT),
                ApplicationLoadBalancerRequestEvent.class);

        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(bytes);
    }

    @Test
    void theAnswerCarriesTheStatusDescriptionAndTheHeadersOfTheTargetGroupsMode() {
        byte[] response = """
                {"isBase64Encoded": false, "statusCode": 200, "statusDescription": "200 Fine",
                 "headers": {"Set-cookie": "one=1", "Content-Type": "text/plain"},
                 "multiValueHeaders": {"Set-cookie": ["a=1", "b=2"]}, "body": "Hello"}"""
                .getBytes(StandardCharsets.UTF_8);

        HttpAnswer single = ok(PayloadFormat.of("alb", false).answer(response));
        HttpAnswer multi = ok(PayloadFormat.of("alb", true).answer(response));

        assertThat(single.status()).isEqualTo(200);
        assertThat(single.statusDescription()).isEqualTo("Fine");
        assertThat(single.headers()).containsExactly(new HttpHeader("Set-cookie", "one=1"),
                new HttpHeader("Content-Type", "text/plain"));
        assertThat(multi.headers()).containsExactly(new HttpHeader("Content-Type", "text/plain"),
                new HttpHeader("Set-cookie", "a=1"), new HttpHeader("Set-cookie", "b=2"));
        assertThat(single.body()).asString(StandardCharsets.UTF_8).isEqualTo("Hello");
        assertThat(PayloadFormat.of("alb", false).answer("{\"body\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MappedAnswer.Invalid.class);
    }
}
