package dev.lamina.shim.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handler the tests run under the real AWS Java runtime interface client ({@code TestFunctions::handle}): the
 * event's {@code action} picks the behaviour, so that one environment can serve many tests.
 */
public class TestFunctions {

    private static int invocations;

    public Object handle(Map<String, Object> event, Context context) throws Exception {
        return switch ((String) event.get("action")) {
            case "echo" -> echo(event, context);
            case "fail" -> fail(event, context);
            case "exit" -> exit(event, context);
            case "sleep" -> sleep(event, context);
            case "big" -> big(event, context);
            case "context" -> context(event, context);
            case "counter" -> counter(event, context);
            case "rendezvous" -> rendezvous(event, context);
            case "log" -> log(event, context);
            case "wait" -> waitFor(event, context);
            default -> throw new IllegalArgumentException("unknown action " + event.get("action"));
        };
    }

    public Map<String, Object> echo(Map<String, Object> event, Context context) {
        System.out.println("echo handler got " + event);
        return Map.of("echo", event, "requestId", context.getAwsRequestId());
    }

    public Map<String, Object> fail(Map<String, Object> event, Context context) {
        throw new IllegalStateException("boom: " + event.get("reason"));
    }

    public Map<String, Object> exit(Map<String, Object> event, Context context) {
        System.out.println("exiting on purpose");
        System.exit(3);
        return Map.of();
    }

    /** Starts a child process (to prove the whole tree is killed), then sleeps past any timeout. */
    public Map<String, Object> sleep(Map<String, Object> event, Context context) throws Exception {
        Process child = new ProcessBuilder("sleep", "300").start();
        System.out.println("child-pid=" + child.pid());
        Thread.sleep(Duration.ofSeconds(((Number) event.get("seconds")).longValue()));
        return Map.of("slept", true);
    }

    public String big(Map<String, Object> event, Context context) {
        return "x".repeat(((Number) event.get("length")).intValue());
    }

    /** What the handler sees of its environment and context object. */
    public Map<String, Object> context(Map<String, Object> event, Context context) {
        Map<String, Object> seen = new LinkedHashMap<>();
        for (String variable : new String[] {"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_INITIALIZATION_TYPE", "TZ", "_HANDLER",
                "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_RUNTIME_API", "GREETING"}) {
            seen.put(variable, System.getenv(variable));
        }
        seen.put("requestId", context.getAwsRequestId());
        seen.put("functionArn", context.getInvokedFunctionArn());
        seen.put("functionName", context.getFunctionName());
        seen.put("functionVersion", context.getFunctionVersion());
        seen.put("memoryLimitInMB", context.getMemoryLimitInMB());
        seen.put("remainingTimeInMillis", context.getRemainingTimeInMillis());
        seen.put("logGroupName", context.getLogGroupName());
        seen.put("clientContextCustom", context.getClientContext() == null ? null
                : context.getClientContext().getCustom());
        seen.put("traceId", System.getProperty("com.amazonaws.xray.traceHeader"));
        return seen;
    }

    /** Static state and /tmp both survive between invocations of one environment. */
    public Map<String, Object> counter(Map<String, Object> event, Context context) throws IOException {
        invocations++;
        Path file = Path.of((String) event.get("file"));
        Files.writeString(file, "visit " + invocations + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return Map.of("invocations", invocations, "file", Files.readString(file));
    }

    /** Returns only once its partner invocation is running at the same time (concurrency proof, no clocks). */
    public Map<String, Object> rendezvous(Map<String, Object> event, Context context) throws Exception {
        Path dir = Path.of((String) event.get("dir"));
        Files.createFile(dir.resolve((String) event.get("me")));
        Path partner = dir.resolve((String) event.get("partner"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(partner) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Map.of("met", Files.exists(partner), "thread", Thread.currentThread().getName());
    }

    /** Returns once the file named in the event exists: the test decides when this invocation ends. */
    public Map<String, Object> waitFor(Map<String, Object> event, Context context) throws Exception {
        Path gate = Path.of((String) event.get("file"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(gate) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return Map.of("opened", Files.exists(gate));
    }

    public Map<String, Object> log(Map<String, Object> event, Context context) {
        System.out.println("line on stdout for " + context.getAwsRequestId());
        System.err.println("line on stderr for " + context.getAwsRequestId());
        context.getLogger().log("line from the context logger\n");
        return Map.of("logged", true);
    }
}
