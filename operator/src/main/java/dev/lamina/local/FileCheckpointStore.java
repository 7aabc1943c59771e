package dev.lamina.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.sources.CheckpointStore;
import dev.lamina.sources.MappingKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stream checkpoints in files under {@code <dir>/.lamina/checkpoints/NAMESPACE/NAME}, one JSON object of shard to
 * position per mapping, written by {@link DurableFiles}: whole or not at all.
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
        try {
            DurableFiles.write(file(mapping), JSON.writeValueAsBytes(all));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoints of " + mapping, e);
        }
    }

    private Path file(MappingKey mapping) {
        return root.resolve(mapping.namespace()).resolve(mapping.name());
    }
}
