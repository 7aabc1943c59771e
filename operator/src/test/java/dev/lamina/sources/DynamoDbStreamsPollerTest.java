package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** A DynamoDB stream mapping polled as Lambda polls it, against moto's DynamoDB and DynamoDB Streams. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbStreamsPollerTest extends MotoFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, AttributeValue> FIRST = Map.of(
            "pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"),
            "message", AttributeValue.fromS("new"), "bytes", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
            "tags", AttributeValue.fromSs(List.of("x")), "nested", AttributeValue.fromM(Map.of(
                    "ok", AttributeValue.fromBool(true), "list", AttributeValue.fromL(List.of(
                            AttributeValue.fromN("2"), AttributeValue.fromNul(true))))));
    private static final Map<String, AttributeValue> SECOND = Map.of(
            "pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"),
            "message", AttributeValue.fromS("changed"));

    /** A table named after the test and the view type, with a stream of that view type; the stream's ARN. */
    private String table(StreamViewType view) {
        String table = name + "-" + view;
        dynamoDb.createTable(b -> b.tableName(table)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                .billingMode("PAY_PER_REQUEST")
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(view)));
        return dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    }

    /** Inserts, changes and deletes one item. */
    private static void writes(String table) {
        dynamoDb.putItem(b -> b.tableName(table).item(FIRST));
        dynamoDb.putItem(b -> b.tableName(table).item(SECOND));
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("pk", FIRST.get("pk"), "sk", FIRST.get("sk"))));
    }

    private List<JsonNode> recordsOf(String streamArn) {
        return records().stream().filter(r -> r.path("eventSourceARN").asText().equals(streamArn)).toList();
    }

    @Test
    void tableWritesArriveAsInsertModifyRemoveWithTheImagesOfTheStreamViewType() throws Exception {
        for (StreamViewType view : List.of(StreamViewType.KEYS_ONLY, StreamViewType.NEW_IMAGE,
                StreamViewType.OLD_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES)) {
            String streamArn = table(view);
            writes(name + "-" + view);
            Mapping mapping = StreamMapping.dynamoDb(name + "-" + view.toString().toLowerCase().replace('_', '-'),
                    streamArn, endpoint).mapping();
            running.put(mapping);

            eventually().until(() -> recordsOf(streamArn).size() == 3);
            List<JsonNode> records = recordsOf(streamArn);
            assertThat(records).extracting(r -> r.path("eventName").asText())
                    .containsExactly("INSERT", "MODIFY", "REMOVE");
            boolean news = view == StreamViewType.NEW_IMAGE || view == StreamViewType.NEW_AND_OLD_IMAGES;
            boolean olds = view == StreamViewType.OLD_IMAGE || view == StreamViewType.NEW_AND_OLD_IMAGES;
            for (int i = 0; i < 3; i++) {
                JsonNode record = records.get(i);
                assertThat(record.properties()).extracting(e -> e.getKey()).containsExactly("eventID", "eventName",
                        "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN");
                assertThat(record.path("eventID").asText()).isNotEmpty();
                assertThat(record.path("eventVersion").asText()).isEqualTo("1.1");
                assertThat(record.path("eventSource").asText()).isEqualTo("aws:dynamodb");
                assertThat(record.path("awsRegion").asText()).isEqualTo("us-east-1");
                JsonNode dynamodb = record.path("dynamodb");
                assertThat(dynamodb.path("ApproximateCreationDateTime").isIntegralNumber()).isTrue();
                assertThat(dynamodb.path("Keys"))
                        .isEqualTo(JSON.readTree("{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}"));
                assertThat(dynamodb.path("SequenceNumber").asText()).isNotEmpty();
                assertThat(dynamodb.path("SizeBytes").isIntegralNumber()).isTrue();
                assertThat(dynamodb.path("StreamViewType").asText()).isEqualTo(view.toString());
                assertThat(dynamodb.has("NewImage")).as("NewImage of %s in %s", record.path("eventName"), view)
                        .isEqualTo(news && i < 2);
                assertThat(dynamodb.has("OldImage")).as("OldImage of %s in %s", record.path("eventName"), view)
                        .isEqualTo(olds && i > 0);
            }
            if (view == StreamViewType.NEW_AND_OLD_IMAGES) {
                JsonNode first = JSON.readTree("""
                        {"pk":{"S":"a"},"sk":{"N":"1"},"message":{"S":"new"},"bytes":{"B":"aGk="},"tags":{"SS":["x"]},
                         "nested":{"M":{"ok":{"BOOL":true},"list":{"L":[{"N":"2"},{"NULL":true}]}}}}""");
                JsonNode second = JSON.readTree("""
                        {"pk":{"S":"a"},"sk":{"N":"1"},"message":{"S":"changed"}}""");
                assertThat(records.get(0).path("dynamodb").path("NewImage")).isEqualTo(first);
                assertThat(records.get(1).path("dynamodb").path("OldImage")).isEqualTo(first);
                assertThat(records.get(1).path("dynamodb").path("NewImage")).isEqualTo(second);
                assertThat(records.get(2).path("dynamodb").path("OldImage")).isEqualTo(second);
            }
            String last = records.getLast().path("dynamodb").path("SequenceNumber").asText();
            eventually().untilAsserted(() -> assertThat(checkpoints(mapping)).containsValue(last));
        }
    }

    @Test
    void filtersMatchTheWholeRecord() {
        String streamArn = table(StreamViewType.NEW_AND_OLD_IMAGES);
        writes(name + "-" + StreamViewType.NEW_AND_OLD_IMAGES);
        Mapping mapping = StreamMapping.dynamoDb(name, streamArn, endpoint)
                .filters("{\"eventName\":[\"INSERT\",\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[\"a\"]}}}}")
                .mapping();
        running.put(mapping);

        eventually().until(() -> sources.count(mapping, "FilteredOutEventCount") == 1);
        eventually().until(() -> records().size() == 2);
        assertThat(records()).extracting(r -> r.path("eventName").asText()).containsExactly("INSERT", "REMOVE");
    }
}
