package dev.lamina.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Real nats-server processes with JetStream on loopback: one server, or a cluster whose nodes route to each other.
 * Ports are free ones, storage is under {@code work}; {@link #kill} ends a node with SIGKILL.
 */
public final class NatsCluster implements AutoCloseable {

    /** Above the default 1 MB: an event of 1 MB plus its stored state must fit in one message. */
    private static final String MAX_PAYLOAD = "8MB";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();

    private NatsCluster(Path work, int size) throws IOException, InterruptedException {
        int[] ports = freePorts(size * 3);
        String routes = IntStream.range(0, size).mapToObj(i -> "nats://127.0.0.1:" + ports[size * 2 + i])
                .collect(Collectors.joining(", "));
        for (int i = 0; i < size; i++) {
            Path dir = Files.createDirectories(work.resolve("nats-" + i));
            String cluster = size == 1 ? "" : """
                    cluster {
                      name: lamina-test
                      listen: 127.0.0.1:%d
                      routes: [%s]
                    }
                    """.formatted(ports[size * 2 + i], routes);
            Path config = Files.writeString(dir.resolve("nats.conf"), """
                    server_name: n%d
                    listen: 127.0.0.1:%d
                    http: 127.0.0.1:%d
                    max_payload: %s
                    jetstream { store_dir: "%s" }
                    %s""".formatted(i, ports[i], ports[size + i], MAX_PAYLOAD, dir.resolve("js"), cluster));
            clientPorts.add(ports[i]);
            nodes.add(new ProcessBuilder(executable().orElseThrow().toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start());
        }
        awaitHealthy(IntStream.range(0, size).map(i -> ports[size + i]).toArray());
    }

    /** The nats-server on the PATH, if there is one. */
    public static Optional<Path> executable() {
        return Stream.of(System.getenv("PATH").split(":"), new String[]{"/usr/sbin", "/usr/local/sbin"})
                .flatMap(Stream::of).map(dir -> Path.of(dir, "nats-server")).filter(Files::isExecutable).findFirst();
    }

    /** Starts {@code size} nodes (1: a single server) and waits until each reports JetStream healthy. */
    public static NatsCluster start(Path work, int size) {
        try {
            return new NatsCluster(work, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every node's client URL. */
    public List<String> servers() {
        return clientPorts.stream().map(port -> "nats://127.0.0.1:" + port).toList();
    }

    /** SIGKILL for node {@code index}: no shutdown, no flush. */
    public void kill(int index) throws InterruptedException {
        Process node = nodes.get(index);
        node.destroyForcibly();
        node.waitFor();
    }

    private static void awaitHealthy(int[] monitorPorts) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            for (int port : monitorPorts) {
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build();
                while (true) {
                    try {
                        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            break;
                        }
                    } catch (IOException notYet) {
                        // not listening yet
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("nats-server on monitor port " + port + " not healthy within "
                                + START_TIMEOUT);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(Process::destroyForcibly);
        for (Process node : nodes) {
            try {
                node.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
