package dev.lamina.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * DynamoDB stream records as Lambda hands them to a function, with the keys of Lambda's {@code DynamodbEvent}:
 * attribute values in DynamoDB JSON ({@code {"S":"x"}}, {@code {"N":"1"}}, binary in base64), the images the stream's
 * view type carries, the creation time in epoch seconds. Filters match the whole record. Records of one item stay in
 * order: their order key is the item's keys.
 *
 * @param streamArn the stream, the records' {@code eventSourceARN}
 * @param region    the records' {@code awsRegion}
 */
record DynamoDbRecords(String streamArn, String region, EventFilter filter) {
    private static final ObjectMapper JSON = new ObjectMapper();

    StreamRecord record(Record read) {
        var change = read.dynamodb();
        long created = change.approximateCreationDateTime().toEpochMilli();
        ObjectNode record = JSON.createObjectNode();
        record.put("eventID", read.eventID());
        record.put("eventName", read.eventNameAsString());
        record.put("eventVersion", "1.1");
        record.put("eventSource", "aws:dynamodb");
        record.put("awsRegion", region);
        ObjectNode dynamodb = record.putObject("dynamodb");
        dynamodb.put("ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
        ObjectNode keys = item(new TreeMap<>(change.keys()));
        dynamodb.set("Keys", keys);
        if (change.hasNewImage()) {
            dynamodb.set("NewImage", item(change.newImage()));
        }
        if (change.hasOldImage()) {
            dynamodb.set("OldImage", item(change.oldImage()));
        }
        dynamodb.put("SequenceNumber", change.sequenceNumber());
        dynamodb.put("SizeBytes", change.sizeBytes());
        dynamodb.put("StreamViewType", change.streamViewTypeAsString());
        if (read.userIdentity() != null) {
            // Deletes by Time to Live name the DynamoDB service here.
            record.putObject("userIdentity").put("type", read.userIdentity().type())
                    .put("principalId", read.userIdentity().principalId());
        }
        record.put("eventSourceARN", streamArn);
        try {
            boolean matched = filter.matches(record, "dynamodb");
            return new StreamRecord(change.sequenceNumber(), JSON.writeValueAsString(keys), created,
                    matched ? JSON.writeValueAsBytes(record) : new byte[0], matched);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode item(Map<String, AttributeValue> attributes) {
        ObjectNode item = JSON.createObjectNode();
        attributes.forEach((name, value) -> item.set(name, attribute(value)));
        return item;
    }

    /** An attribute value in DynamoDB JSON. */
    static JsonNode attribute(AttributeValue value) {
        ObjectNode typed = JSON.createObjectNode();
        switch (value.type()) {
            case S -> typed.put("S", value.s());
            case N -> typed.put("N", value.n());
            case B -> typed.put("B", value.b().asByteArray());
            case SS -> value.ss().forEach(typed.putArray("SS")::add);
            case NS -> value.ns().forEach(typed.putArray("NS")::add);
            case BS -> {
                ArrayNode set = typed.putArray("BS");
                value.bs().stream().map(SdkBytes::asByteArray).forEach(set::add);
            }
            case M -> typed.set("M", item(value.m()));
            case L -> {
                ArrayNode list = typed.putArray("L");
                value.l().forEach(element -> list.add(attribute(element)));
            }
            case BOOL -> typed.put("BOOL", value.bool());
            case NUL -> typed.put("NULL", true);
            // A type newer than this SDK: it has nothing it could be written as.
            case UNKNOWN_TO_SDK_VERSION -> {
            }
        }
        return typed;
    }
}
