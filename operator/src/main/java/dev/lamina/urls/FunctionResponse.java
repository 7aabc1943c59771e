package dev.lamina.urls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reading the fields of a function's HTTP response, by the rules the three payload formats share. */
final class FunctionResponse {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The answer's length and framing are the door's to set; a function's own are dropped, as ALB documents. */
    private static final Set<String> DROPPED = Set.of("content-length", "connection", "keep-alive",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    /** A response a format's rules refuse; turned into {@link MappedAnswer.Invalid} by the format. */
    static final class Refused extends RuntimeException {

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private FunctionResponse() {
    }

    /** The response as one JSON document, or empty when it is not one. */
    static Optional<JsonNode> parse(byte[] payload) {
        try (var parser = JSON.createParser(payload)) {
            JsonNode node = JSON.readTree(parser);
            if (node == null || node.isMissingNode() || parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The response as a JSON object, or refused. */
    static ObjectNode object(byte[] payload) {
        return parse(payload).filter(JsonNode::isObject).map(ObjectNode.class::cast)
                .orElseThrow(() -> new Refused("the response is not a JSON object"));
    }

    /** The response of a format that requires a status: a JSON object with {@code statusCode}, or refused. */
    static ObjectNode objectWithStatus(byte[] payload) {
        ObjectNode object = object(payload);
        if (!object.hasNonNull("statusCode")) {
            throw new Refused("the response has no statusCode");
        }
        return object;
    }

    /** {@code statusCode}: an integer, or a string of one, from 100 to 599. */
    static int status(JsonNode statusCode) {
        int status;
        if (statusCode.isIntegralNumber() && statusCode.canConvertToInt()) {
            status = statusCode.intValue();
        } else if (statusCode.isTextual()) {
            try {
                status = Integer.parseInt(statusCode.textValue().trim());
            } catch (NumberFormatException e) {
                throw new Refused("statusCode is not a number: " + statusCode);
            }
        } else {
            throw new Refused("statusCode is not a number: " + statusCode);
        }
        if (status < 100 || status > 599) {
            throw new Refused("statusCode is out of range: " + status);
        }
        return status;
    }

    /**
     * {@code body} decoded: a string as UTF-8, or base64 when {@code isBase64Encoded} is true; another JSON value is
     * written as JSON; none is empty.
     */
    static byte[] body(ObjectNode response) {
        JsonNode body = response.path("body");
        boolean base64 = bool(response, "isBase64Encoded");
        if (body.isMissingNode() || body.isNull()) {
            return new byte[0];
        }
        if (!body.isTextual()) {
            if (base64) {
                throw new Refused("isBase64Encoded is true but body is not a string");
            }
            return write(body);
        }
        if (!base64) {
            return body.textValue().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return java.util.Base64.getDecoder().decode(body.textValue());
        } catch (IllegalArgumentException e) {
            throw new Refused("body is not valid base64");
        }
    }

    /** A boolean field; absent or null is false. */
    static boolean bool(ObjectNode response, String field) {
        JsonNode value = response.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new Refused(field + " is not a boolean");
        }
        return value.booleanValue();
    }

    /**
     * {@code headers} (one value each) merged with {@code multiValueHeaders} (lists), as API Gateway merges them:
     * a name present in {@code multiValueHeaders} takes its values from there only. Pass null to read one kind only.
     */
    static List<HttpHeader> headers(ObjectNode response, String singleField, String multiField) {
        JsonNode single = singleField == null ? null : fieldObject(response, singleField);
        JsonNode multi = multiField == null ? null : fieldObject(response, multiField);
        Set<String> multiNames = new HashSet<>();
        if (multi != null) {
            multi.fieldNames().forEachRemaining(name -> multiNames.add(name.toLowerCase(Locale.ROOT)));
        }
        List<HttpHeader> headers = new ArrayList<>();
        if (single != null) {
            for (Map.Entry<String, JsonNode> field : single.properties()) {
                if (!multiNames.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                    scalar(field.getKey(), field.getValue()).ifPresent(v -> add(headers, field.getKey(), v));
                }
            }
        }
        if (multi != null) {
            for (Map.Entry<String, JsonNode> field : multi.properties()) {
                JsonNode values = field.getValue();
                if (values.isNull()) {
                    continue;
                }
                if (!values.isArray()) {
                    throw new Refused(multiField + "." + field.getKey() + " is not a list");
                }
                values.forEach(v -> scalar(field.getKey(), v).ifPresent(text -> add(headers, field.getKey(), text)));
            }
        }
        return headers;
    }

    /** Adds {@code content-type: application/json} when the function named no content type. */
    static List<HttpHeader> withJsonDefault(List<HttpHeader> headers) {
        if (headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("content-type"))) {
            return headers;
        }
        List<HttpHeader> all = new ArrayList<>(headers);
        all.add(new HttpHeader("content-type", "application/json"));
        return all;
    }

    /** {@code cookies}: a list of strings, or none. */
    static List<String> cookies(ObjectNode response) {
        JsonNode cookies = response.path("cookies");
        if (cookies.isMissingNode() || cookies.isNull()) {
            return List.of();
        }
        if (!cookies.isArray()) {
            throw new Refused("cookies is not a list");
        }
        List<String> list = new ArrayList<>();
        cookies.forEach(c -> scalar("cookies", c).ifPresent(list::add));
        return list;
    }

    static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private static JsonNode fieldObject(ObjectNode response, String field) {
        JsonNode value = response.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new Refused(field + " is not an object");
        }
        return value;
    }

    /** A header value: strings as they are, numbers and booleans as written; null is no value. */
    private static Optional<String> scalar(String name, JsonNode value) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new Refused(name + " has a value that is not a string");
        }
        return Optional.of(value.asText());
    }

    private static void add(List<HttpHeader> headers, String name, String value) {
        if (!DROPPED.contains(name.toLowerCase(Locale.ROOT))) {
            headers.add(new HttpHeader(name, value));
        }
    }
}
