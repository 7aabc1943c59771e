package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a runtime's life is bound to: its host JVM, and its environment's private /tmp. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeLifetimeTest {

    @TempDir
    Path dir;

    /** A runtime that records its pid and its child's, then waits for events (forever: nobody invokes it). */
    private static final String RECORDING_PIDS = """
            #!/bin/bash
            sleep 600 &
            echo "$$ $!" > pids.tmp && mv pids.tmp pids
            exec curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next"
            """;

    @Test
    void runtimeAndItsChildrenDieWithAKilledHost() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")),
                "setsid (util-linux) is needed to tie runtimes to their host");
        Path bootstrap = Runtimes.script(dir, "bootstrap", RECORDING_PIDS);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process host = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", "0", "--host", "127.0.0.1", "--", bootstrap.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("host.log").toFile())
                .start();
        List<ProcessHandle> runtime;
        try {
            Path pids = dir.resolve("pids");
            while (!Files.exists(pids)) {
                assertThat(host.isAlive()).as("the host JVM runs (see host.log)").isTrue();
                Thread.sleep(20);
            }
            runtime = Arrays.stream(Files.readString(pids).strip().split(" "))
                    .map(pid -> ProcessHandle.of(Long.parseLong(pid)).orElseThrow()).toList();
        } finally {
            host.destroyForcibly();
        }
        host.waitFor();

        for (ProcessHandle process : runtime) {
            while (alive(process.pid())) {
                Thread.sleep(20);
            }
        }
    }

    @Test
    void eachEnvironmentHasItsOwnTmpGoneWhenItStops() throws Exception {
        Path tmp = dir.resolve("env-tmp");
        Path bootstrap = Runtimes.curlFunction(dir, """
                handler() {
                  echo hello > "$TMPDIR/written"
                  echo "{\\"tmpdir\\": \\"$TMPDIR\\"}"
                }
                """);
        Shim shim = Shim.start(ShimConfig.builder()
                .handler("function.handler")
                .timeout(Duration.ofSeconds(10))
                .workingDirectory(dir)
                .runtimeCommand(bootstrap.toString())
                .tmpDirectory(tmp)
                .logSink(new LogLines())
                .build());
        try (shim) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(JsonDocs.parse(reply.body()).at("/tmpdir").asText()).isEqualTo(tmp.toString());
            assertThat(tmp.resolve("written")).hasContent("hello");
        }
        assertThat(tmp).doesNotExist();
    }

    @Test
    void aBootstrapThatCannotRunIsAnInvalidEntrypoint() throws Exception {
        Path bootstrap = dir.resolve("bootstrap");
        Files.writeString(bootstrap, "#!/bin/sh\n");
        try (Shim shim = Shim.start(ShimConfig.builder().workingDirectory(dir).runtimeCommand(bootstrap.toString())
                .logSink(new LogLines()).build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo("Runtime.InvalidEntrypoint");
        }
    }

    /** Alive and not a zombie waiting for a parent that is gone to reap it. */
    private static boolean alive(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        try {
            String text = Files.readString(stat);
            return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
