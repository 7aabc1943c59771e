package dev.lamina.sources;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Checkpoints kept in memory: what a restarted poller of the same process reads back. */
public final class MemoryCheckpointStore implements CheckpointStore {
    private final Map<MappingKey, Map<String, String>> saved = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> load(MappingKey mapping) {
        return Map.copyOf(saved.getOrDefault(mapping, Map.of()));
    }

    @Override
    public void save(MappingKey mapping, Map<String, String> moved) {
        saved.compute(mapping, (k, current) -> {
            Map<String, String> next = current == null ? new HashMap<>() : new HashMap<>(current);
            moved.forEach((shard, position) -> {
                if (position == null) {
                    next.remove(shard);
                } else {
                    next.put(shard, position);
                }
            });
            return next;
        });
    }
}
