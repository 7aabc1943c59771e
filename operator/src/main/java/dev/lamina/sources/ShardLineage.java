package dev.lamina.sources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which shards of a stream a mapping reads, and from where, in Lambda's order: a shard starts only once each of its
 * parents is done (read to its end and settled, {@link CheckpointStore#SHARD_END}) or gone from the listing (its
 * records expired), so that after a split or merge no record of a child is processed before every record of its
 * parents.
 *
 * <p>A shard starts after its checkpoint; without one, a child of a shard this mapping read starts at TRIM_HORIZON
 * (its records all came after its parents'), any other shard at the mapping's {@code startingPosition}. With LATEST,
 * a closed shard without a checkpoint is skipped unread: nothing arrives in it any more, and its children start at
 * LATEST too.
 */
final class ShardLineage {
    /** A shard to read now. */
    record Start(String shard, ShardStream.StartAt at) {
    }

    private final Map<String, String> checkpoints;
    private final ShardStream.StartAt startingPosition;
    /** Shards read in this mapping: with a checkpoint, or started here. */
    private final Set<String> read = new HashSet<>();
    private final Set<String> started = new HashSet<>();
    /** Read to the end and settled, or skipped. */
    private final Set<String> done = new HashSet<>();

    ShardLineage(Map<String, String> checkpoints, ShardStream.StartAt startingPosition) {
        this.checkpoints = new HashMap<>(checkpoints);
        this.startingPosition = startingPosition;
        checkpoints.forEach((shard, position) -> {
            read.add(shard);
            if (CheckpointStore.SHARD_END.equals(position)) {
                done.add(shard);
            }
        });
    }

    /** The listed shards that may start now, each counted as started. */
    synchronized List<Start> ready(List<ShardStream.Shard> listed) {
        Set<String> ids = new HashSet<>();
        listed.forEach(s -> ids.add(s.id()));
        List<Start> starts = new ArrayList<>();
        boolean skipped;
        do {
            // A skipped shard lets its children start in the same pass.
            skipped = false;
            for (ShardStream.Shard shard : listed) {
                String id = shard.id();
                if (started.contains(id) || done.contains(id)
                        || shard.parents().stream().anyMatch(p -> ids.contains(p) && !done.contains(p))) {
                    continue;
                }
                String checkpoint = checkpoints.get(id);
                ShardStream.StartAt at;
                if (checkpoint != null) {
                    at = new ShardStream.StartAt.After(checkpoint);
                } else if (shard.parents().stream().anyMatch(read::contains)) {
                    at = new ShardStream.StartAt.TrimHorizon();
                } else if (startingPosition instanceof ShardStream.StartAt.Latest && shard.closed()) {
                    done.add(id);
                    skipped = true;
                    continue;
                } else {
                    at = startingPosition;
                }
                started.add(id);
                read.add(id);
                starts.add(new Start(id, at));
            }
        } while (skipped);
        return starts;
    }

    /** A started shard was read to its end and its records are all settled: its children may start. */
    synchronized void ended(String shard) {
        done.add(shard);
    }

    /**
     * The shards whose checkpoints are no longer needed, forgotten here: gone from the listing, named as parent by no
     * listed shard (so their children are gone too), and not being read.
     */
    synchronized List<String> forgettable(List<ShardStream.Shard> listed) {
        Set<String> needed = new HashSet<>();
        listed.forEach(s -> {
            needed.add(s.id());
            needed.addAll(s.parents());
        });
        List<String> gone = read.stream()
                .filter(id -> !needed.contains(id) && (!started.contains(id) || done.contains(id)))
                .sorted().toList();
        gone.forEach(id -> {
            read.remove(id);
            started.remove(id);
            done.remove(id);
            checkpoints.remove(id);
        });
        return gone;
    }
}
