package dev.lamina.sources;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A stream mapping's checkpoints on their way to the {@link CheckpointStore}: the shards' moves are gathered and
 * written at most once a second, and once more on close, so a busy stream costs one write a second rather than one a
 * batch. A crash loses at most the last second's moves: those records are sent again, which Lambda's at-least-once
 * delivery allows; no record is ever checkpointed before it is done.
 */
final class CheckpointWriter implements StreamShard.Checkpoints, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CheckpointWriter.class);
    static final Duration EVERY = Duration.ofSeconds(1);

    private final MappingKey mapping;
    private final CheckpointStore store;
    private final StopSignal stop = new StopSignal();
    private final Map<String, String> moved = new LinkedHashMap<>();
    /** One write at a time, so a later checkpoint is never overwritten by an earlier one. */
    private final Object flushing = new Object();
    private final Thread writer;

    CheckpointWriter(MappingKey mapping, CheckpointStore store) {
        this.mapping = mapping;
        this.store = store;
        this.writer = Thread.ofVirtual().name("lamina-checkpoints-" + mapping).start(this::run);
    }

    @Override
    public synchronized void advanced(String shard, String position) {
        moved.put(shard, position);
    }

    /**
     * Records a shard as read to its end and done; written before this returns, since its children wait on it (a
     * failed write is retried with backoff until it succeeds or the writer closes).
     */
    void ended(String shard) {
        synchronized (this) {
            moved.put(shard, CheckpointStore.SHARD_END);
        }
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        while (!flush() && !stop.stopped()) {
            stop.pause(backoff.next());
        }
    }

    /** Forgets a shard no longer needed: gone from the stream, and its children too. */
    synchronized void forget(String shard) {
        moved.put(shard, null);
    }

    private void run() {
        while (!stop.stopped()) {
            stop.pause(EVERY);
            flush();
        }
    }

    /**
     * Writes what moved; on failure it stays to be written next time. Shards keep moving while it writes.
     *
     * @return false when the write failed
     */
    boolean flush() {
        synchronized (flushing) {
            Map<String, String> batch;
            synchronized (this) {
                if (moved.isEmpty()) {
                    return true;
                }
                batch = new HashMap<>(moved);
            }
            try {
                store.save(mapping, batch);
            } catch (RuntimeException e) {
                LOG.warnf("mapping %s: checkpoints could not be saved (%s); retrying", mapping, e.getMessage());
                return false;
            }
            synchronized (this) {
                // Only what was written: a shard that moved meanwhile is written next time.
                batch.forEach(moved::remove);
            }
            return true;
        }
    }

    @Override
    public void close() {
        stop.stop();
        try {
            writer.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
