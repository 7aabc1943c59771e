package dev.lamina.urls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.urls.FunctionResponse.Refused;
import dev.lamina.urls.ReceivedRequest.EventBody;
import dev.lamina.urls.ReceivedRequest.HeaderGroup;
import dev.lamina.urls.ReceivedRequest.QueryParam;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Payload format 2.0, as Function URLs send it. Beyond API Gateway's 2.0 format: the {@code cookie} header stays in
 * {@code headers} as well as being split into {@code cookies}; {@code pathParameters}, {@code stageVariables} and
 * {@code requestContext.authentication} are left out; {@code routeKey} and {@code stage} are {@code $default}.
 */
record FunctionUrlFormat() implements PayloadFormat {

    @Override
    public byte[] event(HttpCall call, UrlContext context) {
        ObjectNode event = FunctionResponse.JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", call.rawPath());
        event.put("rawQueryString", call.rawQueryString());
        List<String> cookies = ReceivedRequest.values(call, "cookie").stream()
                .flatMap(value -> Arrays.stream(value.split(";")))
                .map(String::trim).filter(c -> !c.isEmpty()).toList();
        if (!cookies.isEmpty()) {
            cookies.forEach(event.putArray("cookies")::add);
        }
        List<HeaderGroup> headers = ReceivedRequest.headers(call);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(h -> headerNode.put(h.name().toLowerCase(Locale.ROOT), h.joined()));
        List<QueryParam> query = ReceivedRequest.query(call.rawQueryString());
        if (!query.isEmpty()) {
            Map<String, String> params = new LinkedHashMap<>();
            for (QueryParam p : query) {
                params.merge(ReceivedRequest.decodeQuery(p.name()), ReceivedRequest.decodeQuery(p.value()),
                        (a, b) -> a + "," + b);
            }
            ObjectNode queryNode = event.putObject("queryStringParameters");
            params.forEach(queryNode::put);
        }
        event.set("requestContext", requestContext(call, context, headers));
        EventBody body = ReceivedRequest.body(call);
        if (body.text() != null) {
            event.put("body", body.text());
        }
        event.put("isBase64Encoded", body.base64());
        return FunctionResponse.write(event);
    }

    private static ObjectNode requestContext(HttpCall call, UrlContext context, List<HeaderGroup> headers) {
        ObjectNode rc = FunctionResponse.JSON.createObjectNode();
        rc.put("accountId", context.accountId());
        rc.put("apiId", context.urlId());
        if (context.caller() != null) {
            // The Kubernetes identity in the IAM caller's fields: the user name where AWS puts the caller's ARN,
            // the uid as the caller's and user's id. There is no access key, organization or Cognito identity.
            Caller caller = context.caller();
            ObjectNode iam = rc.putObject("authorizer").putObject("iam");
            iam.putNull("accessKey");
            iam.put("accountId", context.accountId());
            iam.put("callerId", caller.uid());
            iam.putNull("cognitoIdentity");
            iam.putNull("principalOrgId");
            iam.put("userArn", caller.username());
            iam.put("userId", caller.uid());
        }
        rc.put("domainName", call.domainName());
        rc.put("domainPrefix", context.urlId());
        ObjectNode http = rc.putObject("http");
        http.put("method", call.method());
        http.put("path", call.rawPath());
        http.put("protocol", call.protocol());
        http.put("sourceIp", call.sourceIp());
        http.put("userAgent", userAgent(headers));
        rc.put("requestId", call.requestId());
        rc.put("routeKey", "$default");
        rc.put("stage", "$default");
        rc.put("time", ReceivedRequest.requestTime(call.timeEpochMillis()));
        rc.put("timeEpoch", call.timeEpochMillis());
        return rc;
    }

    static String userAgent(List<HeaderGroup> headers) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase("user-agent")).findFirst()
                .map(HeaderGroup::joined).orElse(null);
    }

    /**
     * Lambda's rules for Function URLs: a JSON object with {@code statusCode} is an HTTP response ({@code headers},
     * {@code cookies}, {@code body}, {@code isBase64Encoded}; {@code content-type} defaults to
     * {@code application/json}). Any other valid JSON is a 200 {@code application/json} answer whose body is the
     * response itself, except that a JSON string's body is the string's text. An empty response is an empty 200
     * answer. Anything else is refused.
     */
    @Override
    public MappedAnswer answer(byte[] response) {
        if (isBlank(response)) {
            return ok(200, List.of(), List.of(), new byte[0]);
        }
        Optional<JsonNode> parsed = FunctionResponse.parse(response);
        if (parsed.isEmpty()) {
            return new MappedAnswer.Invalid("the response is not JSON");
        }
        JsonNode json = parsed.get();
        if (!(json instanceof ObjectNode object) || !object.has("statusCode")) {
            byte[] body = json.isTextual() ? json.textValue().getBytes(StandardCharsets.UTF_8) : response;
            return ok(200, List.of(), List.of(), body);
        }
        try {
            return ok(FunctionResponse.status(object.get("statusCode")),
                    FunctionResponse.headers(object, "headers", null), FunctionResponse.cookies(object),
                    FunctionResponse.body(object));
        } catch (Refused e) {
            return new MappedAnswer.Invalid(e.getMessage());
        }
    }

    private static MappedAnswer ok(int status, List<HttpHeader> headers, List<String> cookies, byte[] body) {
        return new MappedAnswer.Ok(
                new HttpAnswer(status, null, FunctionResponse.withJsonDefault(headers), cookies, body));
    }

    private static boolean isBlank(byte[] response) {
        for (byte b : response) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
