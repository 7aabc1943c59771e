package dev.lamina.sources;

import java.util.List;

/**
 * What a mapping is doing, in Lambda's words.
 *
 * @param state                Lambda's mapping state
 * @param lastProcessingResult Lambda's {@code LastProcessingResult}: "No records processed", "OK", or "PROBLEM: …"
 * @param problem              why the mapping is not working as asked, or null
 * @param generation           the mapping generation this describes
 * @param shards               streams and Kafka: the shards or partitions read and how far behind each is; else null
 */
public record MappingState(State state, String lastProcessingResult, Problem problem, long generation,
                           List<ShardLag> shards) {

    public enum State { Creating, Enabled, Disabling, Disabled, Failed }

    /** How far a shard's or partition's reading is behind its newest record: Lambda's {@code IteratorAge}. */
    public record ShardLag(String shard, long iteratorAgeMillis) {
    }

    /** A condition the user must know about: a CamelCase reason and a message. */
    public record Problem(String reason, String message) {
    }

    public static final String NO_RECORDS = "No records processed";
    public static final String OK = "OK";

    static MappingState of(State state, String lastProcessingResult, long generation) {
        return new MappingState(state, lastProcessingResult, null, generation, null);
    }

    static MappingState failing(State state, String reason, String message, long generation) {
        return new MappingState(state, "PROBLEM: " + message, new Problem(reason, message), generation, null);
    }

    /** This state with the shards read now. */
    MappingState withShards(List<ShardLag> read) {
        return new MappingState(state, lastProcessingResult, problem, generation, read);
    }
}
