package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every event whose add completed is on disk, even when the writing process is killed with SIGKILL mid-stream. */
class EventStoreKillTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEventSurvivesKillMinus9() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                StoreWriterProcess.class.getName(), dir.toString(), "32")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Set<String> acknowledged = new HashSet<>();
        try (var lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring(4));
                    if (acknowledged.size() == 3000) {
                        // SIGKILL from outside (Process.destroyForcibly would also close our end of the pipe and lose
                        // acknowledgements already written to it): no shutdown hook, no flush, no close.
                        new ProcessBuilder("kill", "-KILL", Long.toString(writer.pid())).start().waitFor();
                    }
                }
            }
        }
        writer.waitFor();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(3000);

        try (var store = SqliteEventStore.open(dir)) {
            Set<String> stored = store.claimDue(Instant.now().plusSeconds(60), Integer.MAX_VALUE).stream()
                    .map(AsyncEvent::requestId).collect(Collectors.toSet());
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            System.out.printf("store kill test: %d acknowledged, %d stored, %d lost%n", acknowledged.size(), stored.size(), lost.size());
            assertThat(lost).as("acknowledged events missing after kill -9").isEmpty();
        }
    }
}
