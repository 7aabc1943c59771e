package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CheckpointWriterTest {
    private static final MappingKey MAPPING = new MappingKey("team", "stream");

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aShardEndIsDurableBeforeEndedReturnsEvenWhenTheStoreFailsAtFirst() {
        AtomicInteger failures = new AtomicInteger(2);
        MemoryCheckpointStore memory = new MemoryCheckpointStore();
        CheckpointStore flaky = new CheckpointStore() {
            @Override
            public Map<String, String> load(MappingKey mapping) {
                return memory.load(mapping);
            }

            @Override
            public void save(MappingKey mapping, Map<String, String> moved) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("the API server is away");
                }
                memory.save(mapping, moved);
            }
        };
        try (CheckpointWriter writer = new CheckpointWriter(MAPPING, flaky)) {
            writer.advanced("a", "7");
            writer.ended("p");
            assertThat(memory.load(MAPPING)).containsEntry("p", CheckpointStore.SHARD_END).containsEntry("a", "7");
            writer.forget("p");
        }
        assertThat(memory.load(MAPPING)).as("forgotten, written on close").isEqualTo(Map.of("a", "7"));
    }
}
