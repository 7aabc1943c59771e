package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lambda's self-managed Kafka event, partial batch responses and batch description, without a broker. */
@Timeout(10)
class KafkaShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaShape shape = new KafkaShape(List.of("b1:9092", "b2:9092"));

    private static StreamRecord record(long offset, long timestamp, String json) {
        return new StreamRecord(Long.toString(offset), "", timestamp, json.getBytes(StandardCharsets.UTF_8), true);
    }

    private String reported(String itemIdentifier) throws Exception {
        return shape.reportedIdentifier("orders-2", JSON.readTree(itemIdentifier));
    }

    @Test
    void theEventJoinsTheRecordsOfOnePartition() throws Exception {
        byte[] event = shape.event("orders-2", List.of(record(7, 0, "{\"offset\":7}"), record(8, 0, "{\"offset\":8}")),
                null);
        assertThat(new String(event, StandardCharsets.UTF_8)).isEqualTo("{\"eventSource\":\"SelfManagedKafka\","
                + "\"bootstrapServers\":\"b1:9092,b2:9092\",\"records\":{\"orders-2\":[{\"offset\":7},{\"offset\":8}]}}");
        assertThat(JSON.readTree(shape.event("orders-2", List.of(), null)).get("records").get("orders-2").isEmpty())
                .isTrue();
    }

    @Test
    void anItemIdentifierNamesThePartitionAndTheOffset() throws Exception {
        assertThat(reported("{\"partition\":\"orders-2\",\"offset\":15}")).isEqualTo("15");
        assertThat(reported("{\"topic-partition\":\"orders-2\",\"offset\":\"15\"}")).isEqualTo("15");
        assertThat(reported("{\"partition\":\"orders-3\",\"offset\":15}")).isNull();
        assertThat(reported("{\"partition\":\"orders-2\"}")).isNull();
        assertThat(reported("{\"partition\":\"orders-2\",\"offset\":\"x\"}")).isNull();
        assertThat(reported("\"15\"")).isNull();
    }

    @Test
    void aDiscardedBatchIsDescribedAsKafkaBatchInfo() {
        List<StreamRecord> records = List.of(record(3, 1_573_692_004_835L, "{}"), record(4, 1_573_692_005_580L, "{}"));
        JsonNode info = shape.batchInfo("orders-2", records);
        assertThat(shape.batchInfoName()).isEqualTo("KafkaBatchInfo");
        assertThat(info.toString()).isEqualTo("{\"batchSize\":2,\"bootstrapServers\":\"b1:9092,b2:9092\","
                + "\"payloadSize\":" + shape.event("orders-2", records, null).length + ",\"recordsInfo\":{\"orders-2\":"
                + "{\"firstRecordOffset\":\"3\",\"lastRecordOffset\":\"4\","
                + "\"firstRecordTimestamp\":\"2019-11-14T00:40:04.835Z\","
                + "\"lastRecordTimestamp\":\"2019-11-14T00:40:05.580Z\"}}}");
    }
}
