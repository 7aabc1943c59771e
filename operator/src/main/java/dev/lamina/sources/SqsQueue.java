package dev.lamina.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One mapping's queue through the SQS API (AWS or any compatible endpoint): long-poll receives that {@link #wake}
 * cuts short, and batched deletes.
 */
final class SqsQueue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SqsQueue.class);
    /** SQS's longest long poll. */
    static final int MAX_WAIT_SECONDS = 20;
    /** SQS's most messages per receive and entries per batch call. */
    static final int MAX_PER_CALL = 10;
    private static final int DELETE_ATTEMPTS = 3;
    /** Room for the long poll itself on top of the usual call time. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(MAX_WAIT_SECONDS + 10);

    private final SqsClient client;
    private final String url;
    private final Set<Thread> receiving = new HashSet<>();
    private boolean woken;

    private SqsQueue(SqsClient client, String url) {
        this.client = client;
        this.url = url;
    }

    /** A client for a queue: the endpoint given or the region's AWS endpoint; room for one call per batch loop. */
    static SqsQueue open(String url, String endpoint, String region, AwsCredentialsProvider credentials,
                         int maxLoops) {
        return new SqsQueue(AwsClients.configure(SqsClient.builder(), endpoint, region, credentials, maxLoops,
                CALL_TIMEOUT).build(), url);
    }

    /**
     * Up to {@code max} messages with every system and message attribute, waiting up to {@code waitSeconds} for the
     * first; empty once {@link #wake} was called. Messages a cut-short call had already taken come back after the
     * queue's visibility timeout.
     */
    List<Message> receive(int max, int waitSeconds) {
        Thread me = Thread.currentThread();
        synchronized (this) {
            if (woken) {
                return List.of();
            }
            receiving.add(me);
        }
        try {
            return client.receiveMessage(r -> r.queueUrl(url)
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
        } catch (SdkException e) {
            synchronized (this) {
                if (woken) {
                    return List.of();
                }
            }
            throw e;
        } finally {
            synchronized (this) {
                receiving.remove(me);
                // An interrupt from wake() is meant for the receive alone.
                Thread.interrupted();
            }
        }
    }

    /** Asks the queue for an attribute: throws what the SQS API answered when it cannot be read. */
    void check() {
        client.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT));
    }

    /**
     * Deletes messages, ten per call, retrying entries that failed on the server's side; those left (a receipt handle
     * gone stale, say) come back from the queue.
     */
    void delete(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += MAX_PER_CALL) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + MAX_PER_CALL));
            deleteChunk(chunk);
        }
    }

    private void deleteChunk(List<Message> chunk) {
        List<Message> left = chunk;
        // A sender fault (a stale receipt handle) fails again however often it is retried.
        int refused = 0;
        String lastError = null;
        for (int attempt = 1; attempt <= DELETE_ATTEMPTS && !left.isEmpty(); attempt++) {
            List<Message> pending = left;
            List<DeleteMessageBatchRequestEntry> entries = IntStream.range(0, pending.size())
                    .mapToObj(i -> DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(pending.get(i).receiptHandle()).build())
                    .toList();
            try {
                List<Message> retry = new ArrayList<>();
                for (BatchResultErrorEntry failure : client.deleteMessageBatch(d -> d.queueUrl(url).entries(entries))
                        .failed()) {
                    lastError = failure.code() + ": " + failure.message();
                    if (failure.senderFault()) {
                        refused++;
                    } else {
                        retry.add(pending.get(Integer.parseInt(failure.id())));
                    }
                }
                left = retry;
            } catch (SdkException e) {
                lastError = e.getMessage();
            }
        }
        if (refused + left.size() > 0) {
            LOG.warnf("%d message(s) of %s could not be deleted and will be delivered again: %s",
                    refused + left.size(), url, lastError);
        }
    }

    /** Cuts receives under way short and makes later ones return at once: the poller is closing. */
    synchronized void wake() {
        woken = true;
        receiving.forEach(Thread::interrupt);
    }

    @Override
    public void close() {
        client.close();
    }
}
