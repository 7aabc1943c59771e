package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.RecordingExtension;
import dev.lamina.shim.support.Runtimes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command ({@link Main}, as the sidecar image and the emulator drop-in run it) starting an external extension
 * from {@code --extensions-dir} before the runtime, and shutting it down on SIGTERM as Lambda ends an environment.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MainExtensionsTest {

    private static final Pattern INVOKE_ADDRESS = Pattern.compile(
            "lamina-shim: invoke endpoint http://127\\.0\\.0\\.1:(\\d+)/.*");

    @TempDir
    Path taskRoot;

    private Process shim;

    @AfterEach
    void stopShim() {
        if (shim != null) {
            shim.descendants().forEach(ProcessHandle::destroyForcibly);
            shim.destroyForcibly();
        }
    }

    @Test
    void startsTheExtensionsBeforeTheRuntimeAndShutsThemDownOnSigterm() throws Exception {
        assumeTrue(RecordingExtension.pythonAvailable(), "python3 is needed to run the recording extension");
        Path extensions = taskRoot.resolve("opt/extensions");
        RecordingExtension.install(extensions, "recorder");
        Path bootstrap = Runtimes.curlFunction(taskRoot, ExtensionsTest.FUNCTIONS);
        Path record = taskRoot.resolve("record.jsonl");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--port", "0", "--host", "127.0.0.1", "--extensions-dir", extensions.toString(), bootstrap.toString())
                .directory(taskRoot.toFile());
        builder.environment().putAll(Map.of("RECORD", record.toString(), "_HANDLER", "function.handler",
                "AWS_LAMBDA_FUNCTION_NAME", "main-fn"));
        shim = builder.start();
        LogLines log = new LogLines();
        pump(shim.getInputStream(), log);
        LogLines messages = new LogLines();
        pump(shim.getErrorStream(), messages);
        Matcher address = INVOKE_ADDRESS.matcher(messages.await(line -> INVOKE_ADDRESS.matcher(line).matches()));
        assertThat(address.matches()).isTrue();
        Invoker invoker = new Invoker(new InetSocketAddress("127.0.0.1", Integer.parseInt(address.group(1))));

        assertThat(invoker.invoke("{}", "Lamina-Request-Id", "main-1").status()).isEqualTo(200);
        RecordingExtension.await(record, document -> document.at("/event/requestId").asText().equals("main-1"));
        log.await(line -> line.startsWith("REPORT RequestId: main-1\t"));
        shim.destroy();

        assertThat(shim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> recorded = RecordingExtension.read(record);
        assertThat(recorded.getFirst().at("/register/functionName").asText()).isEqualTo("main-fn");
        JsonNode last = recorded.stream().filter(document -> document.has("event")).toList().getLast().get("event");
        assertThat(last.at("/eventType").asText()).isEqualTo("SHUTDOWN");
        assertThat(last.at("/shutdownReason").asText()).isEqualTo("spindown");
        assertThat(log.lines()).contains("recorder extension subscribed");
    }

    private static void pump(InputStream stream, LogLines lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines);
            } catch (IOException closed) {
                // The process ended.
            }
        });
    }
}
