package dev.lamina.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Local mode in its own process, as users run it: the built {@code quarkus-run.jar} serving a directory on a free
 * port, its output in {@code gateway.log} in that directory. Each benchmark waits for what it needs to be ready.
 */
final class LocalGateway implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private LocalGateway(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code local <dir>} from the repository's build, with extra JVM flags. */
    static LocalGateway start(Path repo, Path dir, String... jvmFlags) throws IOException {
        return startBuild(repo.resolve("operator/target/quarkus-app/quarkus-run.jar"), dir, jvmFlags);
    }

    /** Starts {@code local <dir>} from a given build's {@code quarkus-run.jar}, e.g. a copy of an earlier build. */
    static LocalGateway startBuild(Path app, Path dir, String... jvmFlags) throws IOException {
        if (!Files.isRegularFile(app)) {
            throw new IllegalStateException(app + " is missing: build first (see bench/README.md)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-Dlamina.local.function-logs=false", "-Dquarkus.log.level=WARN", "-jar",
                app.toString(), "local", dir.toString(), "--port", Integer.toString(port)));
        Path log = dir.resolve("gateway.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new LocalGateway(process, port, log);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    /**
     * Waits until a function has at least {@code environments} initialised environments (all its versions and
     * aliases together), by the gateway's {@code lamina_environments} gauge; also while the gateway is still starting.
     */
    void awaitReady(String function, int environments, Duration limit) throws IOException, InterruptedException {
        Pattern ready = Pattern.compile("lamina_environments\\{[^}]*function_name=\"" + function
                + "\"[^}]*state=\"ready\"[^}]*}\\s+([0-9.]+)");
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(30)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                try {
                    Matcher m = ready.matcher(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
                    double total = 0;
                    while (m.find()) {
                        total += Double.parseDouble(m.group(1));
                    }
                    if (total >= environments) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    if (!process.isAlive()) {
                        throw failure("stopped");
                    }
                }
                Thread.sleep(100);
            }
        }
        throw failure("never got " + environments + " ready environments of " + function);
    }

    /** Fails with where the log is, for a gateway that stopped or did not get ready. */
    IllegalStateException failure(String what) {
        return new IllegalStateException("the gateway " + what + "; see " + log);
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(30));
    }

    /** Deletes a benchmark's directory, saying so when it cannot. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (UncheckedIOException | IOException e) {
            System.out.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
