package dev.lamina.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.IntakeResult;
import dev.lamina.sources.CheckpointStore;
import dev.lamina.sources.EventSources;
import dev.lamina.sources.Mapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.SourceCollaborators;
import dev.lamina.sources.TickStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final AtomicLong INVOKED = new AtomicLong();

    private SqsMappingBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        // ElasticMQ takes any credentials; the mapping finds these through the default chain, as it would real ones.
        System.setProperty("aws.accessKeyId", "x");
        System.setProperty("aws.secretAccessKey", "x");
        int messages = args.length > 0 ? Integer.parseInt(args[0].trim()) : 20_000;
        System.out.printf("SqsMappingBench: %d available processors, load average %.2f, Java %s, %d messages per run%n",
                Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage(), Runtime.version(), messages);
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
                        mapped.cpuMicrosPerMessage(), plain.perSecond(), plain.cpuMicrosPerMessage(),
                        mapped.perSecond() / plain.perSecond());
            }
        } finally {
            server.stopAndWait();
        }
    }

    private record Result(double perSecond, double cpuMicrosPerMessage) {
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
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
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
        return result(messages, start, cpu);
    }

    /** An SQS mapping polling the queue into a function that answers at once, until every message was invoked. */
    private static Result mapping(String endpoint, String queue, int messages, int batch)
            throws Exception {
        INVOKED.set(0);
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
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        try (EventSources sources = new EventSources(collaborators())) {
            sources.put(new Mapping(new MappingKey("bench", "bench"), 1, resource.getSpec()));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (INVOKED.get() < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the mapping invoked " + INVOKED.get() + " of " + messages
                            + " messages in 5 minutes");
                }
                Thread.sleep(5);
            }
        }
        return result(messages, start, cpu);
    }

    private static SourceCollaborators collaborators() {
        AsyncFunction sink = new AsyncFunction("arn:aws:lambda:us-east-1:000000000000:function:sink", null, null);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        return new SourceCollaborators(ref -> Optional.of(sink),
                (ref, payload, requestId, trace) -> {
                    INVOKED.addAndGet(countRecords(payload));
                    return new AttemptOutcome.Success("$LATEST", empty);
                },
                (ref, payload) -> CompletableFuture.completedFuture(new IntakeResult.Accepted("unused")),
                (namespace, secret) -> StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")),
                (namespace, secret) -> Map.of(),
                new TickStore() {
                    @Override
                    public Optional<Instant> lastFired(MappingKey schedule) {
                        return Optional.empty();
                    }

                    @Override
                    public void fired(MappingKey schedule, Instant tick) {
                    }
                }, new CheckpointStore() {
                    @Override
                    public Map<String, String> load(MappingKey mapping) {
                        return Map.of();
                    }

                    @Override
                    public void save(MappingKey mapping, Map<String, String> moved) {
                    }
                }, (mapping, state) -> { }, new SimpleMeterRegistry(), InstantSource.system(), "us-east-1",
                "000000000000");
    }

    /** Records in an {@code aws:sqs} event: one {@code "messageId"} key each. */
    private static int countRecords(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int count = 0;
        for (int i = text.indexOf("\"messageId\""); i >= 0; i = text.indexOf("\"messageId\"", i + 1)) {
            count++;
        }
        return count;
    }


    private static Result result(int messages, long startNanos, long cpuBefore) {
        double seconds = Duration.ofNanos(System.nanoTime() - startNanos).toNanos() / 1e9;
        double cpuMicros = (OS.getProcessCpuTime() - cpuBefore) / 1e3;
        return new Result(messages / seconds, cpuMicros / messages);
    }
}
