package dev.lamina.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.urls.HttpHeader;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The event a Lambda@Edge function is invoked with, as CloudFront writes it:
 * {@code {"Records":[{"cf":{"config":{…},"request":{…},"response":{…}}}]}}, keys in CloudFront's order. Headers
 * CloudFront never shows to functions are left out ({@link EdgeHeaderRules}).
 */
public final class EdgeEvents {

    /** The origin TLS protocols events name ({@code sslProtocols}); Lamina connects with what its client offers. */
    private static final List<String> SSL_PROTOCOLS = List.of("TLSv1.2");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeEvents() {
    }

    /**
     * {@code cf.config}: which distribution and request the event belongs to.
     *
     * @param distributionDomainName the distribution's host, e.g. {@code d2qwruhapomqzl.edge.example.com}
     * @param distributionId         the distribution's id ({@link EdgeHosts#id})
     * @param requestId              the viewer request's id (the {@code X-Amz-Cf-Id} it is answered with); the same in
     *                               every event of one request
     */
    public record Config(String distributionDomainName, String distributionId, String requestId) {

        public Config {
            Objects.requireNonNull(distributionDomainName, "distributionDomainName");
            Objects.requireNonNull(distributionId, "distributionId");
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /**
     * The event JSON for a function of this type.
     *
     * @param request  the request: the viewer's (viewer events) or the one going to the origin (origin events); its
     *                 {@code body} appears only at request events, its {@code origin} only at origin events
     * @param response the response at response events (the origin's, or the one going to the viewer); ignored at
     *                 request events
     */
    public static byte[] event(EdgeEventType type, Config config, EdgeRequest request, EdgeResponse response) {
        ObjectNode cf = JSON.createObjectNode();
        ObjectNode configNode = cf.putObject("config");
        configNode.put("distributionDomainName", config.distributionDomainName());
        configNode.put("distributionId", config.distributionId());
        configNode.put("eventType", type.wireName());
        configNode.put("requestId", config.requestId());
        cf.set("request", request(type, request));
        if (!type.isRequest()) {
            cf.set("response", response(Objects.requireNonNull(response, "response at a response event")));
        }
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").addObject().set("cf", cf);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** The largest body a function of this type is shown with {@code includeBody}: 40 KB or 1 MB. */
    public static int includedBodyLimit(EdgeEventType type) {
        return switch (type) {
            case VIEWER_REQUEST -> 40 * 1024;
            case ORIGIN_REQUEST -> 1024 * 1024;
            case ORIGIN_RESPONSE, VIEWER_RESPONSE ->
                    throw new IllegalArgumentException("only request events include the body, not " + type.wireName());
        };
    }

    /** {@code cf.request.body} for a request body: base64, read-only, cut at the event type's limit. */
    public static EdgeRequest.Body includedBody(EdgeEventType type, byte[] body) {
        return includedBody(body, includedBodyLimit(type));
    }

    /** {@code cf.request.body} for a request body cut at {@code limit} bytes. */
    public static EdgeRequest.Body includedBody(byte[] body, int limit) {
        boolean truncated = body.length > limit;
        byte[] shown = truncated ? Arrays.copyOf(body, limit) : body;
        return new EdgeRequest.Body(truncated, "read-only", "base64", Base64.getEncoder().encodeToString(shown));
    }

    private static ObjectNode request(EdgeEventType type, EdgeRequest request) {
        ObjectNode node = JSON.createObjectNode();
        if (type.isRequest() && request.body() != null) {
            EdgeRequest.Body body = request.body();
            ObjectNode bodyNode = node.putObject("body");
            bodyNode.put("inputTruncated", body.inputTruncated());
            bodyNode.put("action", body.action());
            bodyNode.put("encoding", body.encoding());
            bodyNode.put("data", body.data());
        }
        node.put("clientIp", request.clientIp());
        node.set("headers", headers(request.headers()));
        node.put("method", request.method());
        if (!type.isViewer() && request.origin() != null) {
            node.putObject("origin").set("custom", origin(request.origin()));
        }
        node.put("querystring", request.querystring());
        node.put("uri", request.uri());
        return node;
    }

    private static ObjectNode origin(EdgeRequest.Origin origin) {
        ObjectNode custom = JSON.createObjectNode();
        custom.set("customHeaders", headers(origin.customHeaders()));
        custom.put("domainName", origin.domainName());
        custom.put("keepaliveTimeout", origin.keepaliveTimeout());
        custom.put("path", origin.path() == null ? "" : origin.path());
        custom.put("port", origin.port());
        custom.put("protocol", origin.protocol());
        custom.put("readTimeout", origin.readTimeout());
        ArrayNode protocols = custom.putArray("sslProtocols");
        SSL_PROTOCOLS.forEach(protocols::add);
        return custom;
    }

    private static ObjectNode response(EdgeResponse response) {
        ObjectNode node = JSON.createObjectNode();
        node.set("headers", headers(response.headers()));
        node.put("status", Integer.toString(response.status()));
        node.put("statusDescription", response.statusDescription() == null
                ? ReasonPhrases.of(response.status()) : response.statusDescription());
        return node;
    }

    private static ObjectNode headers(EdgeHeaders headers) {
        ObjectNode node = JSON.createObjectNode();
        if (headers == null) {
            return node;
        }
        EdgeHeaderRules.visible(headers).byName().forEach((name, lines) -> {
            ArrayNode array = node.putArray(name);
            for (HttpHeader line : lines) {
                array.addObject().put("key", line.name()).put("value", line.value());
            }
        });
        return node;
    }
}
