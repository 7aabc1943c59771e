package dev.lamina.async;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lamina in local mode as a user runs it: {@code java -jar quarkus-run.jar local <dir> --port 0}, in its own process,
 * built by {@code package} (so only *IT tests use it). Its output goes to a log file next to the test's temp files.
 */
public final class LocalLamina implements AutoCloseable {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Pattern SERVING = Pattern.compile("serving .* at (http://127\\.0\\.0\\.1:\\d+)");

    private final Process process;
    private final URI endpoint;

    private LocalLamina(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts local mode on {@code dir} with these {@code -D} settings and waits (generously) until it serves. */
    public static LocalLamina start(Path dir, Path log, List<String> systemProperties) throws Exception {
        return start(dir, log, systemProperties, Map.of());
    }

    /**
     * Starts local mode as above, with these variables added to its environment (which its functions inherit, as
     * from the shell of a user running {@code ./lamina local}).
     */
    public static LocalLamina start(Path dir, Path log, List<String> systemProperties, Map<String, String> environment)
            throws Exception {
        if (!Files.isRegularFile(APP)) {
            throw new IllegalStateException(APP.toAbsolutePath() + " is missing: run this test after package (./mvnw verify)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(systemProperties);
        command.addAll(List.of("-jar", APP.toString(), "local", dir.toString(), "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<URI> serving = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("local-lamina-output").start(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = new PrintWriter(Files.newBufferedWriter(log), true)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.println(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        serving.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
            serving.completeExceptionally(new IllegalStateException("local mode exited before serving; see " + log));
        });
        try {
            return new LocalLamina(process, serving.get(120, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** SIGKILL, sent from outside: no shutdown hook runs, nothing is flushed or closed. */
    public void killMinus9() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
