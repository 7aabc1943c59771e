package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.EventSourceMappingSpec.Filter;
import dev.lamina.api.EventSourceMappingSpec.FilterCriteria;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static EventFilter filter(String... patterns) {
        return EventFilter.of(new FilterCriteria(Arrays.stream(patterns).map(Filter::new).toList()));
    }

    private static ObjectNode record(String body) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("messageId", "m1");
        record.put("body", body);
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        record.put("eventSource", "aws:sqs");
        return record;
    }

    @Test
    void withoutFiltersEveryRecordPasses() {
        assertThat(EventFilter.of(null).matches(record("x"), "body")).isTrue();
        assertThat(EventFilter.of(new FilterCriteria(null)).matches(record("x"), "body")).isTrue();
        assertThat(EventFilter.NONE.matches(record("{}"), "body")).isTrue();
    }

    @Test
    void aBase64PayloadIsMatchedDecodedAsJsonOrAsAString() {
        EventFilter json = filter("{\"value\":{\"type\":[\"order\"]},\"topic\":[\"orders\"]}");
        EventFilter text = filter("{\"value\":[{\"prefix\":\"plain \"}]}");
        ObjectNode order = JsonNodeFactory.instance.objectNode().put("topic", "orders")
                .put("value", base64("{\"type\":\"order\"}"));
        ObjectNode plain = JsonNodeFactory.instance.objectNode().put("topic", "orders").put("value", base64("plain text"));
        assertThat(json.matchesBase64(order, "value")).isTrue();
        assertThat(json.matchesBase64(plain, "value")).isFalse();
        assertThat(text.matchesBase64(plain, "value")).isTrue();
        assertThat(text.matchesBase64(JsonNodeFactory.instance.objectNode().put("topic", "orders"), "value")).isFalse();
        assertThat(order.get("value").asText()).isEqualTo(base64("{\"type\":\"order\"}"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void prefix() {
        EventFilter filter = filter("{\"body\":{\"type\":[{\"prefix\":\"order-\"}]}}");
        assertThat(filter.matches(record("{\"type\":\"order-created\"}"), "body")).isTrue();
        assertThat(filter.matches(record("{\"type\":\"refund\"}"), "body")).isFalse();
    }

    @Test
    void numeric() {
        EventFilter filter = filter("{\"body\":{\"amount\":[{\"numeric\":[\">\",100,\"<=\",500]}]}}");
        assertThat(filter.matches(record("{\"amount\":250}"), "body")).isTrue();
        assertThat(filter.matches(record("{\"amount\":100}"), "body")).isFalse();
        assertThat(filter.matches(record("{\"amount\":501.5}"), "body")).isFalse();
    }

    @Test
    void anythingBut() {
        EventFilter filter = filter("{\"body\":{\"status\":[{\"anything-but\":[\"cancelled\",\"void\"]}]}}");
        assertThat(filter.matches(record("{\"status\":\"paid\"}"), "body")).isTrue();
        assertThat(filter.matches(record("{\"status\":\"cancelled\"}"), "body")).isFalse();
    }

    @Test
    void exists() {
        EventFilter present = filter("{\"body\":{\"customer\":[{\"exists\":true}]}}");
        EventFilter absent = filter("{\"body\":{\"customer\":[{\"exists\":false}]}}");
        assertThat(present.matches(record("{\"customer\":\"c1\"}"), "body")).isTrue();
        assertThat(present.matches(record("{\"other\":1}"), "body")).isFalse();
        assertThat(absent.matches(record("{\"other\":1}"), "body")).isTrue();
        assertThat(absent.matches(record("{\"customer\":\"c1\"}"), "body")).isFalse();
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsMatchedAsAString() {
        EventFilter filter = filter("{\"body\":[{\"prefix\":\"hello\"}]}");
        assertThat(filter.matches(record("hello world"), "body")).isTrue();
        assertThat(filter.matches(record("[\"hello\"]"), "body")).isFalse();
        assertThat(filter.matches(record("{\"hello\":1}"), "body")).isFalse();
    }

    @Test
    void recordFieldsOutsideTheBodyMatchToo() {
        EventFilter filter = filter("{\"attributes\":{\"ApproximateReceiveCount\":[\"1\"]}}");
        assertThat(filter.matches(record("x"), "body")).isTrue();
    }

    @Test
    void aRecordPassesWhenAnyFilterMatches() {
        EventFilter filter = filter("{\"body\":{\"type\":[\"a\"]}}", "{\"body\":{\"type\":[\"b\"]}}");
        assertThat(filter.matches(record("{\"type\":\"a\"}"), "body")).isTrue();
        assertThat(filter.matches(record("{\"type\":\"b\"}"), "body")).isTrue();
        assertThat(filter.matches(record("{\"type\":\"c\"}"), "body")).isFalse();
    }

    @Test
    void matchingLeavesTheRecordAsTheFunctionGetsIt() {
        ObjectNode record = record("{\"type\":\"a\"}");
        filter("{\"body\":{\"type\":[\"a\"]}}").matches(record, "body");
        assertThat(record.get("body").isTextual()).isTrue();
    }

    @Test
    void anInvalidPatternIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> filter("{\"body\":{\"type\":[\"a\"]}}", "{\"body\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("filterCriteria.filters[1] is not a valid pattern");
    }

    @Test
    void aBase64PayloadIsMatchedDecodedAsJsonWhenItIs() {
        EventFilter filter = filter("{\"data\":{\"type\":[\"order\"]}}", "{\"data\":[\"ping\"]}",
                "{\"partitionKey\":[\"vip\"]}");
        assertThat(filter.matchesBase64(kinesis("a", "{\"type\":\"order\"}"), "data")).isTrue();
        assertThat(filter.matchesBase64(kinesis("a", "{\"type\":\"refund\"}"), "data")).isFalse();
        assertThat(filter.matchesBase64(kinesis("a", "ping"), "data")).as("text matched as text").isTrue();
        assertThat(filter.matchesBase64(kinesis("vip", "anything"), "data")).isTrue();
        assertThat(EventFilter.NONE.matchesBase64(kinesis("a", "x"), "data")).isTrue();
    }

    private static ObjectNode kinesis(String partitionKey, String data) {
        ObjectNode kinesis = JsonNodeFactory.instance.objectNode();
        kinesis.put("partitionKey", partitionKey);
        kinesis.put("data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
        return kinesis;
    }
}
