package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsRecordsTest {

    @Test
    void queueArnFromItsUrl() {
        assertThat(SqsRecords.queueArn("https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "eu-west-1"))
                .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:orders");
        assertThat(SqsRecords.queueArn("http://127.0.0.1:9324/000000000000/jobs.fifo", "us-east-1"))
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:jobs.fifo");
        assertThat(SqsRecords.queueArn("http://localhost:9324/jobs", "us-east-1"))
                .isEqualTo("arn:aws:sqs:us-east-1:000000000000:jobs");
    }

    @Test
    void aRecordHasLambdasKeysInLambdasOrder() {
        Message message = Message.builder()
                .messageId("059f36b4-87a3-44ab-83d2-661975830a7d")
                .receiptHandle("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a")
                .body("{\"order\":1}")
                .md5OfBody("e4e68fb7bd0e697a0ae8f1bb342846b3")
                .attributes(Map.of(
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
                        MessageSystemAttributeName.SENT_TIMESTAMP, "1545082649183",
                        MessageSystemAttributeName.SENDER_ID, "AIDAIENQZJOLO23YVJ4VO",
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1545082649185",
                        MessageSystemAttributeName.MESSAGE_GROUP_ID, "g1",
                        MessageSystemAttributeName.SEQUENCE_NUMBER, "18849496460467696128",
                        MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "d1"))
                .messageAttributes(Map.of(
                        "kind", MessageAttributeValue.builder().dataType("String").stringValue("order").build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromString("hi", StandardCharsets.UTF_8)).build()))
                .build();

        ObjectNode record = SqsRecords.record(message, "arn:aws:sqs:us-east-1:000000000000:q.fifo", "us-east-1");

        assertThat(record.propertyStream().map(Map.Entry::getKey)).containsExactly("messageId", "receiptHandle",
                "body", "attributes", "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                "awsRegion");
        assertThat(record.get("messageId").asText()).isEqualTo("059f36b4-87a3-44ab-83d2-661975830a7d");
        assertThat(record.get("receiptHandle").asText()).isEqualTo("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a");
        assertThat(record.get("body").asText()).isEqualTo("{\"order\":1}");
        assertThat(record.get("attributes").propertyStream().map(Map.Entry::getKey)).containsExactly(
                "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
                "SequenceNumber", "MessageGroupId", "MessageDeduplicationId");
        assertThat(record.at("/attributes/SentTimestamp").asText()).isEqualTo("1545082649183");
        assertThat(record.at("/messageAttributes/kind").toString()).isEqualTo(
                "{\"stringValue\":\"order\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}");
        assertThat(record.at("/messageAttributes/blob").toString()).isEqualTo(
                "{\"binaryValue\":\"aGk=\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"Binary\"}");
        assertThat(record.get("md5OfBody").asText()).isEqualTo("e4e68fb7bd0e697a0ae8f1bb342846b3");
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(record.get("eventSourceARN").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:q.fifo");
        assertThat(record.get("awsRegion").asText()).isEqualTo("us-east-1");
    }

    @Test
    void aStandardQueuesRecordHasNoFifoAttributes() {
        Message message = Message.builder().messageId("m").receiptHandle("r").body("b").md5OfBody("x")
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2")).build();

        ObjectNode record = SqsRecords.record(message, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1");

        assertThat(record.get("attributes").toString()).isEqualTo("{\"ApproximateReceiveCount\":\"2\"}");
        assertThat(record.get("messageAttributes").isEmpty()).isTrue();
    }
}
