package dev.lamina.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.urls.HttpHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Requests, responses and JSON helpers for the edge tests. */
final class EdgeSamples {

    static final EdgeEvents.Config CONFIG = new EdgeEvents.Config("d2qwruhapomqzl.edge.example.com",
            "E2QWRUHAPOMQZL", "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==");

    static final EdgeRequest.Origin ORIGIN = new EdgeRequest.Origin(
            headers("X-Origin-Secret", "s3cr3t"), "web.media.svc", 5, "/site", 8080, "http", 30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeSamples() {
    }

    static EdgeHeaders headers(String... pairs) {
        List<HttpHeader> lines = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            lines.add(new HttpHeader(pairs[i], pairs[i + 1]));
        }
        return EdgeHeaders.of(lines);
    }

    static EdgeRequest viewerRequest() {
        return new EdgeRequest("203.0.113.178", "GET", "/pictures/cat.jpg", "size=large",
                headers("Host", "d2qwruhapomqzl.edge.example.com", "User-Agent", "curl/8.5.0", "accept", "*/*",
                        "Connection", "keep-alive", "X-Forwarded-Proto", "https"),
                null, null, null);
    }

    static EdgeRequest originRequest() {
        return new EdgeRequest("203.0.113.178", "GET", "/pictures/cat.jpg", "size=large",
                headers("Host", "web.media.svc", "User-Agent", "Amazon CloudFront", "Via",
                        "2.0 lamina (CloudFront)", "Accept-Encoding", "gzip"),
                null, null, ORIGIN);
    }

    static EdgeRequest post(EdgeRequest request, byte[] body, EdgeEventType type) {
        return new EdgeRequest(request.clientIp(), "POST", request.uri(), request.querystring(), request.headers(),
                EdgeEvents.includedBody(type, body), body, request.origin());
    }

    static EdgeResponse originResponse() {
        return new EdgeResponse(200, "OK", headers("Content-Type", "text/html; charset=utf-8", "Content-Length",
                "11", "Server", "nginx", "Set-Cookie", "theme=light", "Set-Cookie", "session=abc", "Via",
                "1.1 proxy", "Connection", "close"), "hello world".getBytes());
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode cf(byte[] event) {
        return tree(event).get("Records").get(0).get("cf");
    }

    /** A node's keys in the order written. */
    static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
