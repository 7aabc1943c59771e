package dev.lamina.async;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.testing.NatsCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One nats-server with JetStream for a test class, and a stream of its own for every harness, so the delivery rules
 * can be checked against the NATS queue as they are against the embedded one.
 */
final class NatsStreams implements AutoCloseable {

    private static final AtomicInteger STREAMS = new AtomicInteger();
    private final NatsCluster server;

    private NatsStreams(NatsCluster server) {
        this.server = server;
    }

    static NatsStreams start() {
        assumeTrue(NatsCluster.executable().isPresent(),
                "nats-server is not installed (.ci/run installs Debian's package): the NATS queue tests need it");
        try {
            return new NatsStreams(NatsCluster.start(Files.createTempDirectory("lamina-nats-"), 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A harness on a new stream (one replica: one server). */
    Harness harness(AsyncSettings settings) {
        NatsSettings nats = new NatsSettings(server.servers(), Optional.empty(), "T" + STREAMS.incrementAndGet(), 1,
                Duration.ofSeconds(5));
        return new Harness(clock -> NatsEventStore.connect(nats, clock), settings);
    }

    @Override
    public void close() {
        server.close();
    }
}
