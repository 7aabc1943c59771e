package dev.lamina.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Kafka records as Lambda's self-managed Kafka event holds them ({@code topic}, {@code partition}, {@code offset},
 * {@code timestamp}, {@code timestampType}, {@code key} and {@code value} in base64, {@code headers} as byte values),
 * serialized once, with the mapping's filters applied to the decoded {@code value}.
 */
final class KafkaRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The order key of records without a key: a partition is one lane, so it orders nothing. */
    private static final String NO_KEY = "";

    private final EventFilter filter;

    KafkaRecords(EventFilter filter) {
        this.filter = filter;
    }

    /**
     * The record as the stream core takes it: its offset is its position.
     *
     * @param now the time a record without a timestamp counts as written
     */
    StreamRecord of(ConsumerRecord<byte[], byte[]> record, long now) {
        ObjectNode json = json(record);
        long timestamp = record.timestamp() >= 0 ? record.timestamp() : now;
        String key = json.has("key") ? json.get("key").textValue() : NO_KEY;
        return new StreamRecord(Long.toString(record.offset()), key, timestamp, serialize(json),
                filter.matchesBase64(json, "value"));
    }

    /** One record of the event; a null key or value is left out, as Lambda leaves it out. */
    static ObjectNode json(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode json = JSON.createObjectNode();
        json.put("topic", record.topic());
        json.put("partition", record.partition());
        json.put("offset", record.offset());
        json.put("timestamp", record.timestamp());
        json.put("timestampType", record.timestampType().name());
        if (record.key() != null) {
            json.put("key", Base64.getEncoder().encodeToString(record.key()));
        }
        if (record.value() != null) {
            json.put("value", Base64.getEncoder().encodeToString(record.value()));
        }
        ArrayNode headers = json.putArray("headers");
        for (Header header : record.headers()) {
            ArrayNode bytes = headers.addObject().putArray(header.key());
            if (header.value() != null) {
                for (byte b : header.value()) {
                    bytes.add(b);
                }
            }
        }
        return json;
    }

    private static byte[] serialize(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
