package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What differs between stream engines once records are read: the event the function gets and how a batch is named. */
interface StreamShape {

    /**
     * The event for a batch of one shard.
     *
     * @param window the tumbling window the batch belongs to, or null without one
     */
    byte[] event(String shard, List<StreamRecord> records, TumblingWindow.Invocation window);

    /** The record's {@code itemIdentifier} under {@code ReportBatchItemFailures}. */
    default String itemIdentifier(StreamRecord record) {
        return record.position();
    }

    /**
     * The identifier a function's {@code itemIdentifier} names, as {@link #itemIdentifier} gives it; null when it names
     * none (the whole batch then failed).
     *
     * @param shard the shard of the batch the function answered
     */
    default String reportedIdentifier(String shard, JsonNode itemIdentifier) {
        return itemIdentifier.isTextual() ? itemIdentifier.textValue() : null;
    }

    /** Lambda's name of the batch description in a failure record: {@code KinesisBatchInfo}, {@code DDBStreamBatchInfo}. */
    String batchInfoName();

    /** The description of a batch sent to the failure destination. */
    ObjectNode batchInfo(String shard, List<StreamRecord> records);
}
