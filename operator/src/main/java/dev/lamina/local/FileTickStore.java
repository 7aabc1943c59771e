package dev.lamina.local;

import dev.lamina.sources.MappingKey;
import dev.lamina.sources.TickStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Fired schedule ticks in files under {@code <dir>/.lamina/schedules/NAMESPACE/NAME}, written to a temporary file,
 * synced and renamed into place, so a tick is either recorded whole or not at all, whenever the process dies.
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
        Path file = file(schedule);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((tick + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record tick " + tick + " of " + schedule, e);
        }
    }

    private Path file(MappingKey schedule) {
        return root.resolve(schedule.namespace()).resolve(schedule.name());
    }
}
