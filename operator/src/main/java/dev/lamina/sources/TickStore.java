package dev.lamina.sources;

import java.time.Instant;
import java.util.Optional;

/**
 * The last tick each schedule fired, kept durably so that a tick fires once across restarts and failovers: in the
 * mapping's status in a cluster, in a file under {@code <dir>/.lamina} locally.
 */
public interface TickStore {

    Optional<Instant> lastFired(MappingKey schedule);

    /** Records {@code tick} as fired; returns only once it is durable. */
    void fired(MappingKey schedule, Instant tick);
}
