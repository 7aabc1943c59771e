package dev.lamina.bench;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.bench.MappingRuns.Result;
import dev.lamina.bench.MappingRuns.Run;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Messages/s from ElasticMQ through an SQS event source mapping to a function that answers at once, side by side in
 * one run with ElasticMQ's own receive + delete rate (a plain consumer: the same number of loops receiving 10 and
 * deleting them), at batch sizes 10 and 100, with the process CPU per message. The function runs in-process: the
 * numbers measure the poller (receive, records, filter-free batching, invoke call, delete), not the gateway, whose
 * cost GatewayBench measures. See bench/README.md.
 */
public final class SqsMappingBench {
    private SqsMappingBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        // ElasticMQ takes any credentials; the mapping finds these through the default chain, as it would real ones.
        System.setProperty("aws.accessKeyId", "x");
        System.setProperty("aws.secretAccessKey", "x");
        int messages = args.length > 0 ? Integer.parseInt(args[0].trim()) : 20_000;
        System.out.printf("SqsMappingBench: %s, %d messages per run%n", MappingRuns.machine(), messages);
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        String endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .build()) {
            // Warm-up of both paths, not printed.
            plainConsumer(sqs, fill(sqs, "warm-plain", messages / 4), messages / 4, 5);
            mapping(endpoint, fill(sqs, "warm-mapping", messages / 4), messages / 4, 10);
            for (int batch : new int[]{10, 100}) {
                String plainQueue = fill(sqs, "plain-" + batch, messages);
                Result plain = plainConsumer(sqs, plainQueue, messages, 5);
                String mappedQueue = fill(sqs, "mapped-" + batch, messages);
                Result mapped = mapping(endpoint, mappedQueue, messages, batch);
                System.out.printf("batch %3d: mapping %8.0f msg/s, %6.1f µs CPU/msg | plain consumer %8.0f msg/s,"
                                + " %6.1f µs CPU/msg | ratio %.2f%n", batch, mapped.perSecond(),
                        mapped.cpuMicrosPerRecord(), plain.perSecond(), plain.cpuMicrosPerRecord(),
                        mapped.perSecond() / plain.perSecond());
            }
        } finally {
            server.stopAndWait();
        }
    }

    private static String fill(SqsClient sqs, String name, int messages) {
        String queue = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int start = 0; start < messages; start += 10) {
                int from = start;
                senders.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int n = from; n < from + 10 && n < messages; n++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id("m" + n)
                                .messageBody("{\"order\":" + n + "}").build());
                    }
                    sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                });
            }
        }
        return queue;
    }

    /** Loops that receive 10 (long polling) and delete them, as any consumer does: the engine's own rate. */
    private static Result plainConsumer(SqsClient sqs, String queue, int messages, int loops) throws Exception {
        AtomicLong done = new AtomicLong();
        Run run = Run.start();
        try (ExecutorService consumers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < loops; i++) {
                consumers.submit(() -> {
                    while (done.get() < messages) {
                        List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                                .waitTimeSeconds(1)).messages();
                        if (!received.isEmpty()) {
                            sqs.deleteMessageBatch(b -> b.queueUrl(queue).entries(received.stream()
                                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                                            .receiptHandle(m.receiptHandle()).build()).toList()));
                            done.addAndGet(received.size());
                        }
                    }
                });
            }
        }
        return run.finish(messages);
    }

    /** An SQS mapping polling the queue into a function that answers at once, until every message was invoked. */
    private static Result mapping(String endpoint, String queue, int messages, int batch)
            throws InterruptedException {
        EventSourceMapping resource = Serialization.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata: {name: bench, namespace: bench}
                spec:
                  function: sink
                  source: {sqs: {queueUrl: "%s", endpoint: "%s", region: us-east-1}}
                  batchSize: %d
                  maximumBatchingWindowSeconds: 1
                """.formatted(queue, endpoint, batch), EventSourceMapping.class);
        // Records in an aws:sqs event: one "messageId" key each.
        return MappingRuns.drain(resource.getSpec(), "\"messageId\"", messages);
    }
}
