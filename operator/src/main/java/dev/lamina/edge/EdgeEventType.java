package dev.lamina.edge;

import java.util.Arrays;

/**
 * The four points of a request where Lambda@Edge runs a function, with Lambda@Edge's limits for each: the function's
 * timeout and memory, and the largest response a function may generate (headers and body).
 */
public enum EdgeEventType {
    VIEWER_REQUEST("viewer-request", 5, 128, 40 * 1024),
    ORIGIN_REQUEST("origin-request", 30, 10240, 1024 * 1024),
    ORIGIN_RESPONSE("origin-response", 30, 10240, 1024 * 1024),
    VIEWER_RESPONSE("viewer-response", 5, 128, 40 * 1024);

    private final String wireName;
    private final int maxTimeoutSeconds;
    private final int maxMemoryMB;
    private final int maxGeneratedBytes;

    EdgeEventType(String wireName, int maxTimeoutSeconds, int maxMemoryMB, int maxGeneratedBytes) {
        this.wireName = wireName;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.maxMemoryMB = maxMemoryMB;
        this.maxGeneratedBytes = maxGeneratedBytes;
    }

    /** As CloudFront writes it: {@code viewer-request}, …; events carry it as {@code cf.config.eventType}. */
    public String wireName() {
        return wireName;
    }

    public int maxTimeoutSeconds() {
        return maxTimeoutSeconds;
    }

    public int maxMemoryMB() {
        return maxMemoryMB;
    }

    /** The largest response (headers and body) a function may generate or set at this point. */
    public int maxGeneratedBytes() {
        return maxGeneratedBytes;
    }

    public boolean isRequest() {
        return this == VIEWER_REQUEST || this == ORIGIN_REQUEST;
    }

    public boolean isViewer() {
        return this == VIEWER_REQUEST || this == VIEWER_RESPONSE;
    }

    /** The type CloudFront's name gives. */
    public static EdgeEventType of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown Lambda@Edge event type " + wireName));
    }
}
