package dev.lamina.shim.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** Commands that start real runtime clients: the AWS Java runtime interface client, and a bash/curl bootstrap. */
public final class Runtimes {

    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    /**
     * The bootstrap of AWS's custom-runtime walkthrough: it sources {@code <file>.sh} named by {@code _HANDLER}
     * ({@code file.function}) and loops on next/response with curl. Like the walkthrough's error-handling section,
     * it reports a failed source to {@code /init/error} and a failing function to {@code /error}.
     */
    public static final String CURL_BOOTSTRAP = """
            #!/bin/bash
            set -euo pipefail
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"

            # Initialization - load function handler
            if ! source "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"; then
              curl -sS -o /dev/null "$API/init/error" -H "Lambda-Runtime-Function-Error-Type: Runtime.InitError" \\
                -d '{"errorMessage":"Failed to load function.","errorType":"InvalidFunctionException"}'
              exit 1
            fi

            # Processing
            while true
            do
              HEADERS="$(mktemp)"
              # Get an event. The HTTP request will block until one is received
              EVENT_DATA=$(curl -sS -LD "$HEADERS" "$API/invocation/next")
              # Extract request ID by scraping response headers received above
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              # Run the handler function from the script
              if RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA" "$HEADERS"); then
                # Send the response
                curl -sS -o /dev/null "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE"
              else
                curl -sS -o /dev/null "$API/invocation/$REQUEST_ID/error" \\
                  -H "Lambda-Runtime-Function-Error-Type: Unhandled" \\
                  -d "{\\"errorMessage\\":\\"$RESPONSE\\",\\"errorType\\":\\"ScriptError\\"}"
              fi
              rm -f "$HEADERS"
            done
            """;

    private Runtimes() {
    }

    /**
     * A runtime container's main process, started as the kubelet would start it with what the operator sets on the
     * function container of a pod; its output (the container's log) goes to {@code containerLog}.
     */
    public static Process container(List<String> command, Path taskRoot, InetSocketAddress runtimeApi,
                                    Path containerLog) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(taskRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(containerLog.toFile());
        builder.environment().putAll(Map.of(
                "AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getPort(),
                "AWS_LAMBDA_FUNCTION_NAME", "function",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128",
                "_HANDLER", "function.handler",
                "LAMBDA_TASK_ROOT", taskRoot.toString()));
        return builder.start();
    }

    /** {@code java -cp <test class path> …AWSLambda <handler>}: the handler classes of this module's tests. */
    public static List<String> javaRic(String handler) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), RIC_MAIN, handler);
    }

    /** A task root with the walkthrough's bootstrap and a {@code function.sh} holding the given shell functions. */
    public static Path curlFunction(Path taskRoot, String functionScript) throws IOException {
        Path bootstrap = taskRoot.resolve("bootstrap");
        Files.writeString(bootstrap, CURL_BOOTSTRAP);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(taskRoot.resolve("function.sh"), functionScript);
        return bootstrap;
    }

    /**
     * A runtime loop that, for each event, starts a shell (a child of the runtime) whose own child holds {@code mib}
     * MiB in a variable and stays, and answers {@code {}} once that memory is held (the file {@code held} says so).
     */
    public static Path holdingMemory(Path taskRoot, int mib) throws IOException {
        return script(taskRoot, "bootstrap", """
                #!/bin/bash
                API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
                while true; do
                  HEADERS="$(mktemp)"
                  curl -sS -o /dev/null -D "$HEADERS" "$API/invocation/next"
                  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
                  ( ( data=$(head -c %d /dev/zero | tr '\\0' x); touch held; sleep 600 & wait ) & wait ) \\
                    < /dev/null > /dev/null 2>&1 &
                  while [ ! -e held ]; do sleep 0.01; done
                  curl -sS -o /dev/null "$API/invocation/$REQUEST_ID/response" -d '{}'
                done
                """.formatted(mib << 20));
    }

    /** An executable script with the given text. */
    public static Path script(Path dir, String name, String text) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
