package dev.lamina.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.urls.HttpHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Lambda@Edge function's result read as CloudFront reads it, with CloudFront's validation: at request events a
 * result with {@code status} is a generated response, any other the request to go on with; at response events the
 * response. Fields a function leaves out keep the values the event carried; a result that breaks a rule is
 * {@link EdgeOutcome.Invalid} with the reason in words.
 */
public final class EdgeResults {

    /** CloudFront's limit on a URI with its query string. */
    private static final int MAX_URI_LENGTH = 8192;
    private static final Set<String> SSL_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeResults() {
    }

    /**
     * Reads a function's result.
     *
     * @param type     the event type the function ran at
     * @param request  the request the event carried (with its raw body, and its origin at origin events)
     * @param response the response the event carried at response events; null at request events
     * @param result   the function's result bytes
     */
    public static EdgeOutcome read(EdgeEventType type, EdgeRequest request, EdgeResponse response, byte[] result) {
        Objects.requireNonNull(request, "request");
        JsonNode node;
        try {
            node = JSON.readTree(result);
        } catch (IOException e) {
            return new EdgeOutcome.Invalid("the function's result is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return new EdgeOutcome.Invalid("the function's result is not a JSON object");
        }
        try {
            if (!type.isRequest()) {
                return new EdgeOutcome.Respond(response(type, Objects.requireNonNull(response, "response"), node));
            }
            return node.has("status") ? new EdgeOutcome.Generated(generated(type, node))
                    : new EdgeOutcome.ContinueWith(request(type, request, node));
        } catch (Refused refused) {
            return new EdgeOutcome.Invalid(refused.getMessage());
        }
    }

    private static EdgeResponse generated(EdgeEventType type, JsonNode node) {
        int status = status(node.get("status"));
        String description = optionalText(node, "statusDescription");
        EdgeHeaders headers = node.hasNonNull("headers") ? headers(node.get("headers"), "headers") : EdgeHeaders.EMPTY;
        headers.byName().keySet().forEach(name -> checkAdded(type, name, EdgeHeaders.EMPTY));
        byte[] body = node.hasNonNull("body") ? body(node) : new byte[0];
        checkResponse(type, status, headers, body);
        return new EdgeResponse(status, description, headers, body);
    }

    private static EdgeResponse response(EdgeEventType type, EdgeResponse sent, JsonNode node) {
        if (!node.hasNonNull("status")) {
            throw new Refused("the response has no status");
        }
        int status = status(node.get("status"));
        if (type == EdgeEventType.VIEWER_RESPONSE && status != sent.status()) {
            throw new Refused("a viewer-response function may not change the status code (" + sent.status() + " to "
                    + status + ")");
        }
        String description = node.has("statusDescription") ? optionalText(node, "statusDescription")
                : sent.statusDescription();
        EdgeHeaders headers = node.hasNonNull("headers")
                ? changedHeaders(type, sent.headers(), headers(node.get("headers"), "headers")) : sent.headers();
        if (!node.hasNonNull("body")) {
            return new EdgeResponse(status, description, headers, sent.body());
        }
        byte[] body = body(node);
        checkResponse(type, status, headers, body);
        return new EdgeResponse(status, description, headers, body);
    }

    private static EdgeRequest request(EdgeEventType type, EdgeRequest sent, JsonNode node) {
        String uri = requiredText(node, "uri");
        if (!uri.startsWith("/")) {
            throw new Refused("the uri must begin with a slash: " + uri);
        }
        if (uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new Refused("the uri may not contain spaces or control characters");
        }
        unchanged(node, "method", sent.method());
        unchanged(node, "clientIp", sent.clientIp());
        String query = node.has("querystring") ? optionalText(node, "querystring") : sent.querystring();
        query = query == null ? "" : query;
        if (query.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '#')) {
            throw new Refused("the querystring may not contain spaces, control characters or #");
        }
        if (uri.length() + (query.isEmpty() ? 0 : query.length() + 1) >= MAX_URI_LENGTH) {
            throw new Refused("the uri with its querystring must be shorter than " + MAX_URI_LENGTH + " characters");
        }
        EdgeHeaders headers = node.hasNonNull("headers")
                ? changedHeaders(type, sent.headers(), headers(node.get("headers"), "headers")) : sent.headers();
        EdgeRequest withBody = body(type, sent, node.get("body"));
        EdgeRequest.Origin origin = type == EdgeEventType.ORIGIN_REQUEST && node.hasNonNull("origin")
                ? origin(sent.origin(), node.get("origin"), headers) : sent.origin();
        return new EdgeRequest(sent.clientIp(), sent.method(), uri, query, headers, withBody.body(),
                withBody.rawBody(), origin);
    }

    /** The request with the body the function left or put: only {@code action: replace} changes it. */
    private static EdgeRequest body(EdgeEventType type, EdgeRequest sent, JsonNode body) {
        if (body == null || body.isNull()) {
            return sent;
        }
        if (!body.isObject()) {
            throw new Refused("the request body must be an object");
        }
        String action = body.hasNonNull("action") ? requiredText(body, "action") : "read-only";
        switch (action) {
            case "read-only" -> {
                return sent;
            }
            case "replace" -> {
            }
            default -> throw new Refused("the body action must be read-only or replace, not " + action);
        }
        if (sent.body() == null) {
            throw new Refused("the function replaced the request body, but its association does not include the body");
        }
        String encoding = body.hasNonNull("encoding") ? requiredText(body, "encoding") : "base64";
        String data = body.hasNonNull("data") ? requiredText(body, "data") : "";
        byte[] replaced = switch (encoding) {
            case "base64" -> base64(data, "the replaced body's data is not valid base64");
            case "text" -> data.getBytes(StandardCharsets.UTF_8);
            default -> throw new Refused("the body encoding must be base64 or text, not " + encoding);
        };
        int limit = EdgeEvents.includedBodyLimit(type);
        byte[] raw = replaced.length > limit ? Arrays.copyOf(replaced, limit) : replaced;
        return new EdgeRequest(sent.clientIp(), sent.method(), sent.uri(), sent.querystring(), sent.headers(),
                EdgeEvents.includedBody(raw, limit), raw, sent.origin());
    }

    private static EdgeRequest.Origin origin(EdgeRequest.Origin sent, JsonNode node, EdgeHeaders requestHeaders) {
        if (!node.isObject()) {
            throw new Refused("the origin must be an object");
        }
        if (node.has("s3")) {
            throw new Refused("the origin must be a custom origin: Lamina has no Amazon S3 origins");
        }
        JsonNode custom = node.get("custom");
        if (custom == null || !custom.isObject()) {
            throw new Refused("the origin must have exactly one custom origin object");
        }
        EdgeHeaders customHeaders = sent == null ? EdgeHeaders.EMPTY : sent.customHeaders();
        if (custom.hasNonNull("customHeaders")) {
            customHeaders = headers(custom.get("customHeaders"), "origin custom headers");
            for (String name : customHeaders.byName().keySet()) {
                if (EdgeHeaderRules.isDisallowed(name)) {
                    throw new Refused("the origin custom header " + name + " is not allowed");
                }
                if (requestHeaders.contains(name)) {
                    throw new Refused("the header " + name + " is both a request header and an origin custom header");
                }
            }
        }
        String domainName = custom.has("domainName") || sent == null ? requiredText(custom, "domainName")
                : sent.domainName();
        if (sent == null || !domainName.equals(sent.domainName())) {
            if (domainName.isEmpty() || domainName.length() > 253 || domainName.contains(":")
                    || IPV4.matcher(domainName).matches()) {
                throw new Refused("the origin domainName must be a DNS name of at most 253 characters, not an IP "
                        + "address and without a colon: " + domainName);
            }
        }
        String path = custom.has("path") ? optionalText(custom, "path") : sent == null ? "" : sent.path();
        path = path == null ? "" : path;
        if (sent == null || !path.equals(sent.path() == null ? "" : sent.path())) {
            if (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/") || path.length() > 255)) {
                throw new Refused("the origin path must begin with a slash, not end with one and be at most 255 "
                        + "characters: " + path);
            }
        }
        String protocol = custom.has("protocol") || sent == null ? requiredText(custom, "protocol") : sent.protocol();
        if (!protocol.equals("http") && !protocol.equals("https")) {
            throw new Refused("the origin protocol must be http or https, not " + protocol);
        }
        int port = number(custom, "port", sent == null ? ("https".equals(protocol) ? 443 : 80) : sent.port());
        if ((sent == null || port != sent.port()) && port != 80 && port != 443 && (port < 1024 || port > 65535)) {
            throw new Refused("the origin port must be 80, 443 or from 1024 to 65535, not " + port);
        }
        int keepalive = number(custom, "keepaliveTimeout", sent == null ? 5 : sent.keepaliveTimeout());
        if ((sent == null || keepalive != sent.keepaliveTimeout()) && (keepalive < 1 || keepalive > 60)) {
            throw new Refused("the origin keepaliveTimeout must be from 1 to 60 seconds, not " + keepalive);
        }
        int readTimeout = number(custom, "readTimeout", sent == null ? 30 : sent.readTimeout());
        if ((sent == null || readTimeout != sent.readTimeout()) && (readTimeout < 4 || readTimeout > 60)) {
            throw new Refused("the origin readTimeout must be from 4 to 60 seconds, not " + readTimeout);
        }
        JsonNode protocols = custom.get("sslProtocols");
        if (protocols != null && !protocols.isNull()) {
            if (!protocols.isArray()) {
                throw new Refused("the origin sslProtocols must be an array");
            }
            for (JsonNode p : protocols) {
                if (!p.isTextual() || !SSL_PROTOCOLS.contains(p.asText())) {
                    throw new Refused("the origin sslProtocols may name TLSv1.2, TLSv1.1, TLSv1 and SSLv3 only");
                }
            }
        }
        return new EdgeRequest.Origin(customHeaders, domainName, keepalive, path, port, protocol, readTimeout);
    }

    /**
     * The headers a function returned in place of those the event carried: disallowed headers may not be added,
     * read-only ones must be as they were; the lines the function never saw are kept.
     */
    private static EdgeHeaders changedHeaders(EdgeEventType type, EdgeHeaders sent, EdgeHeaders returned) {
        EdgeHeaders visible = EdgeHeaderRules.visible(sent);
        returned.byName().keySet().forEach(name -> checkAdded(type, name, visible));
        for (String name : EdgeHeaderRules.readOnly(type)) {
            if (!visible.values(name).equals(returned.values(name))) {
                throw new Refused("the function added, changed or removed the read-only header " + name);
            }
        }
        List<HttpHeader> lines = new ArrayList<>(returned.lines());
        lines.addAll(EdgeHeaderRules.hidden(sent));
        return EdgeHeaders.of(lines);
    }

    private static void checkAdded(EdgeEventType type, String name, EdgeHeaders sent) {
        if (EdgeHeaderRules.isDisallowed(name)) {
            throw new Refused("the header " + name + " is not allowed");
        }
        if (!sent.contains(name) && EdgeHeaderRules.readOnly(type).contains(name)) {
            throw new Refused("the function added the read-only header " + name);
        }
        if (!sent.contains(name) && EdgeHeaderRules.isRefusedAddition(type, name)) {
            throw new Refused("a " + type.wireName() + " function may not add the header " + name);
        }
    }

    /** A response a function set the body of: no body with 204, headers and body within the event type's limit. */
    private static void checkResponse(EdgeEventType type, int status, EdgeHeaders headers, byte[] body) {
        if (status == 204 && body.length > 0) {
            throw new Refused("a response with status 204 may not have a body");
        }
        long size = body.length;
        for (HttpHeader line : headers.lines()) {
            size += (line.name() + ": " + line.value() + "\r\n").getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > type.maxGeneratedBytes()) {
            throw new Refused("the response (headers and body) is " + size + " bytes, more than the "
                    + type.maxGeneratedBytes() + " a " + type.wireName() + " function may return");
        }
    }

    /**
     * {@code headers}: lower-case name to an array of {@code {key, value}}; a missing key is written in standard
     * case.
     */
    private static EdgeHeaders headers(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new Refused("the " + where + " must be an object");
        }
        List<HttpHeader> lines = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!EdgeHeaderRules.isToken(name)) {
                throw new Refused("the " + where + " name '" + name + "' is not a valid header name");
            }
            if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                throw new Refused("the " + where + " names must be lower case: " + name);
            }
            if (!entry.getValue().isArray()) {
                throw new Refused("each entry of the " + where + " must be an array: " + name);
            }
            for (JsonNode line : entry.getValue()) {
                if (!line.isObject()) {
                    throw new Refused("each line of the " + where + " must be an object with key and value: " + name);
                }
                String value = requiredText(line, "value");
                if (!EdgeHeaderRules.isFieldValue(value)) {
                    throw new Refused("the value of the header " + name + " has control characters");
                }
                String key = line.hasNonNull("key") ? requiredText(line, "key") : EdgeHeaderRules.standardCase(name);
                if (!key.toLowerCase(Locale.ROOT).equals(name)) {
                    throw new Refused("the header key " + key + " does not match its name " + name);
                }
                lines.add(new HttpHeader(key, value));
            }
        }
        return EdgeHeaders.of(lines);
    }

    /** {@code body} with {@code bodyEncoding} ({@code text} when absent, or {@code base64}). */
    private static byte[] body(JsonNode node) {
        if (!node.get("body").isTextual()) {
            throw new Refused("the body must be a string");
        }
        String body = node.get("body").asText();
        String encoding = node.hasNonNull("bodyEncoding") ? requiredText(node, "bodyEncoding") : "text";
        return switch (encoding) {
            case "text" -> body.getBytes(StandardCharsets.UTF_8);
            case "base64" -> base64(body, "the body is not valid base64");
            default -> throw new Refused("the bodyEncoding must be text or base64, not " + encoding);
        };
    }

    /** A status as a string of digits (as CloudFront writes it) or a number, from 200 to 599. */
    private static int status(JsonNode node) {
        String text = node.isTextual() ? node.asText() : node.isIntegralNumber() ? node.asText() : null;
        if (text != null && text.matches("\\d{3}")) {
            int status = Integer.parseInt(text);
            if (status >= 200 && status <= 599) {
                return status;
            }
        }
        throw new Refused("the status must be an HTTP status code from 200 to 599, not " + node);
    }

    private static byte[] base64(String data, String reason) {
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new Refused(reason);
        }
    }

    private static void unchanged(JsonNode node, String field, String sent) {
        if (node.has(field) && !sent.equals(optionalText(node, field))) {
            throw new Refused("the function may not change the read-only field " + field);
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new Refused(field + " must be a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : requiredText(node, field);
    }

    private static int number(JsonNode node, String field, int otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new Refused("the origin " + field + " must be a whole number");
        }
        return value.asInt();
    }

    /** A rule the result broke; becomes {@link EdgeOutcome.Invalid}. */
    private static final class Refused extends RuntimeException {

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
