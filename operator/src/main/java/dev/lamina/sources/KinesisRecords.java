package dev.lamina.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Kinesis records as Lambda hands them to a function, with the keys of Lambda's {@code KinesisEvent}: the
 * {@code kinesis} object (data in base64, arrival time in epoch seconds with milliseconds) and the event fields around
 * it. Filters match the {@code kinesis} object with {@code data} decoded.
 *
 * @param streamArn         the stream, the records' {@code eventSourceARN}
 * @param region            the records' {@code awsRegion}
 * @param invokeIdentityArn Lambda names the mapping's execution role here; Lamina has none, so a fixed role of the
 *                          account stands for it ({@code arn:aws:iam::ACCOUNT:role/lamina})
 */
record KinesisRecords(String streamArn, String region, String invokeIdentityArn, EventFilter filter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static KinesisRecords of(StreamArn stream, String region, String accountId, EventFilter filter) {
        return new KinesisRecords(stream.arn(), region, "arn:aws:iam::" + accountId + ":role/lamina", filter);
    }

    StreamRecord record(String shard, Record read) {
        long arrival = read.approximateArrivalTimestamp().toEpochMilli();
        ObjectNode kinesis = JSON.createObjectNode();
        kinesis.put("kinesisSchemaVersion", "1.0");
        kinesis.put("partitionKey", read.partitionKey());
        kinesis.put("sequenceNumber", read.sequenceNumber());
        kinesis.put("data", Base64.getEncoder().encodeToString(read.data().asByteArray()));
        kinesis.put("approximateArrivalTimestamp", BigDecimal.valueOf(arrival, 3));
        if (!filter.matchesBase64(kinesis, "data")) {
            return new StreamRecord(read.sequenceNumber(), read.partitionKey(), arrival, new byte[0], false);
        }
        ObjectNode record = JSON.createObjectNode();
        record.set("kinesis", kinesis);
        record.put("eventSource", "aws:kinesis");
        record.put("eventVersion", "1.0");
        record.put("eventID", shard + ":" + read.sequenceNumber());
        record.put("eventName", "aws:kinesis:record");
        record.put("invokeIdentityArn", invokeIdentityArn);
        record.put("awsRegion", region);
        record.put("eventSourceARN", streamArn);
        try {
            return new StreamRecord(read.sequenceNumber(), read.partitionKey(), arrival,
                    JSON.writeValueAsBytes(record), true);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
