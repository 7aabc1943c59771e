package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.sources.ShardLineage.Start;
import dev.lamina.sources.ShardStream.Shard;
import dev.lamina.sources.ShardStream.StartAt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardLineageTest {
    private static final StartAt TRIM_HORIZON = new StartAt.TrimHorizon();
    private static final StartAt LATEST = new StartAt.Latest();

    private static Shard open(String id, String... parents) {
        return new Shard(id, parents.length > 0 ? parents[0] : null, parents.length > 1 ? parents[1] : null, null);
    }

    private static Shard closed(String id, String... parents) {
        return new Shard(id, parents.length > 0 ? parents[0] : null, parents.length > 1 ? parents[1] : null, "99");
    }

    @Test
    void childrenOfASplitStartAtTheirBeginningOnceTheParentIsDone() {
        ShardLineage lineage = new ShardLineage(Map.of(), LATEST);
        assertThat(lineage.ready(List.of(open("p")))).containsExactly(new Start("p", LATEST));

        List<Shard> split = List.of(closed("p"), open("a", "p"), open("b", "p"));
        assertThat(lineage.ready(split)).as("the parent is still being read").isEmpty();
        lineage.ended("p");
        assertThat(lineage.ready(split)).containsExactly(new Start("a", TRIM_HORIZON), new Start("b", TRIM_HORIZON));
        assertThat(lineage.ready(split)).as("started once").isEmpty();
    }

    @Test
    void theChildOfAMergeWaitsForBothParents() {
        ShardLineage lineage = new ShardLineage(Map.of(), TRIM_HORIZON);
        List<Shard> merged = List.of(closed("p1"), closed("p2"), open("c", "p1", "p2"));
        assertThat(lineage.ready(merged)).containsExactly(new Start("p1", TRIM_HORIZON),
                new Start("p2", TRIM_HORIZON));
        lineage.ended("p2");
        assertThat(lineage.ready(merged)).isEmpty();
        lineage.ended("p1");
        assertThat(lineage.ready(merged)).containsExactly(new Start("c", TRIM_HORIZON));
    }

    @Test
    void checkpointsResumeAfterTheLastRecordDoneAndFinishedShardsStayDone() {
        ShardLineage lineage = new ShardLineage(Map.of("p", CheckpointStore.SHARD_END, "a", "42"), LATEST);
        List<Shard> shards = List.of(closed("p"), open("a", "p"), open("b", "p"));
        assertThat(lineage.ready(shards)).containsExactly(new Start("a", new StartAt.After("42")),
                new Start("b", TRIM_HORIZON));
    }

    @Test
    void aParentGoneFromTheListingHoldsNothingBack() {
        ShardLineage read = new ShardLineage(Map.of("gone", "7"), LATEST);
        assertThat(read.ready(List.of(open("a", "gone")))).as("its parent was read here")
                .containsExactly(new Start("a", TRIM_HORIZON));
        ShardLineage fresh = new ShardLineage(Map.of(), LATEST);
        assertThat(fresh.ready(List.of(open("a", "gone")))).containsExactly(new Start("a", LATEST));
    }

    @Test
    void fromLatestClosedShardsWithoutCheckpointAreSkippedAndTheirChildrenStartAtLatest() {
        ShardLineage lineage = new ShardLineage(Map.of(), LATEST);
        List<Shard> shards = List.of(closed("p"), closed("q", "p"), open("a", "q"), open("b", "q"));
        assertThat(lineage.ready(shards)).containsExactly(new Start("a", LATEST), new Start("b", LATEST));

        ShardLineage fromStart = new ShardLineage(Map.of(), TRIM_HORIZON);
        assertThat(fromStart.ready(shards)).as("TRIM_HORIZON reads every closed shard first")
                .containsExactly(new Start("p", TRIM_HORIZON));
    }

    @Test
    void checkpointsOfShardsGoneWithTheirChildrenAreForgotten() {
        ShardLineage lineage = new ShardLineage(Map.of("old", CheckpointStore.SHARD_END,
                "p", CheckpointStore.SHARD_END, "a", "5"), TRIM_HORIZON);
        List<Shard> listed = List.of(open("a", "p"), open("b"));
        assertThat(lineage.ready(listed)).containsExactly(new Start("a", new StartAt.After("5")),
                new Start("b", TRIM_HORIZON));
        assertThat(lineage.forgettable(listed)).as("p is still named as a's parent").containsExactly("old");
        assertThat(lineage.forgettable(List.of(open("b")))).as("a is being read").containsExactly("p");
        lineage.ended("a");
        assertThat(lineage.forgettable(List.of(open("b")))).containsExactly("a");
    }
}
