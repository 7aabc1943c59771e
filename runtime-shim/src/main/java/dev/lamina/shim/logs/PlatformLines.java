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
     * 71 MB[\tInit Duration: 184.58 ms][\tStatus: timeout | \tStatus: error\tError Type: Runtime.ExitError]}; Init
     * Duration only on a cold start ({@code initNanos >= 0}); Status only when the platform ended the invocation.
     *
     * @param status    {@code timeout}, {@code error}, or null
     * @param errorType with status {@code error}: the error's type, else null
     */
    public static String report(String requestId, long durationNanos, int memoryMb, long maxMemoryUsedBytes,
                                long initNanos, String status, String errorType) {
        long billedMs = billedMilliseconds(durationNanos);
        long usedMb = megabytes(maxMemoryUsedBytes);
        // Written by hand: this line is made for every invocation, and String.format costs more than the rest of it.
        StringBuilder line = new StringBuilder(160).append("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ");
        milliseconds(line, durationNanos).append(" ms\tBilled Duration: ").append(billedMs)
                .append(" ms\tMemory Size: ").append(memoryMb).append(" MB\tMax Memory Used: ").append(usedMb)
                .append(" MB");
        if (initNanos >= 0) {
            milliseconds(line.append("\tInit Duration: "), initNanos).append(" ms");
        }
        if (status != null) {
            line.append("\tStatus: ").append(status);
        }
        if (errorType != null) {
            line.append("\tError Type: ").append(errorType);
        }
        return line.toString();
    }

    /** Lambda bills whole milliseconds, rounded up, at least one. */
    public static long billedMilliseconds(long durationNanos) {
        return Math.max(1, (durationNanos + 999_999) / 1_000_000);
    }

    /** Max Memory Used in whole MB, rounded up. */
    public static long megabytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** Nanoseconds as milliseconds with two decimals, rounded half up: {@code 102.25}. */
    static StringBuilder milliseconds(StringBuilder line, long nanos) {
        long hundredths = (nanos + 5_000) / 10_000;
        long fraction = hundredths % 100;
        return line.append(hundredths / 100).append('.').append(fraction < 10 ? "0" : "").append(fraction);
    }

    /** Lambda's timestamps, in log lines and telemetry events: {@code 2024-05-01T12:00:00.000Z}. */
    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** Lambda's line for a failed init: {@code INIT_REPORT Init Duration: … ms\tPhase: init\tStatus: error\tError Type: …}. */
    public static String initFailed(long initNanos, String errorType) {
        return String.format(Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
                initNanos / 1_000_000.0, errorType);
    }
}
