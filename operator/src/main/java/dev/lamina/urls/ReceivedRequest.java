package dev.lamina.urls;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The parts of a received request every payload format reads the same way. */
final class ReceivedRequest {

    /** Hop-by-hop headers (RFC 9110 §7.6.1) end at the door: the function sees none of them, as on AWS. */
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    /** Content types whose bodies reach the function as text; every other body is base64 (ALB's documented list). */
    private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/javascript",
            "application/xml");

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** All values of one header, grouped case-insensitively; the name as first written. */
    record HeaderGroup(String name, List<String> values) {

        String last() {
            return values.getLast();
        }

        /** The values joined as the 2.0 format joins them: by commas, cookies by "; " as one Cookie header. */
        String joined() {
            return String.join(name.equalsIgnoreCase("cookie") ? "; " : ",", values);
        }
    }

    /** A body as events carry it: text, or base64 of binary content; null text for no body. */
    record EventBody(String text, boolean base64) {
    }

    /** One query parameter as written, still percent-encoded. */
    record QueryParam(String name, String value) {
    }

    private ReceivedRequest() {
    }

    /**
     * The headers the function sees, in order: those received without hop-by-hop ones, then what a load balancer
     * adds — {@code X-Forwarded-For} (the client's address appended to any the request carried),
     * {@code X-Forwarded-Proto} and {@code X-Forwarded-Port} (replacing any the client sent).
     */
    static List<HeaderGroup> headers(HttpCall call) {
        Map<String, HeaderGroup> groups = new LinkedHashMap<>();
        for (HttpHeader header : call.headers()) {
            String key = header.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(key) || key.equals("x-forwarded-proto") || key.equals("x-forwarded-port")) {
                continue;
            }
            groups.computeIfAbsent(key, k -> new HeaderGroup(header.name(), new ArrayList<>()))
                    .values().add(header.value());
        }
        HeaderGroup forwardedFor = groups.remove("x-forwarded-for");
        String chain = forwardedFor == null ? call.sourceIp()
                : String.join(", ", forwardedFor.values()) + ", " + call.sourceIp();
        groups.put("x-forwarded-for", new HeaderGroup("X-Forwarded-For", List.of(chain)));
        groups.put("x-forwarded-proto", new HeaderGroup("X-Forwarded-Proto", List.of(call.scheme())));
        groups.put("x-forwarded-port", new HeaderGroup("X-Forwarded-Port", List.of(Integer.toString(call.port()))));
        return List.copyOf(groups.values());
    }

    /** The values of one header, case-insensitively; empty if absent. */
    static List<String> values(HttpCall call, String name) {
        return call.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(HttpHeader::value).toList();
    }

    /** The parameters of a raw query string in order; a parameter without '=' has the empty value. */
    static List<QueryParam> query(String rawQuery) {
        List<QueryParam> params = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            params.add(eq < 0 ? new QueryParam(part, "") : new QueryParam(part.substring(0, eq),
                    part.substring(eq + 1)));
        }
        return params;
    }

    /** Form-decodes a query name or value ('+' is a space); text that is not valid percent-encoding stays as is. */
    static String decodeQuery(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Percent-decodes a path ('+' stays a plus); a path that is not valid percent-encoding stays as is. */
    static String decodePath(String path) {
        return decodeQuery(path.replace("+", "%2B"));
    }

    /**
     * The body as text when its content type is textual ({@code text/*}, {@code application/json},
     * {@code application/javascript}, {@code application/xml}), it has no content encoding and it is valid UTF-8;
     * otherwise base64. No body is null text, not base64.
     */
    static EventBody body(HttpCall call) {
        byte[] bytes = call.body();
        if (bytes.length == 0) {
            return new EventBody(null, false);
        }
        if (isText(call)) {
            try {
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
                return new EventBody(text, false);
            } catch (CharacterCodingException e) {
                // Declared as text but not UTF-8: sent as binary, so no byte is lost.
            }
        }
        return new EventBody(Base64.getEncoder().encodeToString(bytes), true);
    }

    private static boolean isText(HttpCall call) {
        boolean encoded = values(call, "content-encoding").stream()
                .anyMatch(v -> !v.isBlank() && !v.trim().equalsIgnoreCase("identity"));
        List<String> types = values(call, "content-type");
        if (encoded || types.isEmpty()) {
            return false;
        }
        String type = types.getFirst();
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.startsWith("text/") || TEXT_TYPES.contains(media);
    }

    /** The request time as API Gateway writes it: {@code 12/Mar/2020:19:03:58 +0000}. */
    static String requestTime(long epochMillis) {
        return REQUEST_TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
