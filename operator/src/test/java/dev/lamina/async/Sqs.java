package dev.lamina.async;

import dev.lamina.api.SecretRef;
import dev.lamina.api.SqsTarget;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** An ElasticMQ server on 127.0.0.1 in this JVM, and a real SQS client talking to it. */
final class Sqs implements AutoCloseable {

    static final SecretRef SECRET = new SecretRef("sqs-credentials");
    static final SqsCredentials CREDENTIALS = (namespace, secret) ->
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private final SQSRestServer server;
    final String endpoint;
    final SqsClient client;

    Sqs() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        client = SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS.forSecret("default", SECRET))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** A target for a queue; the queue exists only once {@link #create} made it. */
    SqsTarget target(String queue) {
        return new SqsTarget(endpoint + "/000000000000/" + queue, endpoint, "us-east-1", SECRET);
    }

    SqsTarget create(String queue) {
        client.createQueue(b -> b.queueName(queue));
        return target(queue);
    }

    /** Waits (generously) until {@code count} messages arrived, deleting them as they are read. */
    List<Message> receive(SqsTarget queue, int count, Duration within) {
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (messages.size() < count && System.nanoTime() < deadline) {
            List<Message> batch = client.receiveMessage(b -> b.queueUrl(queue.queueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages();
            for (Message m : batch) {
                client.deleteMessage(b -> b.queueUrl(queue.queueUrl()).receiptHandle(m.receiptHandle()));
            }
            messages.addAll(batch);
        }
        return messages;
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
