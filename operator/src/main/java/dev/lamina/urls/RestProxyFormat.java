package dev.lamina.urls;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.urls.FunctionResponse.Refused;
import dev.lamina.urls.ReceivedRequest.EventBody;
import dev.lamina.urls.ReceivedRequest.HeaderGroup;
import dev.lamina.urls.ReceivedRequest.QueryParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Payload format 1.0: API Gateway's REST API Lambda proxy integration, as if the URL were an API whose only resource
 * is the greedy {@code /{proxy+}} ({@code ANY} method) on a stage named {@code $default} reached without a stage
 * prefix. So {@code resource} is {@code /{proxy+}} and {@code pathParameters} is {@code {"proxy": <path without its
 * leading slash, decoded>}}; the root path {@code /} matches the root resource instead: {@code resource} {@code /} and
 * no path parameters. Headers keep their case; {@code headers} and {@code queryStringParameters} carry the last value
 * of a repeated name, the {@code multiValue} maps all of them. Absent parts are JSON nulls, as API Gateway sends them.
 */
record RestProxyFormat() implements PayloadFormat {

    static final String PROXY_RESOURCE = "/{proxy+}";

    @Override
    public byte[] event(HttpCall call, UrlContext context) {
        boolean root = call.rawPath().equals("/") || call.rawPath().isEmpty();
        String resource = root ? "/" : PROXY_RESOURCE;
        ObjectNode event = FunctionResponse.JSON.createObjectNode();
        event.put("resource", resource);
        event.put("path", call.rawPath());
        event.put("httpMethod", call.method());
        List<HeaderGroup> headers = ReceivedRequest.headers(call);
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        for (HeaderGroup h : headers) {
            single.put(h.name(), h.last());
            h.values().forEach(multi.putArray(h.name())::add);
        }
        List<QueryParam> query = ReceivedRequest.query(call.rawQueryString());
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            Map<String, List<String>> params = new LinkedHashMap<>();
            query.forEach(p -> params.computeIfAbsent(ReceivedRequest.decodeQuery(p.name()), k -> new ArrayList<>())
                    .add(ReceivedRequest.decodeQuery(p.value())));
            ObjectNode singleQuery = event.putObject("queryStringParameters");
            ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
            params.forEach((name, values) -> {
                singleQuery.put(name, values.getLast());
                values.forEach(multiQuery.putArray(name)::add);
            });
        }
        if (root) {
            event.putNull("pathParameters");
        } else {
            event.putObject("pathParameters").put("proxy", ReceivedRequest.decodePath(call.rawPath().substring(1)));
        }
        event.putNull("stageVariables");
        event.set("requestContext", requestContext(call, context, resource, headers));
        EventBody body = ReceivedRequest.body(call);
        event.put("body", body.text());
        event.put("isBase64Encoded", body.base64());
        return FunctionResponse.write(event);
    }

    private static ObjectNode requestContext(HttpCall call, UrlContext context, String resource,
                                             List<HeaderGroup> headers) {
        ObjectNode rc = FunctionResponse.JSON.createObjectNode();
        rc.put("accountId", context.accountId());
        rc.put("apiId", context.urlId());
        rc.put("domainName", call.domainName());
        rc.put("domainPrefix", context.urlId());
        rc.put("extendedRequestId", call.requestId());
        rc.put("httpMethod", call.method());
        ObjectNode identity = rc.putObject("identity");
        Caller caller = context.caller();
        // An authenticated Kubernetes caller fills the fields of an AWS_IAM caller: the account, the uid as caller
        // and user, the user name where AWS puts the user's ARN.
        identity.putNull("accessKey");
        identity.put("accountId", caller == null ? null : context.accountId());
        identity.put("caller", caller == null ? null : caller.uid());
        identity.putNull("cognitoAuthenticationProvider");
        identity.putNull("cognitoAuthenticationType");
        identity.putNull("cognitoIdentityId");
        identity.putNull("cognitoIdentityPoolId");
        identity.putNull("principalOrgId");
        identity.put("sourceIp", call.sourceIp());
        identity.put("user", caller == null ? null : caller.uid());
        identity.put("userAgent", FunctionUrlFormat.userAgent(headers));
        identity.put("userArn", caller == null ? null : caller.username());
        rc.put("path", call.rawPath());
        rc.put("protocol", call.protocol());
        rc.put("requestId", call.requestId());
        rc.put("requestTime", ReceivedRequest.requestTime(call.timeEpochMillis()));
        rc.put("requestTimeEpoch", call.timeEpochMillis());
        rc.put("resourceId", context.urlId());
        rc.put("resourcePath", resource);
        rc.put("stage", "$default");
        return rc;
    }

    /**
     * API Gateway's proxy rules: the response must be a JSON object with {@code statusCode}; {@code headers} and
     * {@code multiValueHeaders} are merged (a name in {@code multiValueHeaders} takes its values from there);
     * {@code body}, {@code isBase64Encoded}; {@code content-type} defaults to {@code application/json}.
     */
    @Override
    public MappedAnswer answer(byte[] response) {
        try {
            ObjectNode object = FunctionResponse.objectWithStatus(response);
            List<HttpHeader> headers = FunctionResponse.headers(object, "headers", "multiValueHeaders");
            return new MappedAnswer.Ok(new HttpAnswer(FunctionResponse.status(object.get("statusCode")), null,
                    FunctionResponse.withJsonDefault(headers), List.of(), FunctionResponse.body(object)));
        } catch (Refused e) {
            return new MappedAnswer.Invalid(e.getMessage());
        }
    }
}
