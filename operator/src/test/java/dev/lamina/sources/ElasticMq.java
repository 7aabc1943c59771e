package dev.lamina.sources;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** An ElasticMQ server on 127.0.0.1 in this JVM, and a client whose every call is bounded in time. */
final class ElasticMq implements AutoCloseable {
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private final SQSRestServer server;
    final String endpoint;
    final SqsClient client;

    ElasticMq() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        client = SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    /** The URL a queue of this name has, whether or not it exists. */
    String url(String name) {
        return endpoint + "/000000000000/" + name;
    }

    /** A queue whose unfinished messages come back after {@code visibilitySeconds}. */
    String queue(String name, int visibilitySeconds) {
        return create(name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds)));
    }

    String fifoQueue(String name, int visibilitySeconds) {
        return create(name, Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds)));
    }

    /** A queue whose messages move to {@code deadLetters} once received {@code maxReceiveCount} times. */
    String queueWithDeadLetters(String name, String deadLetters, int maxReceiveCount, int visibilitySeconds) {
        return create(name, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds),
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:"
                        + deadLetters + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
    }

    private String create(String name, Map<QueueAttributeName, String> attributes) {
        return client.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    void send(String url, String... bodies) {
        for (String body : bodies) {
            client.sendMessage(b -> b.queueUrl(url).messageBody(body));
        }
    }

    void sendFifo(String url, String group, String body) {
        client.sendMessage(b -> b.queueUrl(url).messageBody(body).messageGroupId(group)
                .messageDeduplicationId(body));
    }

    /** Messages on the queue, visible or in flight. */
    int count(String url) {
        Map<QueueAttributeName, String> attributes = client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Messages visible now, without waiting. */
    int visible(String url) {
        return Integer.parseInt(client.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** Reads and deletes what is visible now. */
    List<Message> drain(String url) {
        List<Message> drained = new ArrayList<>();
        List<Message> batch;
        do {
            batch = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            batch.forEach(m -> client.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
            drained.addAll(batch);
        } while (!batch.isEmpty());
        return drained;
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
