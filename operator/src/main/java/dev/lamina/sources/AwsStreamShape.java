package dev.lamina.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The events and failure records of Kinesis and DynamoDB stream mappings, which Lambda shapes alike: the event is
 * {@code {"Records":[…]}} (with the tumbling window's fields beside them when there is one), and a discarded batch is
 * described by shard, sequence numbers, arrival times and size, under {@code KinesisBatchInfo} or
 * {@code DDBStreamBatchInfo}.
 */
record AwsStreamShape(String batchInfoName, String streamArn) implements StreamShape {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AwsStreamShape kinesis(String streamArn) {
        return new AwsStreamShape("KinesisBatchInfo", streamArn);
    }

    static AwsStreamShape dynamoDb(String streamArn) {
        return new AwsStreamShape("DDBStreamBatchInfo", streamArn);
    }

    @Override
    public byte[] event(String shard, List<StreamRecord> records, TumblingWindow.Invocation window) {
        if (window == null) {
            return RecordsEvent.of(records.stream().map(StreamRecord::record).toList());
        }
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        try {
            for (StreamRecord record : records) {
                array.add(JSON.readTree(record.record()));
            }
            window.addTo(event, shard, streamArn);
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ObjectNode batchInfo(String shard, List<StreamRecord> records) {
        ObjectNode info = JSON.createObjectNode();
        info.put("shardId", shard);
        info.put("startSequenceNumber", records.getFirst().position());
        info.put("endSequenceNumber", records.getLast().position());
        info.put("approximateArrivalOfFirstRecord", arrival(records.getFirst()));
        info.put("approximateArrivalOfLastRecord", arrival(records.getLast()));
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        return info;
    }

    private static String arrival(StreamRecord record) {
        return StreamFunction.TIMESTAMP.format(Instant.ofEpochMilli(record.arrivalMillis()));
    }
}
