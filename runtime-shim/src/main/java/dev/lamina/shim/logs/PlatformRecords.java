package dev.lamina.shim.logs;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.lamina.shim.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Lambda's platform events in AWS's schema, {@code {"time":…,"type":…,"record":…}}: what the Telemetry API posts and
 * what a function whose log format is JSON finds in its log.
 */
public final class PlatformRecords {

    private PlatformRecords() {
    }

    /** The event around a record already written as JSON, timed now. */
    public static byte[] event(String type, byte[] record) {
        String time = PlatformLines.timestamp(Instant.now());
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("time", time);
            json.writeStringField("type", type);
            json.writeFieldName("record");
            json.writeRawValue(new String(record, StandardCharsets.UTF_8));
            json.writeEndObject();
        });
    }

    /** {@code platform.start}; {@code traceId} may be null. */
    public static byte[] start(String requestId, String version, String traceId) {
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("requestId", requestId);
            json.writeStringField("version", version);
            tracing(json, traceId);
            json.writeEndObject();
        });
    }

    /** {@code platform.runtimeDone}: {@code status} is success, error, timeout or failure. */
    public static byte[] runtimeDone(String requestId, String status, String errorType, long durationNanos) {
        return Json.write(json -> {
            writeOutcome(json, requestId, status, errorType);
            json.writeObjectFieldStart("metrics");
            json.writeNumberField("durationMs", milliseconds(durationNanos));
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** {@code platform.report}; {@code initNanos} is -1 unless it was a cold start. */
    public static byte[] report(String requestId, String status, String errorType, long durationNanos, int memoryMb,
                                long maxMemoryBytes, long initNanos) {
        return Json.write(json -> {
            writeOutcome(json, requestId, status, errorType);
            json.writeObjectFieldStart("metrics");
            json.writeNumberField("durationMs", milliseconds(durationNanos));
            json.writeNumberField("billedDurationMs", PlatformLines.billedMilliseconds(durationNanos));
            json.writeNumberField("memorySizeMB", memoryMb);
            json.writeNumberField("maxMemoryUsedMB", PlatformLines.megabytes(maxMemoryBytes));
            if (initNanos >= 0) {
                json.writeNumberField("initDurationMs", milliseconds(initNanos));
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** {@code platform.initRuntimeDone} and {@code platform.initReport}; {@code initNanos} -1 = no metrics. */
    public static byte[] init(String initializationType, String status, String errorType, long initNanos) {
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("initializationType", initializationType);
            json.writeStringField("phase", "init");
            json.writeStringField("status", status);
            if (errorType != null) {
                json.writeStringField("errorType", errorType);
            }
            if (initNanos >= 0) {
                json.writeObjectFieldStart("metrics");
                json.writeNumberField("durationMs", milliseconds(initNanos));
                json.writeEndObject();
            }
            json.writeEndObject();
        });
    }

    private static void tracing(JsonGenerator json, String traceId) throws IOException {
        if (traceId != null) {
            json.writeObjectFieldStart("tracing");
            json.writeStringField("type", "X-Amzn-Trace-Id");
            json.writeStringField("value", traceId);
            json.writeEndObject();
        }
    }

    /** Opens a record with its invocation's outcome: request id, status and, on failure, the error type. */
    private static void writeOutcome(JsonGenerator json, String requestId, String status, String errorType)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("requestId", requestId);
        json.writeStringField("status", status);
        if (errorType != null) {
            json.writeStringField("errorType", errorType);
        }
    }

    private static double milliseconds(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
