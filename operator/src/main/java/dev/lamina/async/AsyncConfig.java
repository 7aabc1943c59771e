package dev.lamina.async;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Asynchronous invocation's settings ({@code lamina.async.*}); the defaults are Lambda's timing. */
@ConfigMapping(prefix = "lamina.async")
public interface AsyncConfig {

    /**
     * Which durable queue keeps the events: {@code sqlite}, embedded in this process (one replica, local mode), or
     * {@code nats}, a JetStream stream every gateway replica shares.
     */
    @WithDefault("sqlite")
    Store store();

    /**
     * Where the embedded queue lives: a persistent volume in a cluster. Local mode defaults it to {@code .lamina/async}
     * in the served directory. Unset with store {@code sqlite}: asynchronous invocation is off and {@code Event}
     * invocations are refused.
     */
    Optional<Path> dataDir();

    /** The replicated queue, for store {@code nats}. */
    Nats nats();

    /** Delays before the retries after a function error (Lambda: about 1 and 2 minutes). */
    @WithDefault("1m,2m")
    List<Duration> functionErrorRetryDelays();

    /** First delay after a throttle, platform error or failed send; doubled per further failure. */
    @WithDefault("1s")
    Duration backoffInitial();

    /** Longest such delay. */
    @WithDefault("5m")
    Duration backoffMax();

    /** How long a destination or dead-letter queue that is down is retried before the record is given up. */
    @WithDefault("24h")
    Duration outputRetention();

    /** How long events of a function that cannot be found are kept before they are dropped. */
    @WithDefault("5m")
    Duration missingFunctionGrace();

    /** Invocation attempts and sends in flight at once. */
    @WithDefault("64")
    int maxConcurrentDeliveries();

    /** Longest sleep of the delivery loop when nothing is due. */
    @WithDefault("1s")
    Duration idlePoll();

    /** The durable queues to choose from. */
    enum Store { SQLITE, NATS }

    /** NATS JetStream as the durable queue ({@code lamina.async.nats.*}). */
    interface Nats {

        /** Server URLs, {@code nats://host:4222}; user and password may be given in the URL. */
        Optional<List<String>> servers();

        /** A NATS credentials file (JWT and NKey seed), when the servers require one. */
        Optional<Path> credentialsFile();

        /** The stream's name; it is also the first token of its subjects. */
        @WithDefault("LAMINA_ASYNC")
        String stream();

        /** Copies of the stream the servers keep: 3 survives the loss of one server. */
        @WithDefault("3")
        int replicas();

        /** How long a replica may hold an event without a sign of life before another replica gets it. */
        @WithDefault("30s")
        Duration ackWait();

        default NatsSettings settings() {
            return new NatsSettings(servers().orElseThrow(() -> new IllegalStateException(
                    "lamina.async.store=nats needs lamina.async.nats.servers")), credentialsFile(), stream(),
                    replicas(), ackWait());
        }
    }

    /** The settings, with {@code region} as the default region of SQS targets. */
    default AsyncSettings settings(String region) {
        return new AsyncSettings(functionErrorRetryDelays(), backoffInitial(), backoffMax(), outputRetention(),
                missingFunctionGrace(), maxConcurrentDeliveries(), idlePoll(), region);
    }
}
