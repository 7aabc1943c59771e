package dev.lamina.shim.logs;

import java.util.List;

/**
 * Lambda's logging configuration of a function. The format applies to the whole log: the runtime's lines (the runtime
 * client formats them, told by {@code AWS_LAMBDA_LOG_FORMAT}) and the platform's ({@link PlatformLog}). Levels exist
 * only with the JSON format, as on Lambda: the application level is handed to the runtime
 * ({@code AWS_LAMBDA_LOG_LEVEL}), which drops lines below it; the system level filters the platform's events.
 *
 * @param logGroup null = Lambda's {@code /aws/lambda/<function>}
 */
public record LoggingConfig(Format format, String applicationLogLevel, SystemLevel systemLogLevel, String logGroup) {

    public enum Format { TEXT, JSON }

    /** Lambda's system log levels, most detailed first. */
    public enum SystemLevel { DEBUG, INFO, WARN }

    public static final List<String> APPLICATION_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

    /** Lambda's default: plain text, no levels. */
    public static final LoggingConfig TEXT = new LoggingConfig(Format.TEXT, null, null, null);

    public LoggingConfig {
        if (format == null) {
            throw new IllegalArgumentException("a log format is required (TEXT or JSON)");
        }
        if (format == Format.TEXT && (applicationLogLevel != null || systemLogLevel != null)) {
            throw new IllegalArgumentException("log levels can only be set with the JSON log format");
        }
        if (applicationLogLevel != null && !APPLICATION_LEVELS.contains(applicationLogLevel)) {
            throw new IllegalArgumentException("the application log level must be one of " + APPLICATION_LEVELS
                    + ", got: " + applicationLogLevel);
        }
        if (format == Format.JSON) {
            applicationLogLevel = applicationLogLevel == null ? "INFO" : applicationLogLevel;
            systemLogLevel = systemLogLevel == null ? SystemLevel.INFO : systemLogLevel;
        }
    }

    public boolean json() {
        return format == Format.JSON;
    }

    /** {@code AWS_LAMBDA_LOG_GROUP_NAME}. */
    public String logGroup(String functionName) {
        return logGroup != null ? logGroup : "/aws/lambda/" + functionName;
    }

    /** Whether a platform event of this level is written. */
    boolean writes(SystemLevel eventLevel) {
        return eventLevel.ordinal() >= systemLogLevel.ordinal();
    }
}
