package dev.lamina.async;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the replicated queue lives and how it is kept.
 *
 * @param servers         NATS server URLs ({@code nats://host:4222}; user and password may be in the URL)
 * @param credentialsFile a NATS credentials file (JWT and NKey seed), if the servers require one
 * @param stream          the JetStream stream's name, also the first token of its subjects
 * @param replicas        copies the stream keeps (3 survives the loss of one server)
 * @param ackWait         how long a replica may hold an event without a sign of life before another one gets it
 */
public record NatsSettings(List<String> servers, Optional<Path> credentialsFile, String stream, int replicas,
                           Duration ackWait) {

    public NatsSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("the NATS store needs at least one server URL");
        }
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(ackWait, "ackWait");
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("JetStream keeps 1 to 5 replicas of a stream, not " + replicas);
        }
    }
}
