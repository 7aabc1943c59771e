package dev.lamina.shim.logs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** The system level for a shim that reads its configuration from variables (the sidecar). */
    public static final String SYSTEM_LEVEL_VARIABLE = "LAMINA_SYSTEM_LOG_LEVEL";

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

    /**
     * From the variables Lambda gives a runtime ({@code AWS_LAMBDA_LOG_FORMAT}, {@code AWS_LAMBDA_LOG_LEVEL},
     * {@code AWS_LAMBDA_LOG_GROUP_NAME}) and {@code LAMINA_SYSTEM_LOG_LEVEL}; case does not matter.
     */
    public static LoggingConfig fromVariables(Map<String, String> variables) {
        String systemLevel = upper(variables.get(SYSTEM_LEVEL_VARIABLE));
        return new LoggingConfig(
                oneOf(Format.class, "AWS_LAMBDA_LOG_FORMAT",
                        upper(variables.getOrDefault("AWS_LAMBDA_LOG_FORMAT", "Text"))),
                upper(variables.get("AWS_LAMBDA_LOG_LEVEL")),
                systemLevel == null ? null : oneOf(SystemLevel.class, SYSTEM_LEVEL_VARIABLE, systemLevel),
                variables.get("AWS_LAMBDA_LOG_GROUP_NAME"));
    }

    private static <E extends Enum<E>> E oneOf(Class<E> values, String name, String value) {
        for (E each : values.getEnumConstants()) {
            if (each.name().equals(value)) {
                return each;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + Arrays.toString(values.getEnumConstants())
                + ", got: " + value);
    }

    private static String upper(String value) {
        return value == null ? null : value.strip().toUpperCase(Locale.ROOT);
    }

    public boolean json() {
        return format == Format.JSON;
    }

    /**
     * What a runtime is told: {@code AWS_LAMBDA_LOG_GROUP_NAME}, and with JSON {@code AWS_LAMBDA_LOG_FORMAT} and
     * {@code AWS_LAMBDA_LOG_LEVEL}.
     */
    public Map<String, String> runtimeVariables(String functionName) {
        return json()
                ? Map.of("AWS_LAMBDA_LOG_GROUP_NAME", logGroup(functionName), "AWS_LAMBDA_LOG_FORMAT", "JSON",
                        "AWS_LAMBDA_LOG_LEVEL", applicationLogLevel)
                : Map.of("AWS_LAMBDA_LOG_GROUP_NAME", logGroup(functionName));
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
