package dev.lamina.async;

import dev.lamina.api.Destination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends a settled event's outputs: destination records to functions, queues and webhooks; events to dead-letter queues. */
final class OutputSender implements AutoCloseable {

    private final SqsSender sqs;
    private final WebhookSender webhooks;
    private final AsyncIntake intake;

    OutputSender(SqsSender sqs, WebhookSender webhooks, AsyncIntake intake) {
        this.sqs = sqs;
        this.webhooks = webhooks;
        this.intake = intake;
    }

    /** Sends one output; throws when its target did not take it. */
    void send(AsyncEvent event, AsyncEvent.Output output) throws IOException {
        String namespace = event.function().namespace();
        switch (output) {
            case AsyncEvent.RecordOutput(Destination destination, String record) -> {
                if (destination.function() != null) {
                    // The record travels on with this invocation's lineage, so a destination loop is counted too.
                    String trace = TraceHeader.parse(event.traceHeader()).counting(event.function()).toString();
                    try {
                        intake.forward(FunctionRef.parse(namespace, destination.function()), record, trace).join();
                    } catch (CompletionException e) {
                        throw new IOException(e.getCause().getMessage(), e.getCause());
                    }
                } else if (destination.sqs() != null) {
                    sqs.send(namespace, destination.sqs(), record, Map.of());
                } else {
                    webhooks.send(destination.http().url(), record);
                }
            }
            case AsyncEvent.DeadLetterOutput dlq -> sqs.send(namespace, dlq.queue(),
                    new String(event.payload(), StandardCharsets.UTF_8), Map.of(
                            "RequestID", stringAttribute(event.requestId()),
                            "ErrorCode", MessageAttributeValue.builder().dataType("Number")
                                    .stringValue(Integer.toString(dlq.errorCode())).build(),
                            "ErrorMessage", stringAttribute(dlq.errorMessage())));
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Override
    public void close() {
        sqs.close();
        webhooks.close();
    }
}
