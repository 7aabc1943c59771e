package dev.lamina.async;

import static dev.lamina.async.Harness.config;
import static dev.lamina.async.Harness.eventually;
import static dev.lamina.async.Harness.function;
import static dev.lamina.async.Harness.queue;
import static dev.lamina.async.Harness.webhook;
import static dev.lamina.async.ScriptedFunctions.error;
import static dev.lamina.async.ScriptedFunctions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.SqsTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Records to SQS queues (ElasticMQ, real SDK client), webhooks and functions; dead-letter queues; targets that are down. */
class DestinationsTest extends HarnessFixture {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static Sqs sqs;

    @BeforeAll
    static void startSqs() {
        sqs = new Sqs();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    /** Checks the timestamp, then returns the record without it for an exact comparison. */
    private static JsonNode withoutTimestamp(JsonNode record, Instant notBefore) {
        String timestamp = record.get("timestamp").asText();
        assertThat(timestamp).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(timestamp)).isBetween(notBefore.truncatedTo(ChronoUnit.MILLIS), Instant.now());
        ObjectNode copy = record.deepCopy();
        copy.remove("timestamp");
        return copy;
    }

    @Test
    void aSuccessRecordReachesAnSqsQueueInLambdasExactShape() throws Exception {
        SqsTarget records = sqs.create("success-records");
        async.functions.deploy("thumbnail", config(2, queue(records), null, null), (n, call) -> ok("{\"width\":64}"));
        Instant sent = Instant.now();

        String requestId = async.send("thumbnail", "{\"key\":\"cat.png\"}");
        List<Message> messages = sqs.receive(records, 1, GENEROUS);

        assertThat(messages).hasSize(1);
        JsonNode record = json(messages.getFirst().body());
        assertThat(record.fieldNames()).toIterable().containsExactly(
                "version", "timestamp", "requestContext", "requestPayload", "responseContext", "responsePayload");
        assertThat(withoutTimestamp(record, sent)).isEqualTo(json("""
                {"version": "1.0",
                 "requestContext": {"requestId": "%s",
                                    "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:thumbnail:$LATEST",
                                    "condition": "Success", "approximateInvokeCount": 1},
                 "requestPayload": {"key": "cat.png"},
                 "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
                 "responsePayload": {"width": 64}}""".formatted(requestId)));
    }

    @Test
    void aFailureRecordReachesAWebhookInLambdasExactShape() throws Exception {
        async.functions.deploy("resize", config(1, null, webhook(hook), null), (n, call) -> error("cannot read image"));
        Instant sent = Instant.now();

        String requestId = async.send("resize", "[\"a.png\",\"b.png\"]");
        JsonNode record = json(hook.next());

        assertThat(withoutTimestamp(record, sent)).isEqualTo(json("""
                {"version": "1.0",
                 "requestContext": {"requestId": "%s",
                                    "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:resize:$LATEST",
                                    "condition": "RetriesExhausted", "approximateInvokeCount": 2},
                 "requestPayload": ["a.png", "b.png"],
                 "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                 "responsePayload": {"errorMessage": "cannot read image", "errorType": "RuntimeException"}}""".formatted(requestId)));
    }

    @Test
    void aFunctionDestinationIsInvokedAsynchronouslyWithTheRecord() throws Exception {
        async.functions.deploy("order", config(2, function("audit"), null, null), (n, call) -> ok("\"shipped\""));
        async.functions.deploy("audit", config(2, null, null, null), (n, call) -> ok("{}"));

        String requestId = async.send("order", "{\"id\":9}");
        eventually("the audit function got the record", () -> async.functions.calls("audit").size() == 1);

        ScriptedFunctions.Call audit = async.functions.calls("audit").getFirst();
        assertThat(audit.requestId()).as("a new asynchronous invocation of its own").isNotEqualTo(requestId);
        JsonNode record = json(audit.payload());
        assertThat(record.at("/requestContext/requestId").asText()).isEqualTo(requestId);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/requestPayload/id").asInt()).isEqualTo(9);
        assertThat(record.at("/responsePayload").asText()).isEqualTo("shipped");
    }

    @Test
    void theDeadLetterQueueGetsTheOriginalEventWithLambdasAttributes() throws Exception {
        SqsTarget dlq = sqs.create("dead-letters");
        String longMessage = "é".repeat(2000); // 4000 bytes of UTF-8
        async.functions.deploy("importer", config(0, null, null, dlq), (n, call) -> error(longMessage));

        String requestId = async.send("importer", "{\"file\":\"big.csv\"}");
        List<Message> messages = sqs.receive(dlq, 1, GENEROUS);

        assertThat(messages).hasSize(1);
        Message message = messages.getFirst();
        assertThat(message.body()).isEqualTo("{\"file\":\"big.csv\"}");
        assertThat(message.messageAttributes()).containsOnlyKeys("RequestID", "ErrorCode", "ErrorMessage");
        assertThat(message.messageAttributes().get("RequestID"))
                .isEqualTo(MessageAttributeValue.builder().dataType("String").stringValue(requestId).build());
        assertThat(message.messageAttributes().get("ErrorCode"))
                .isEqualTo(MessageAttributeValue.builder().dataType("Number").stringValue("200").build());
        String errorMessage = message.messageAttributes().get("ErrorMessage").stringValue();
        assertThat(errorMessage.getBytes(StandardCharsets.UTF_8)).as("the first 1 KB").hasSize(1024);
        assertThat(longMessage).startsWith(errorMessage);
    }

    @Test
    void aFailedEventGoesToBothTheFailureDestinationAndTheDeadLetterQueue() throws Exception {
        SqsTarget dlq = sqs.create("both-dlq");
        async.functions.deploy("both", config(0, null, webhook(hook), dlq), (n, call) -> error("nope"));

        async.send("both", "{}");

        assertThat(json(hook.next()).at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(sqs.receive(dlq, 1, GENEROUS)).hasSize(1);
    }

    @Test
    void aDestinationThatIsDownIsRetriedCountedAndFinallyReached() throws Exception {
        hook.failNext(3);
        async.functions.deploy("notify", config(0, webhook(hook), null, null), (n, call) -> ok("{}"));

        async.send("notify", "{}");
        JsonNode record = json(hook.next());

        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(hook.requests.get()).isEqualTo(4);
        assertThat(async.count(AsyncMetrics.DESTINATION_FAILURES, "notify")).isEqualTo(3);
        assertThat(async.functions.calls("notify")).as("a destination failure does not re-invoke the function").hasSize(1);
        assertThat(hook.poll(300)).as("delivered once").isNull();
    }

    @Test
    void aDeadLetterQueueThatDoesNotExistYetIsRetriedAndCountedUntilItDoes() throws Exception {
        SqsTarget dlq = sqs.target("created-later");
        async.functions.deploy("early", config(0, null, null, dlq), (n, call) -> error("failed"));

        String requestId = async.send("early", "{\"n\":1}");
        eventually("sending to the missing queue failed", () -> async.count(AsyncMetrics.DEAD_LETTER_ERRORS, "early") >= 2);
        sqs.create("created-later");
        List<Message> messages = sqs.receive(dlq, 1, GENEROUS);

        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().messageAttributes().get("RequestID").stringValue()).isEqualTo(requestId);
    }
}
