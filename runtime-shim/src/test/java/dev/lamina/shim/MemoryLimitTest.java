package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.shim.json.Json;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function's memory holds for a runtime started by the shim: a call whose processes pass it fails as on Lambda
 * ({@code Runtime.OutOfMemory}, the runtime killed and replaced), and calls within it run untouched.
 */
@Timeout(120)
class MemoryLimitTest {

    /** The handler runs in a subshell of the runtime: the memory is a child's, counted with the tree. */
    private static final String FUNCTION = """
            function handler () {
              if [[ "$1" == *grow* ]]; then
                local data
                data=$(head -c 200000000 /dev/zero | tr '\\0' x)
                echo "{\\"held\\":${#data}}"
              else
                echo '{"ok":true}'
              fi
            }
            """;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    @Test
    void aCallPastTheFunctionsMemoryFailsWithRuntimeOutOfMemoryAndTheNextRunsOnANewRuntime() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        try (Shim shim = Shim.start(ShimConfig.builder()
                .functionName("bash-fn")
                .memoryMb(128)
                .timeout(Duration.ofSeconds(60))
                .handler("function.handler")
                .workingDirectory(taskRoot)
                .runtimeCommand(bootstrap.toString())
                .logSink(log)
                .build())) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply within = invoker.invoke("{\"keep\":\"small\"}", "Lamina-Request-Id", "small-1");
            Invoker.Reply past = invoker.invoke("{\"please\":\"grow\"}", "Lamina-Request-Id", "grow-1");
            Invoker.Reply after = invoker.invoke("{\"keep\":\"small\"}", "Lamina-Request-Id", "small-2");

            assertThat(within.header("X-Amz-Function-Error")).as(within.body()).isNull();
            assertThat(past.status()).isEqualTo(200);
            assertThat(past.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            assertThat(Json.readError(past.body().getBytes(StandardCharsets.UTF_8))).contains(new Json.ErrorFields(
                    "Runtime.OutOfMemory", "RequestId: grow-1 Error: Runtime exited with error: signal: killed"));
            assertThat(log.await(line -> line.startsWith("REPORT RequestId: grow-1\t")))
                    .contains("\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error"
                            + "\tError Type: Runtime.OutOfMemory");
            assertThat(after.header("X-Amz-Function-Error")).as(after.body()).isNull();
            assertThat(after.body()).isEqualTo("{\"ok\":true}");
            assertThat(log.await(line -> line.startsWith("REPORT RequestId: small-2\t")))
                    .as("a new runtime served it").contains("\tInit Duration: ");
        }
    }

    @Test
    void anInitPastTheFunctionsMemoryFailsWithRuntimeOutOfMemory() throws Exception {
        Path bootstrap = Runtimes.script(taskRoot, "bootstrap", """
                #!/bin/bash
                data=$(head -c 200000000 /dev/zero | tr '\\0' x)
                sleep 60
                """);
        try (Shim shim = Shim.start(ShimConfig.builder()
                .functionName("bash-fn")
                .memoryMb(128)
                .workingDirectory(taskRoot)
                .runtimeCommand(bootstrap.toString())
                .logSink(log)
                .build())) {
            assertThatThrownBy(() -> shim.readyFuture().orTimeout(60, TimeUnit.SECONDS).join())
                    .cause().isInstanceOf(InitFailedException.class)
                    .hasMessage("Runtime.OutOfMemory: Runtime exited with error: signal: killed");
            assertThat(log.await(line -> line.startsWith("INIT_REPORT ")))
                    .endsWith("\tPhase: init\tStatus: error\tError Type: Runtime.OutOfMemory");
        }
    }
}
