package dev.lamina.shim.logs;

import dev.lamina.shim.logs.LoggingConfig.SystemLevel;
import java.nio.charset.StandardCharsets;

/**
 * The platform's lines in a function's log, in its log format: Lambda's text lines (START, END, REPORT,
 * INIT_REPORT), or with the JSON format its platform events ({@link PlatformRecords}), those below the system log
 * level left out: {@code platform.start}, {@code platform.report} and {@code platform.initReport} are INFO,
 * {@code platform.runtimeDone} (END's place) is DEBUG.
 */
public final class PlatformLog {

    private final FunctionLog log;
    private final LoggingConfig logging;
    private final String version;
    private final int memoryMb;
    private final String initializationType;

    public PlatformLog(FunctionLog log, LoggingConfig logging, String version, int memoryMb,
                       String initializationType) {
        this.log = log;
        this.logging = logging;
        this.version = version;
        this.memoryMb = memoryMb;
        this.initializationType = initializationType;
    }

    /** @param traceId may be null; @param tail may be null */
    public void start(String requestId, String traceId, TailBuffer tail) {
        if (!logging.json()) {
            log.platformLine(PlatformLines.start(requestId, version), tail);
        } else if (logging.writes(SystemLevel.INFO)) {
            write("platform.start", PlatformRecords.start(requestId, version, traceId), tail);
        }
    }

    /** The runtime is done: {@code status} is success, error, timeout or failure, as the Telemetry API says. */
    public void end(String requestId, String status, String errorType, long durationNanos, TailBuffer tail) {
        if (!logging.json()) {
            log.platformLine(PlatformLines.end(requestId), tail);
        } else if (logging.writes(SystemLevel.DEBUG)) {
            write("platform.runtimeDone", PlatformRecords.runtimeDone(requestId, status, errorType, durationNanos),
                    tail);
        }
    }

    /**
     * @param platformEnded whether the platform ended the invocation (a timeout, the runtime's exit): the text line
     *                      then shows its status and error type
     * @param initNanos     -1 unless it was a cold start
     */
    public void report(String requestId, String status, String errorType, boolean platformEnded, long durationNanos,
                       long maxMemoryBytes, long initNanos, TailBuffer tail) {
        if (!logging.json()) {
            boolean timedOut = "timeout".equals(status);
            log.platformLine(PlatformLines.report(requestId, durationNanos, memoryMb, maxMemoryBytes, initNanos,
                    !platformEnded ? null : timedOut ? "timeout" : "error",
                    !platformEnded || timedOut ? null : errorType), tail);
        } else if (logging.writes(SystemLevel.INFO)) {
            write("platform.report", PlatformRecords.report(requestId, status, errorType, durationNanos, memoryMb,
                    maxMemoryBytes, initNanos), tail);
        }
    }

    public void initFailed(long initNanos, String errorType) {
        if (!logging.json()) {
            log.platformLine(PlatformLines.initFailed(initNanos, errorType));
        } else if (logging.writes(SystemLevel.INFO)) {
            write("platform.initReport", PlatformRecords.init(initializationType, "error", errorType, initNanos),
                    null);
        }
    }

    private void write(String type, byte[] record, TailBuffer tail) {
        log.platformLine(new String(PlatformRecords.event(type, record), StandardCharsets.UTF_8), tail);
    }
}
