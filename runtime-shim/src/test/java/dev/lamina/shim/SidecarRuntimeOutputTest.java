package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.Runtimes;
import dev.lamina.shim.support.ShimProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One log stream per environment in a pod: the sidecar shim ({@code Main}, its own process) reads the runtime
 * container's stdout and stderr through the named pipe its wrapper ({@link ShimContract#wrapRuntime}) makes in a
 * shared volume, here a directory standing in for it, with a bash runtime.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SidecarRuntimeOutputTest {

    /** Init writes to stdout; the handler logs to stderr (its stdout is its answer, read by the bootstrap). */
    private static final String FUNCTION = """
            echo "init: loading the function"
            handler() {
              case "$1" in *slow*) sleep 300 ;; esac
              echo "handling $1" >&2
              echo "second line of $1" >&2
              echo '{"ok":true}'
            }
            """;

    @TempDir
    Path taskRoot;
    @TempDir
    Path sharedVolume;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        processes.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    private ShimProcess sidecar(Path bootstrap, Path fifo) throws Exception {
        return sidecar(bootstrap, fifo, 30);
    }

    private ShimProcess sidecar(Path bootstrap, Path fifo, int timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>(ShimProcess.mainOnClassPath());
        command.addAll(List.of("--port", "0", "--host", "127.0.0.1", "--runtime-api-port", "0",
                "--sidecar-process-pattern", Pattern.quote(bootstrap.toString()),
                "--runtime-output", fifo.toString()));
        ShimProcess shim = ShimProcess.start(command, taskRoot, Map.of("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(timeoutSeconds)));
        processes.add(shim.process());
        return shim;
    }

    private Process runtimeContainer(List<String> command, ShimProcess shim) throws Exception {
        Process runtime = Runtimes.container(command, taskRoot, shim.runtimeApi(), taskRoot.resolve("container.log"));
        processes.add(runtime);
        return runtime;
    }

    @Test
    void theFunctionsLinesAreInTheTailAndInTheShimsStreamBetweenStartAndEnd() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        Path fifo = sharedVolume.resolve("runtime");
        ShimProcess shim = sidecar(bootstrap, fifo);
        runtimeContainer(ShimContract.wrapRuntime(fifo.toString(), List.of(bootstrap.toString())), shim);
        Invoker invoker = new Invoker(shim.invoke());

        Invoker.Reply first = invoker.invoke("{\"n\":1}", "Lamina-Request-Id", "out-1", "X-Amz-Log-Type", "Tail");
        Invoker.Reply second = invoker.invoke("{\"n\":2}", "Lamina-Request-Id", "out-2", "X-Amz-Log-Type", "Tail");

        assertThat(first.status()).as(shim.describe()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"ok\":true}");
        List<String> firstTail = first.logResult().lines().toList();
        assertThat(firstTail).containsExactly("START RequestId: out-1 Version: $LATEST", "handling {\"n\":1}",
                "second line of {\"n\":1}", "END RequestId: out-1", firstTail.getLast());
        assertThat(firstTail.getLast()).startsWith("REPORT RequestId: out-1\t");
        assertThat(second.logResult().lines().toList()).startsWith("START RequestId: out-2 Version: $LATEST",
                "handling {\"n\":2}", "second line of {\"n\":2}", "END RequestId: out-2");

        String lastReport = shim.log().await(line -> line.startsWith("REPORT RequestId: out-2\t"));
        assertThat(shim.log().lines()).as("the shim's stdout: the environment's one log stream").containsExactly(
                "init: loading the function",
                "START RequestId: out-1 Version: $LATEST", "handling {\"n\":1}", "second line of {\"n\":1}",
                "END RequestId: out-1", firstTail.getLast(),
                "START RequestId: out-2 Version: $LATEST", "handling {\"n\":2}", "second line of {\"n\":2}",
                "END RequestId: out-2", lastReport);
        assertThat(Files.readString(taskRoot.resolve("container.log"))).as("nothing left in the container's log")
                .isEmpty();
    }

    @Test
    void aRestartedRuntimeContainerWritesIntoTheSamePipe() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        Path fifo = sharedVolume.resolve("runtime");
        ShimProcess shim = sidecar(bootstrap, fifo, 1);
        List<String> wrapped = ShimContract.wrapRuntime(fifo.toString(), List.of(bootstrap.toString()));
        Process first = runtimeContainer(wrapped, shim);
        Invoker invoker = new Invoker(shim.invoke());

        Invoker.Reply timedOut = invoker.invoke("{\"slow\":true}", "Lamina-Request-Id", "slow");

        assertThat(timedOut.body()).as(shim.describe()).contains("Task timed out after 1.00 seconds");
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("the shim reset the environment").isTrue();
        // The kubelet starts the container again.
        runtimeContainer(wrapped, shim);
        Invoker.Reply reply = invoker.invoke("{\"n\":3}", "Lamina-Request-Id", "again", "X-Amz-Log-Type", "Tail");

        assertThat(reply.status()).as(shim.describe()).isEqualTo(200);
        assertThat(reply.logResult().lines().toList()).contains("handling {\"n\":3}");
        assertThat(shim.log().lines().stream().filter("init: loading the function"::equals))
                .as("each container's init, in the stream").hasSize(2);
    }

    @Test
    void withoutMkfifoTheRuntimeStillRunsAndTheShimSaysWhereItsOutputIs() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTION);
        Path fifo = sharedVolume.resolve("runtime");
        ShimProcess shim = sidecar(bootstrap, fifo);
        // A PATH with what the bootstrap needs, and no mkfifo.
        Path bin = Files.createDirectory(taskRoot.resolve("bin"));
        for (String tool : List.of("bash", "curl", "cut", "grep", "tr", "mktemp", "rm")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "PATH=" + bin));
        command.addAll(ShimContract.wrapRuntime(fifo.toString(), List.of(bootstrap.toString())));
        runtimeContainer(command, shim);

        Invoker.Reply reply = new Invoker(shim.invoke()).invoke("{}", "X-Amz-Log-Type", "Tail");

        assertThat(reply.status()).as(shim.describe()).isEqualTo(200);
        shim.log().await(line -> line.startsWith("lamina-shim: the runtime's output does not come through " + fifo));
        assertThat(Files.readString(taskRoot.resolve("container.log")))
                .contains("lamina: no pipe " + fifo + "; the runtime's output stays in this container's log")
                .contains("init: loading the function", "handling {}");
    }

    private static String which(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(tool + " is not on the PATH");
    }
}
