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
     * Where the durable queue lives: a persistent volume in a cluster. Local mode defaults it to {@code .lamina/async}
     * in the served directory. Unset: asynchronous invocation is off and {@code Event} invocations are refused.
     */
    Optional<Path> dataDir();

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

    /** The settings, with {@code region} as the default region of SQS targets. */
    default AsyncSettings settings(String region) {
        return new AsyncSettings(functionErrorRetryDelays(), backoffInitial(), backoffMax(), outputRetention(),
                missingFunctionGrace(), maxConcurrentDeliveries(), idlePoll(), region);
    }
}
