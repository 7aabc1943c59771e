package dev.lamina.shim;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What the gateway and the shim agree on, spelled once: they ship as two images, and the operator builds the shim's
 * pod. The invoke endpoint speaks Lambda's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations} with
 * its {@code X-Amz-*} headers and limits) plus Lamina's own {@code Lamina-*} headers, which only the gateway sends.
 * {@link ClientContext} is the client context both sides accept.
 */
public final class ShimContract {

    /**
     * The variables the shim sets for a runtime besides the function's own and the task root and runtime dir (which
     * an image sets itself): what a runtime in a container of its own must be handed.
     */
    public static final List<String> RUNTIME_VARIABLES = List.of("AWS_LAMBDA_RUNTIME_API",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_REGION",
            "AWS_DEFAULT_REGION", "TZ", "_HANDLER", "AWS_LAMBDA_MAX_CONCURRENCY");

    /** The shim's container in an environment's pod. */
    public static final String CONTAINER_NAME = "lamina-shim";
    /** The name of the container port the invoke endpoint listens on; the gateway finds the port by it. */
    public static final String INVOKE_PORT_NAME = "invoke";
    /** The invoke endpoint's port in a pod (and the command's default). */
    public static final int INVOKE_PORT = 8080;
    /** The Runtime API's port on 127.0.0.1 in a pod (the sidecar mode's default). */
    public static final int SIDECAR_RUNTIME_API_PORT = 9001;
    /**
     * In a pod, the named pipe the runtime's stdout and stderr come through to the shim ({@code --runtime-output}), in
     * a volume both containers mount at {@value #RUNTIME_OUTPUT_DIRECTORY}; see {@link #wrapRuntime}.
     */
    public static final String RUNTIME_OUTPUT_DIRECTORY = "/lamina/output";
    public static final String RUNTIME_OUTPUT_FIFO = RUNTIME_OUTPUT_DIRECTORY + "/runtime";
    /** {@code GET}: 200 once the runtime finished init, else 503 (the pod's readiness). */
    public static final String READY_PATH = "/ready";
    /** {@code GET}: the environment's state as JSON (the pod's liveness). */
    public static final String STATE_PATH = "/state";

    /** The request id the gateway chose; the shim makes one when it is absent, and echoes it on every answer. */
    public static final String LAMINA_REQUEST_ID = "Lamina-Request-Id";
    /** The ARN the runtime sees as invoked (alias or version); the shim's own function ARN when absent. */
    public static final String LAMINA_INVOKED_FUNCTION_ARN = "Lamina-Invoked-Function-Arn";
    /** Cognito identity JSON for the runtime, when there is one. */
    public static final String LAMINA_COGNITO_IDENTITY = "Lamina-Cognito-Identity";
    /** {@value #DO_NOT_WAIT}: answer busy at once when every slot is taken, rather than queue the invocation. */
    public static final String LAMINA_WAIT = "Lamina-Wait";
    public static final String DO_NOT_WAIT = "false";
    /** On a 429: every slot was taken and the caller asked not to wait (not a throttle of Lambda's). */
    public static final String LAMINA_BUSY = "Lamina-Busy";

    public static final String INVOCATION_TYPE = "X-Amz-Invocation-Type";
    public static final String REQUEST_RESPONSE = "RequestResponse";
    public static final String EVENT = "Event";
    public static final String DRY_RUN = "DryRun";
    /** {@value #TAIL}: answer with the invocation's log tail in {@link #LOG_RESULT}. */
    public static final String LOG_TYPE = "X-Amz-Log-Type";
    public static final String TAIL = "Tail";
    /** Base64 of the client context JSON object; see {@link ClientContext}. */
    public static final String CLIENT_CONTEXT = "X-Amz-Client-Context";
    /** The X-Ray trace header; see {@link #newTraceId()}. */
    public static final String TRACE_ID = "X-Amzn-Trace-Id";
    /** Set when the function failed: {@value #UNHANDLED}. */
    public static final String FUNCTION_ERROR = "X-Amz-Function-Error";
    public static final String UNHANDLED = "Unhandled";
    /** Base64 of the invocation's log tail. */
    public static final String LOG_RESULT = "X-Amz-Log-Result";
    public static final String EXECUTED_VERSION = "X-Amz-Executed-Version";
    public static final String AMZN_REQUEST_ID = "x-amzn-RequestId";
    /** A service error's code, with {@code {"Type":…,"Message":…}} as the body. */
    public static final String AMZN_ERROR_TYPE = "x-amzn-ErrorType";

    /**
     * On a streamed answer, {@value #STREAMING}: the body is the runtime's response, chunked as it streams it, and the
     * error it ended with (if any) comes in the trailers {@link #STREAM_ERROR_TYPE} and {@link #STREAM_ERROR_BODY},
     * the log tail in the trailer {@link #LOG_RESULT}. The Runtime API uses the same names.
     */
    public static final String RESPONSE_MODE = "Lambda-Runtime-Function-Response-Mode";
    public static final String STREAMING = "streaming";
    /** The error type of a stream that failed. */
    public static final String STREAM_ERROR_TYPE = "Lambda-Runtime-Function-Error-Type";
    /** Base64 of the error document of a stream that failed. */
    public static final String STREAM_ERROR_BODY = "Lambda-Runtime-Function-Error-Body";

    /** Lambda's limit for a synchronous request payload. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** Lambda's limit for {@link #CLIENT_CONTEXT}, counted in base64 characters. */
    public static final int MAX_CLIENT_CONTEXT_BYTES = 3583;

    private static final String INVOKE_PATH_PREFIX = "/2015-03-31/functions/";
    private static final String INVOKE_PATH_SUFFIX = "/invocations";
    private static final Pattern INVOKE_PATH = Pattern.compile(
            Pattern.quote(INVOKE_PATH_PREFIX) + "[^/]+" + Pattern.quote(INVOKE_PATH_SUFFIX));

    private ShimContract() {
    }

    /**
     * The command that starts {@code runtime} (its container's entrypoint and arguments) with stdout and stderr going
     * into the named pipe {@code fifo}, made first if missing: it needs only POSIX {@code sh} and {@code mkfifo}. The
     * shell execs the runtime, so the runtime keeps its process. Where no pipe can be made the runtime starts with its
     * output where it was, and the wrapper says so on stderr.
     */
    public static List<String> wrapRuntime(String fifo, List<String> runtime) {
        if (fifo.contains("'")) {
            throw new IllegalArgumentException("the pipe's path must not contain a quote: " + fifo);
        }
        String script = "f='" + fifo + "'\n"
                + "if [ -p \"$f\" ] || mkfifo \"$f\"; then exec \"$@\" >\"$f\" 2>&1; fi\n"
                + "echo \"lamina: no pipe $f; the runtime's output stays in this container's log\" >&2\n"
                + "exec \"$@\"\n";
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "lamina-runtime-output"));
        command.addAll(runtime);
        return List.copyOf(command);
    }

    /** The Invoke API's path for a function: the invoke endpoint takes any name there. */
    public static String invokePath(String functionName) {
        return INVOKE_PATH_PREFIX + functionName + INVOKE_PATH_SUFFIX;
    }

    /** Whether the path is {@link #invokePath} of some function name. */
    public static boolean isInvokePath(String path) {
        return INVOKE_PATH.matcher(path).matches();
    }

    /** A new X-Ray trace root as Lambda makes one: {@code 1-<epoch seconds, 8 hex>-<24 hex>}. */
    public static String newTraceRoot() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "1-" + hex.toHexDigits((int) (System.currentTimeMillis() / 1000)) + "-"
                + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt());
    }

    /** A trace header for an invocation that came without one: {@code Root=<root>;Parent=<16 hex>;Sampled=0}. */
    public static String newTraceId() {
        long parent = ThreadLocalRandom.current().nextLong();
        return "Root=" + newTraceRoot() + ";Parent=" + HexFormat.of().toHexDigits(parent) + ";Sampled=0";
    }
}
