package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.async.LocalLamina;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The reliability figure of an SQS mapping: 10,000 messages, 5 % of them poison, through local mode running as a
 * user runs it, killed with SIGKILL part-way and restarted on the same directory. Every good message is processed
 * (at least once: duplicates are counted and printed, and so are good messages the queue dead-lettered because their
 * batch outlived the visibility timeout), every poison message ends in the queue's dead-letter queue after
 * maxReceiveCount receives, none is lost.
 */
class SqsReliabilityIT {
    private static final int MESSAGES = 10_000;
    private static final int POISON_EVERY = 20;
    private static final int KILL_AFTER = 3_000;
    // ElasticMQ accepts any credentials; the poller finds these through the default chain, as it would real ones.
    private static final List<String> SETTINGS = List.of("-Dlamina.local.function-logs=false", "-Daws.accessKeyId=x",
            "-Daws.secretAccessKey=x");

    @TempDir
    Path work;

    @Test
    void everyGoodMessageIsProcessedAndEveryPoisonMessageReachesTheDeadLetterQueueAcrossAKillMinus9()
            throws Exception {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        String endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30))).build()) {
            String dlq = sqs.createQueue(b -> b.queueName("orders-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            String queue = sqs.createQueue(b -> b.queueName("orders").attributes(Map.of(
                    // Lambda's rule: at least six times the function timeout (3 s by default).
                    QueueAttributeName.VISIBILITY_TIMEOUT, "20",
                    QueueAttributeName.REDRIVE_POLICY,
                    "{\"maxReceiveCount\":\"3\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
            Path functions = Files.createDirectories(work.resolve("functions"));
            Path processed = work.resolve("processed.log");
            Files.writeString(functions.resolve("orders.yaml"), consumer(processed, queue, endpoint));
            send(sqs, queue);
            Set<String> deadLettered = new HashSet<>();

            try (LocalLamina first = LocalLamina.start(functions, work.resolve("first.log"), SETTINGS)) {
                waitFor(() -> lines(processed).size() >= KILL_AFTER, Duration.ofMinutes(5));
                first.killMinus9();
            }
            int beforeKill = lines(processed).size();
            try (LocalLamina second = LocalLamina.start(functions, work.resolve("second.log"), SETTINGS)) {
                waitFor(() -> good(processed).size() == MESSAGES - MESSAGES / POISON_EVERY, Duration.ofMinutes(10));
                waitFor(() -> drain(sqs, dlq, deadLettered) >= MESSAGES / POISON_EVERY, Duration.ofMinutes(5));
            }
            List<String> all = lines(processed);
            Map<String, Long> times = all.stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
            long duplicates = times.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            int poison = (int) deadLettered.stream().filter(b -> b.contains("poison")).count();
            long goodDeadLettered = deadLettered.size() - poison;
            Set<Integer> lost = new TreeSet<>();
            for (int n = 0; n < MESSAGES; n++) {
                if (n % POISON_EVERY != 0 && !times.containsKey("good-" + n)) {
                    lost.add(n);
                }
            }
            System.out.printf("SQS mapping reliability: %d messages (%d poison), SIGKILL after %d processed;"
                            + " good processed %d, duplicates %d, poison in the dead-letter queue %d, good messages"
                            + " also dead-lettered after being processed %d, lost %d%n",
                    MESSAGES, MESSAGES / POISON_EVERY, beforeKill, good(processed).size(), duplicates, poison,
                    goodDeadLettered, lost.size());
            assertThat(lost).as("good messages never processed").isEmpty();
            assertThat(poison).isEqualTo(MESSAGES / POISON_EVERY);
        } finally {
            server.stopAndWait();
        }
    }

    private static void send(SqsClient sqs, String queue) {
        for (int start = 0; start < MESSAGES; start += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int n = start; n < start + 10; n++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + n)
                        .messageBody(n % POISON_EVERY == 0 ? "{\"poison\":" + n + "}" : "{\"order\":" + n + "}")
                        .build());
            }
            sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
        }
    }

    /** Moves what the dead-letter queue holds into {@code bodies}; returns how many poison messages it has so far. */
    private static long drain(SqsClient sqs, String dlq, Set<String> bodies) {
        List<Message> received = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        for (Message m : received) {
            bodies.add(m.body());
            sqs.deleteMessage(b -> b.queueUrl(dlq).receiptHandle(m.receiptHandle()));
        }
        return bodies.stream().filter(b -> b.contains("poison")).count();
    }

    private static Set<String> good(Path processed) {
        return new HashSet<>(lines(processed));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + within);
            }
            Thread.sleep(200);
        }
    }

    /** A bash function that records each good order and reports every poison message as a failed item. */
    private static String consumer(Path processed, String queue, String endpoint) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: orders-code}
                data:
                  bootstrap: |
                    #!/bin/bash
                    set -euo pipefail
                    api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                    headers=$(mktemp)
                    while true; do
                      event=$(curl -sS -D "$headers" "$api/next")
                      id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                      jq -r '.Records[].body | fromjson | select(.order != null) | "good-\\(.order)"' <<<"$event" >> "$OUT"
                      failures=$(jq -c '{batchItemFailures: [.Records[] | select(.body | fromjson | .poison != null)
                        | {itemIdentifier: .messageId}]}' <<<"$event")
                      curl -sS -o /dev/null -d "$failures" "$api/$id/response"
                    done
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: orders}
                spec:
                  runtime: provided.al2023
                  handler: function.handler
                  code: {configMap: orders-code}
                  environment: {OUT: "%s"}
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata: {name: orders-queue}
                spec:
                  function: orders
                  source:
                    sqs: {queueUrl: "%s", endpoint: "%s", region: us-east-1}
                  batchSize: 10
                  functionResponseTypes: [ReportBatchItemFailures]
                  scalingConfig: {maximumConcurrency: 5}
                """.formatted(processed, queue, endpoint);
    }
}
