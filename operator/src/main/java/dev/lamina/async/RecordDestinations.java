package dev.lamina.async;

import dev.lamina.api.Destination;
import java.io.IOException;
import java.util.Map;

/**
 * Sends records to an SQS queue or an HTTP webhook destination: where an event source mapping describes the batches it
 * discarded. A function destination is the async path's own ({@link OutputSender} forwards to the intake).
 */
public final class RecordDestinations implements AutoCloseable {
    private final SqsSender sqs;
    private final WebhookSender webhooks = new WebhookSender();

    public RecordDestinations(String region, SqsCredentials credentials) {
        this.sqs = new SqsSender(region, credentials);
    }

    /** Sends one record; throws when the target did not take it. */
    public void send(String namespace, Destination destination, String record) throws IOException {
        if (destination.sqs() != null) {
            try {
                sqs.send(namespace, destination.sqs(), record, Map.of());
            } catch (RuntimeException e) {
                throw new IOException("the queue " + destination.sqs().queueUrl() + " refused the record: "
                        + e.getMessage(), e);
            }
        } else if (destination.http() != null) {
            webhooks.send(destination.http().url(), record);
        } else {
            throw new IllegalArgumentException("an event source mapping's destination is an SQS queue or a webhook");
        }
    }

    @Override
    public void close() {
        sqs.close();
        webhooks.close();
    }
}
