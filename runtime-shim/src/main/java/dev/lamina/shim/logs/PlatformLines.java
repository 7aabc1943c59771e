package dev.lamina.shim.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Lambda's platform log lines, exactly as Lambda writes them. */
public final class PlatformLines {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private PlatformLines() {
    }

    public static String start(String requestId, String version) {
        return "START RequestId: " + requestId + " Version: " + version;
    }

    public static String end(String requestId) {
        return "END RequestId: " + requestId;
    }

    /**
     * {@code REPORT RequestId: …\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used:
     * 71 MB[\tInit Duration: 184.58 ms]}; Init Duration only on a cold start ({@code initNanos >= 0}).
     */
    public static String report(String requestId, long durationNanos, int memoryMb, long maxMemoryUsedBytes,
                                long initNanos) {
        double durationMs = durationNanos / 1_000_000.0;
        long billedMs = Math.max(1, (long) Math.ceil(durationMs));
        long usedMb = (maxMemoryUsedBytes + (1 << 20) - 1) >> 20;
        String report = String.format(Locale.ROOT,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
                requestId, durationMs, billedMs, memoryMb, usedMb);
        return initNanos < 0 ? report
                : report + String.format(Locale.ROOT, "\tInit Duration: %.2f ms", initNanos / 1_000_000.0);
    }

    /** {@code 2024-05-01T12:00:00.000Z <id> Task timed out after 3.00 seconds}. */
    public static String timedOut(String requestId, String message) {
        return TIMESTAMP.format(Instant.now()) + " " + requestId + " " + message;
    }

    /** Lambda's line for a failed init: {@code INIT_REPORT Init Duration: … ms\tPhase: init\tStatus: error\tError Type: …}. */
    public static String initFailed(long initNanos, String errorType) {
        return String.format(Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
                initNanos / 1_000_000.0, errorType);
    }
}
