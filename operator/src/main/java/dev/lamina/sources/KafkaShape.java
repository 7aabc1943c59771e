package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Lambda's self-managed Kafka event, {@code {"eventSource":"SelfManagedKafka","bootstrapServers":"h:p,h:p",
 * "records":{"topic-0":[...]}}}, made by joining records serialized once; its partial batch responses, whose
 * {@code itemIdentifier} is an object naming the partition ({@code "partition"}, or {@code "topic-partition"} as older
 * documentation has it) and the offset; and its {@code KafkaBatchInfo} for discarded batches.
 */
final class KafkaShape implements StreamShape {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String bootstrapServers;
    private final byte[] head;

    KafkaShape(List<String> bootstrapServers) {
        this.bootstrapServers = String.join(",", bootstrapServers);
        this.head = ("{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":" + quoted(this.bootstrapServers)
                + ",\"records\":{").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] event(String shard, List<StreamRecord> records, TumblingWindow.Invocation window) {
        byte[] partition = (quoted(shard) + ":[").getBytes(StandardCharsets.UTF_8);
        int size = head.length + partition.length + Math.max(0, records.size() - 1) + 3;
        for (StreamRecord record : records) {
            size += record.record().length;
        }
        byte[] event = new byte[size];
        int at = put(event, 0, head);
        at = put(event, at, partition);
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                event[at++] = ',';
            }
            at = put(event, at, records.get(i).record());
        }
        put(event, at, new byte[] {']', '}', '}'});
        return event;
    }

    @Override
    public String reportedIdentifier(String shard, JsonNode itemIdentifier) {
        if (!itemIdentifier.isObject()) {
            return null;
        }
        JsonNode partition = itemIdentifier.has("partition") ? itemIdentifier.get("partition")
                : itemIdentifier.get("topic-partition");
        JsonNode offset = itemIdentifier.get("offset");
        if (partition == null || !shard.equals(partition.asText()) || offset == null) {
            return null;
        }
        if (offset.canConvertToExactIntegral()) {
            return Long.toString(offset.longValue());
        }
        try {
            return offset.isTextual() ? Long.toString(Long.parseLong(offset.textValue())) : null;
        } catch (NumberFormatException notAnOffset) {
            return null;
        }
    }

    @Override
    public String batchInfoName() {
        return "KafkaBatchInfo";
    }

    @Override
    public ObjectNode batchInfo(String shard, List<StreamRecord> records) {
        ObjectNode info = NODES.objectNode();
        info.put("batchSize", records.size());
        info.put("bootstrapServers", bootstrapServers);
        info.put("payloadSize", event(shard, records, null).length);
        ObjectNode partition = info.putObject("recordsInfo").putObject(shard);
        partition.put("firstRecordOffset", records.getFirst().position());
        partition.put("lastRecordOffset", records.getLast().position());
        partition.put("firstRecordTimestamp", TIMESTAMP.format(Instant.ofEpochMilli(records.getFirst().arrivalMillis())));
        partition.put("lastRecordTimestamp", TIMESTAMP.format(Instant.ofEpochMilli(records.getLast().arrivalMillis())));
        return info;
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }

    private static String quoted(String text) {
        return NODES.textNode(text).toString();
    }
}
