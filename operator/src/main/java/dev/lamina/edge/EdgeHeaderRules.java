package dev.lamina.edge;

import dev.lamina.urls.HttpHeader;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which headers Lambda@Edge functions may see and touch, in one place: disallowed headers are never shown to a function
 * and may not be added by one; read-only headers (per event type) may be read but not added, changed or removed.
 */
public final class EdgeHeaderRules {

    private static final Set<String> DISALLOWED = Set.of("connection", "expect", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "trailer", "upgrade", "x-accel-buffering", "x-accel-charset",
            "x-accel-limit-rate", "x-accel-redirect", "x-amzn-auth", "x-amzn-cf-billing", "x-amzn-cf-id",
            "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count", "x-amzn-header-order",
            "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip");
    private static final List<String> DISALLOWED_PREFIXES = List.of("x-amz-cf-", "x-edge-");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private EdgeHeaderRules() {
    }

    /** Whether a header is never shown to functions and may not be set by them. */
    public static boolean isDisallowed(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return DISALLOWED.contains(lower) || DISALLOWED_PREFIXES.stream().anyMatch(lower::startsWith);
    }

    /** The headers a function of this event type may read but not add, change or remove (lower-case). */
    public static Set<String> readOnly(EdgeEventType type) {
        return switch (type) {
            case VIEWER_REQUEST -> Set.of("content-length", "host", "transfer-encoding", "via");
            case ORIGIN_REQUEST -> Set.of("accept-encoding", "content-length", "if-modified-since", "if-none-match",
                    "if-range", "if-unmodified-since", "transfer-encoding", "via");
            case ORIGIN_RESPONSE -> Set.of("transfer-encoding", "via");
            case VIEWER_RESPONSE -> Set.of("warning", "via");
        };
    }

    /**
     * Headers a function of this event type may not add: a viewer-request function may not add
     * {@code CloudFront-Viewer-Country}, which CloudFront itself sets after the viewer request.
     */
    public static boolean isRefusedAddition(EdgeEventType type, String name) {
        return type == EdgeEventType.VIEWER_REQUEST && name.equalsIgnoreCase("cloudfront-viewer-country");
    }

    /** These headers as a function sees them: without the disallowed ones. */
    public static EdgeHeaders visible(EdgeHeaders headers) {
        return EdgeHeaders.of(headers.lines().stream().filter(line -> !isDisallowed(line.name())).toList());
    }

    /** The lines a function never saw, to be kept as they were whatever it returns. */
    static List<HttpHeader> hidden(EdgeHeaders headers) {
        return headers.lines().stream().filter(line -> isDisallowed(line.name())).toList();
    }

    /** Whether a name is an HTTP token (RFC 9110). */
    static boolean isToken(String name) {
        return TOKEN.matcher(name).matches();
    }

    /** Whether a value can be sent as a header value: no control characters but tab. */
    static boolean isFieldValue(String value) {
        return value.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }

    /** The name Lambda@Edge writes for a line without {@code key}: each hyphen-separated part capitalised. */
    static String standardCase(String lowerName) {
        StringBuilder out = new StringBuilder(lowerName.length());
        boolean start = true;
        for (char c : lowerName.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : c);
            start = c == '-';
        }
        return out.toString();
    }
}
