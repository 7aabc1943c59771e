package dev.lamina.local;

import dev.lamina.sources.MappingKey;
import dev.lamina.sources.TickStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Fired schedule ticks in files under {@code <dir>/.lamina/schedules/NAMESPACE/NAME}, written by
 * {@link DurableFiles}: a tick is either recorded whole or not at all, whenever the process dies.
 */
final class FileTickStore implements TickStore {
    private final Path root;

    FileTickStore(Path root) {
        this.root = root;
    }

    @Override
    public Optional<Instant> lastFired(MappingKey schedule) {
        try {
            return Optional.of(Instant.parse(Files.readString(file(schedule)).strip()));
        } catch (NoSuchFileException | DateTimeParseException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void fired(MappingKey schedule, Instant tick) {
        try {
            DurableFiles.write(file(schedule), (tick + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record tick " + tick + " of " + schedule, e);
        }
    }

    private Path file(MappingKey schedule) {
        return root.resolve(schedule.namespace()).resolve(schedule.name());
    }
}
