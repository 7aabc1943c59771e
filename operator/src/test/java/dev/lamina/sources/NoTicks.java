package dev.lamina.sources;

import java.time.Instant;
import java.util.Optional;

/** A tick store for runs without schedules: nothing fired, nothing kept. */
public final class NoTicks implements TickStore {
    @Override
    public Optional<Instant> lastFired(MappingKey schedule) {
        return Optional.empty();
    }

    @Override
    public void fired(MappingKey schedule, Instant tick) {
    }
}
