package dev.lamina.urls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.urls.FunctionResponse.Refused;
import dev.lamina.urls.ReceivedRequest.EventBody;
import dev.lamina.urls.ReceivedRequest.HeaderGroup;
import dev.lamina.urls.ReceivedRequest.QueryParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The event of an Application Load Balancer's Lambda target group. Header names are lower-cased; query names and
 * values are passed as received, not decoded. Without multi-value headers, {@code headers} and
 * {@code queryStringParameters} carry the last value of a repeated name; with them, {@code multiValueHeaders} and
 * {@code multiValueQueryStringParameters} carry all values instead. The query map is present (empty) without a query,
 * and {@code body} is the empty string without a body, as the load balancer sends them.
 */
record LoadBalancerFormat(boolean multiValueHeaders) implements PayloadFormat {

    @Override
    public byte[] event(HttpCall call, UrlContext context) {
        ObjectNode event = FunctionResponse.JSON.createObjectNode();
        event.putObject("requestContext").putObject("elb").put("targetGroupArn", context.targetGroupArn());
        event.put("httpMethod", call.method());
        event.put("path", call.rawPath());
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (QueryParam p : ReceivedRequest.query(call.rawQueryString())) {
            query.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.value());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HeaderGroup h : ReceivedRequest.headers(call)) {
            headers.put(h.name().toLowerCase(Locale.ROOT), h.values());
        }
        if (multiValueHeaders) {
            putLists(event.putObject("multiValueQueryStringParameters"), query);
            putLists(event.putObject("multiValueHeaders"), headers);
        } else {
            putLast(event.putObject("queryStringParameters"), query);
            putLast(event.putObject("headers"), headers);
        }
        EventBody body = ReceivedRequest.body(call);
        event.put("body", body.text() == null ? "" : body.text());
        event.put("isBase64Encoded", body.base64());
        return FunctionResponse.write(event);
    }

    private static void putLists(ObjectNode node, Map<String, List<String>> values) {
        values.forEach((name, list) -> list.forEach(node.withArray(name)::add));
    }

    private static void putLast(ObjectNode node, Map<String, List<String>> values) {
        values.forEach((name, list) -> node.put(name, list.getLast()));
    }

    /**
     * The load balancer's rules: a JSON object with {@code statusCode}; {@code statusDescription} (the status line's
     * reason); the headers of the target group's mode, merged with the other kind if the function sent it too (the
     * mode's kind wins for a name in both); {@code body}, {@code isBase64Encoded}. No content type is added.
     */
    @Override
    public MappedAnswer answer(byte[] response) {
        try {
            ObjectNode object = FunctionResponse.objectWithStatus(response);
            int status = FunctionResponse.status(object.get("statusCode"));
            List<HttpHeader> headers = multiValueHeaders
                    ? FunctionResponse.headers(object, "headers", "multiValueHeaders")
                    : preferSingle(object);
            return new MappedAnswer.Ok(new HttpAnswer(status, reason(object), headers, List.of(),
                    FunctionResponse.body(object)));
        } catch (Refused e) {
            return new MappedAnswer.Invalid(e.getMessage());
        }
    }

    /** Without multi-value headers {@code headers} is the target group's kind: it wins over a list of the same name. */
    private static List<HttpHeader> preferSingle(ObjectNode object) {
        List<HttpHeader> fromSingle = FunctionResponse.headers(object, "headers", null);
        List<String> singleNames = fromSingle.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList();
        List<HttpHeader> all = new ArrayList<>(FunctionResponse.headers(object, null, "multiValueHeaders").stream()
                .filter(h -> !singleNames.contains(h.name().toLowerCase(Locale.ROOT))).toList());
        all.addAll(0, fromSingle);
        return all;
    }

    /** The reason phrase of {@code statusDescription} ("200 OK" gives "OK"), or null when there is none. */
    private static String reason(ObjectNode object) {
        JsonNode description = object.path("statusDescription");
        if (!description.isTextual()) {
            return null;
        }
        String text = description.textValue().trim();
        int space = text.indexOf(' ');
        return space < 0 ? null : text.substring(space + 1);
    }
}
