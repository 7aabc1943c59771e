package dev.lamina.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A moto server ({@code moto_server}, Python) on a free loopback port, in its own process: S3, SQS, DynamoDB,
 * DynamoDB Streams and Kinesis on one endpoint, all in memory. Its output goes to a log file.
 */
public final class MotoServer implements AutoCloseable {

    private static final Duration START_WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** The {@code moto_server} executable on the PATH, if there is one. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "moto_server")).filter(Files::isExecutable).findFirst();
    }

    /** Starts the server and waits (bounded) until it accepts connections. */
    public static MotoServer start(Path executable, Path log) throws IOException, InterruptedException {
        int port = freePort();
        Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("moto_server did not start on port " + port + " within " + START_WITHIN
                        + "; see " + log);
            }
            Thread.sleep(200);
        }
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
