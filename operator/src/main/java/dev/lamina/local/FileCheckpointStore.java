package dev.lamina.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.sources.CheckpointStore;
import dev.lamina.sources.MappingKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stream checkpoints in files under {@code <dir>/.lamina/checkpoints/NAMESPACE/NAME}, one JSON object of shard to
 * position per mapping, written to a temporary file, synced and renamed into place: whole or not at all.
 */
final class FileCheckpointStore implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> SHARDS = new TypeReference<>() {
    };
    private final Path root;

    FileCheckpointStore(Path root) {
        this.root = root;
    }

    @Override
    public synchronized Map<String, String> load(MappingKey mapping) {
        try {
            return JSON.readValue(Files.readAllBytes(file(mapping)), SHARDS);
        } catch (NoSuchFileException none) {
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the checkpoints of " + mapping, e);
        }
    }

    @Override
    public synchronized void save(MappingKey mapping, Map<String, String> moved) {
        Map<String, String> all = new TreeMap<>(load(mapping));
        moved.forEach((shard, position) -> {
            if (position == null) {
                all.remove(shard);
            } else {
                all.put(shard, position);
            }
        });
        Path file = file(mapping);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(all)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoints of " + mapping, e);
        }
    }

    private Path file(MappingKey mapping) {
        return root.resolve(mapping.namespace()).resolve(mapping.name());
    }
}
