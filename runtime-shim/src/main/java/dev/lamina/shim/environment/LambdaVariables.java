package dev.lamina.shim.environment;

import dev.lamina.shim.ShimConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The environment variables Lambda gives a runtime (and its external extensions). */
public final class LambdaVariables {

    private LambdaVariables() {
    }

    /**
     * Applies the Lambda variables on top of an inherited environment. The function's own variables override
     * inherited ones; the variables Lambda reserves always win. The task root and runtime dir keep a value the
     * image already set (an AWS base image sets /var/task), else the working directory stands in for the task root.
     */
    public static void apply(Map<String, String> env, ShimConfig config, String runtimeApi, Path workingDirectory) {
        env.putAll(config.environment());
        env.putIfAbsent("LAMBDA_TASK_ROOT", workingDirectory.toAbsolutePath().toString());
        env.putIfAbsent("LAMBDA_RUNTIME_DIR", "/var/runtime");
        env.putAll(reserved(config, runtimeApi));
    }

    static Map<String, String> reserved(ShimConfig config, String runtimeApi) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_LAMBDA_FUNCTION_NAME", config.functionName());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", config.functionVersion());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.memoryMb()));
        env.putAll(config.logging().runtimeVariables(config.functionName()));
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(config.functionVersion()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", config.initializationType().value());
        env.put("AWS_REGION", config.region());
        env.put("AWS_DEFAULT_REGION", config.region());
        env.put("TZ", ":UTC");
        if (config.handler() != null) {
            env.put("_HANDLER", config.handler());
        }
        if (config.concurrency() > 1) {
            env.put("AWS_LAMBDA_MAX_CONCURRENCY", Integer.toString(config.concurrency()));
        }
        return env;
    }

    /** Lambda's stream names: {@code 2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef}. */
    private static String logStreamName(String version) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd"))
                + "/[" + version + "]" + HexFormat.of().formatHex(random);
    }
}
