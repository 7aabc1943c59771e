package dev.lamina.sources;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * SQS messages as Lambda hands them to a function: the records of an {@code aws:sqs} event, with every key Lambda sends
 * (the SAM CLI's sample event and {@code aws-lambda-java-events}' {@code SQSEvent} list the same), in Lambda's order.
 */
final class SqsRecords {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** System attributes Lambda passes on, when the queue returned them (the last three: FIFO queues only). */
    private static final MessageSystemAttributeName[] PASSED_ON = {
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, MessageSystemAttributeName.SENT_TIMESTAMP,
            MessageSystemAttributeName.SENDER_ID, MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
            MessageSystemAttributeName.SEQUENCE_NUMBER, MessageSystemAttributeName.MESSAGE_GROUP_ID,
            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, MessageSystemAttributeName.AWS_TRACE_HEADER};

    private SqsRecords() {
    }

    /** The queue's ARN from its URL ({@code https://host/ACCOUNT/NAME}) and region, as Lambda names the source. */
    static String queueArn(String queueUrl, String region) {
        String[] path = queueUrl.replaceFirst("^https?://[^/]+/?", "").split("/");
        String account = path.length >= 2 ? path[path.length - 2] : "000000000000";
        return "arn:aws:sqs:" + region + ":" + account + ":" + path[path.length - 1];
    }

    static ObjectNode record(Message message, String queueArn, String region) {
        ObjectNode record = NODES.objectNode();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        ObjectNode attributes = record.putObject("attributes");
        Map<MessageSystemAttributeName, String> system = message.attributes();
        for (MessageSystemAttributeName name : PASSED_ON) {
            String value = system.get(name);
            if (value != null) {
                attributes.put(name.toString(), value);
            }
        }
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        message.messageAttributes().forEach((name, value) -> messageAttributes.set(name, attribute(value)));
        record.put("md5OfBody", message.md5OfBody());
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", queueArn);
        record.put("awsRegion", region);
        return record;
    }

    /** A message attribute in Lambda's shape: the lists always present, binary values in base64. */
    private static ObjectNode attribute(MessageAttributeValue value) {
        ObjectNode node = NODES.objectNode();
        if (value.stringValue() != null) {
            node.put("stringValue", value.stringValue());
        }
        if (value.binaryValue() != null) {
            node.put("binaryValue", base64(value.binaryValue()));
        }
        var strings = node.putArray("stringListValues");
        value.stringListValues().forEach(strings::add);
        var binaries = node.putArray("binaryListValues");
        value.binaryListValues().forEach(b -> binaries.add(base64(b)));
        node.put("dataType", value.dataType());
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    }
}
