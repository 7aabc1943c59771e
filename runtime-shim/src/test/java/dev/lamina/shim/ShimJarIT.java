package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.Runtimes;
import dev.lamina.shim.support.ShimProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run the way users run it: {@code java -jar lamina-shim.jar …}. */
class ShimJarIT {

    private static final String FUNCTION = """
            handler() {
              case "$1" in
                *slow*)
                  sleep 300 &
                  echo $! > "$LAMBDA_TASK_ROOT/child.pid"
                  wait ;;
                *)
                  DEADLINE=$(grep -Fi Lambda-Runtime-Deadline-Ms "$2" | tr -d '[:space:]' | cut -d: -f2)
                  echo "{\\"name\\":\\"$AWS_LAMBDA_FUNCTION_NAME\\",\\"memory\\":\\"$AWS_LAMBDA_FUNCTION_MEMORY_SIZE\\",\
            \\"handler\\":\\"$_HANDLER\\",\\"deadline\\":$DEADLINE,\\"pid\\":$$,\\"event\\":$1}" ;;
              esac
            }
            """;

    @TempDir
    Path taskRoot;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        processes.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    private ShimProcess runJar(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("lamina.shim.jar"), "--port", "0", "--host", "127.0.0.1"));
        command.addAll(List.of(args));
        ShimProcess shim = ShimProcess.start(command, taskRoot, env);
        processes.add(shim.process());
        return shim;
    }

    private Process startRuntimeContainer(Path bootstrap, InetSocketAddress runtimeApi) throws IOException {
        Process runtime = Runtimes.container(List.of(bootstrap.toString()), taskRoot, runtimeApi,
                taskRoot.resolve("runtime.log"));
        processes.add(runtime);
        return runtime;
    }

    @Test
    void dropInForTheEmulatorWithItsVariablesAndCommandLine() throws Exception {
        Runtimes.curlFunction(taskRoot, FUNCTION);
        ShimProcess shim = runJar(Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "cli-fn",
                "AWS_LAMBDA_FUNCTION_TIMEOUT", "7",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                "_HANDLER", "function.handler"), "./bootstrap");
        Invoker invoker = new Invoker(shim.invoke());
        long before = System.currentTimeMillis();

        Invoker.Reply reply = invoker.invoke("{\"from\":\"cli\"}", "Lamina-Request-Id", "cli-1");

        long after = System.currentTimeMillis();
        assertThat(reply.status()).isEqualTo(200);
        JsonNode seen = JsonDocs.parse(reply.body());
        assertThat(seen.at("/name").asText()).isEqualTo("cli-fn");
        assertThat(seen.at("/memory").asText()).isEqualTo("512");
        assertThat(seen.at("/handler").asText()).isEqualTo("function.handler");
        assertThat(seen.at("/event/from").asText()).isEqualTo("cli");
        assertThat(seen.at("/deadline").asLong()).as("deadline from AWS_LAMBDA_FUNCTION_TIMEOUT=7")
                .isBetween(before + 7000, after + 7000);
        String report = shim.log().await(line -> line.startsWith("REPORT RequestId: cli-1\t"));
        assertThat(report).contains("\tMemory Size: 512 MB\t");
        assertThat(shim.log().lines()).containsSubsequence("START RequestId: cli-1 Version: $LATEST",
                "END RequestId: cli-1", report);

        shim.process().destroy();
        assertThat(shim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        JavaRuntimeClientTest.awaitGone(seen.at("/pid").asLong());
    }

    @Test
    void sidecarTimeoutKillsTheRuntimeInTheSharedProcessNamespaceAndTakesItsReplacement() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        ShimProcess shim = runJar(Map.of("AWS_LAMBDA_FUNCTION_TIMEOUT", "1"), "--runtime-api-port", "0");
        Invoker invoker = new Invoker(shim.invoke());
        Process runtime = startRuntimeContainer(bootstrap, shim.runtimeApi());

        Invoker.Reply timedOut = invoker.invoke("{\"slow\":true}");

        assertThat(JsonDocs.parse(timedOut.body()).at("/errorMessage").asText())
                .endsWith(" Error: Task timed out after 1.00 seconds");
        assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).as("the shim killed the runtime container's process")
                .isTrue();
        assertThat(runtime.exitValue()).isEqualTo(128 + 9);
        JavaRuntimeClientTest.awaitGone(Long.parseLong(Files.readString(taskRoot.resolve("child.pid")).strip()));

        Process restarted = startRuntimeContainer(bootstrap, shim.runtimeApi());
        Invoker.Reply served = invoker.invoke("{}");

        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("X-Amz-Function-Error")).as(served.body() + "\n" + shim.describe()).isNull();
        assertThat(JsonDocs.parse(served.body()).at("/pid").asLong()).isEqualTo(restarted.pid());
    }

    @Test
    void sidecarMaxMemoryUsedCountsTheRuntimeContainersProcesses() throws Exception {
        int heldMb = 24;
        Path bootstrap = Runtimes.holdingMemory(taskRoot, heldMb);
        ShimProcess shim = runJar(Map.of(), "--runtime-api-port", "0");
        startRuntimeContainer(bootstrap, shim.runtimeApi());

        Invoker.Reply reply = new Invoker(shim.invoke()).invoke("{}", "Lamina-Request-Id", "held-1");

        assertThat(reply.status()).as(shim.describe()).isEqualTo(200);
        Matcher report = Pattern.compile("\tMax Memory Used: (\\d+) MB")
                .matcher(shim.log().await(line -> line.startsWith("REPORT RequestId: held-1\t")));
        assertThat(report.find()).isTrue();
        assertThat(Integer.parseInt(report.group(1))).isGreaterThanOrEqualTo(heldMb);
    }

    @Test
    void sidecarNoticesARuntimeCrashWithoutWaitingForTheTimeout() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        ShimProcess shim = runJar(Map.of("AWS_LAMBDA_FUNCTION_TIMEOUT", "600"), "--runtime-api-port", "0",
                "--sidecar-process-pattern", Pattern.quote(bootstrap.toString()));
        Invoker invoker = new Invoker(shim.invoke());
        Process runtime = startRuntimeContainer(bootstrap, shim.runtimeApi());
        Path childPid = taskRoot.resolve("child.pid");

        CompletableFuture<Invoker.Reply> call = invoker.invokeAsync("{\"slow\":true}", "Lamina-Request-Id", "crash");
        while (!Files.exists(childPid) || Files.readString(childPid).isBlank()) {
            Thread.sleep(10);
        }
        // The container runtime kills the whole container when its main process dies.
        List<ProcessHandle> container = runtime.descendants().toList();
        runtime.destroyForcibly();
        container.forEach(ProcessHandle::destroyForcibly);
        Invoker.Reply reply;
        try {
            reply = call.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException notNoticed) {
            throw new AssertionError("the crash was not noticed\n" + shim.describe(), notNoticed);
        }

        JsonNode error = JsonDocs.parse(reply.body());
        assertThat(error.at("/errorType").asText()).isEqualTo("Runtime.ExitError");
        assertThat(error.at("/errorMessage").asText())
                .isEqualTo("RequestId: crash Error: Runtime exited without providing a reason");
    }
}
