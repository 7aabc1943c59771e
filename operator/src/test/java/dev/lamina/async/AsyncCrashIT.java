package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of a 202: local mode accepts 5,000 asynchronous events from concurrent senders, is killed with SIGKILL
 * part-way, restarts on the same directory, and every event it accepted is delivered at least once. Lost events must
 * be none; duplicates (allowed: delivery is at-least-once) are reported.
 */
class AsyncCrashIT {

    private static final int EVENTS = 5_000;
    private static final int KILL_AFTER_ACCEPTED = 1_500;
    private static final int SENDERS = 32;
    private static final List<String> FAST_DELIVERY = List.of(
            "-Dlamina.async.backoff-initial=50ms",
            "-Dlamina.async.backoff-max=1s",
            "-Dlamina.async.idle-poll=100ms",
            "-Dlamina.async.max-concurrent-deliveries=6",
            "-Dlamina.local.function-logs=false");

    @TempDir
    Path work;

    @Test
    void everyAcceptedEventIsDeliveredAtLeastOnceAcrossAKillMinus9() throws Exception {
        Path functions = Files.createDirectories(work.resolve("functions"));
        Path delivered = work.resolve("delivered.log");
        Files.writeString(functions.resolve("sink.yaml"), sink(delivered));
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();

        try (LocalLamina first = LocalLamina.start(functions, work.resolve("first.log"), FAST_DELIVERY)) {
            AtomicBoolean killed = new AtomicBoolean();
            send(first.endpoint(), IntStream.range(0, EVENTS).boxed().toList(), accepted, () -> {
                if (accepted.size() >= KILL_AFTER_ACCEPTED && killed.compareAndSet(false, true)) {
                    first.killMinus9();
                }
            });
            assertThat(killed).as("killed part-way").isTrue();
        }
        int acceptedBeforeKill = accepted.size();
        List<Integer> notYetAccepted = IntStream.range(0, EVENTS).filter(n -> !accepted.contains(n)).boxed().toList();

        try (LocalLamina second = LocalLamina.start(functions, work.resolve("second.log"), FAST_DELIVERY)) {
            send(second.endpoint(), notYetAccepted, accepted, () -> { });
            assertThat(accepted).as("every event accepted once the restarted process serves").hasSize(EVENTS);

            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            Map<Integer, Integer> deliveries = deliveries(delivered);
            while (!deliveries.keySet().containsAll(accepted) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                deliveries = deliveries(delivered);
            }

            Set<Integer> lost = new HashSet<>(accepted);
            lost.removeAll(deliveries.keySet());
            long duplicated = deliveries.values().stream().filter(times -> times > 1).count();
            System.out.printf("async crash test: %d events accepted (%d before SIGKILL), %d delivered, %d lost,"
                            + " %d delivered more than once%n", accepted.size(), acceptedBeforeKill,
                    deliveries.size(), lost.size(), duplicated);
            assertThat(lost).as("accepted (202) events never delivered").isEmpty();
        }
    }

    /**
     * Sends each event ({@code {"n": N}}) as an {@code Event} invocation from concurrent senders; an event counts as
     * accepted only when answered 202. A sender stops at its first failure (the process was killed).
     */
    private static void send(URI endpoint, List<Integer> events, Set<Integer> accepted, AfterAccept afterAccept)
            throws Exception {
        Queue<Integer> toSend = new ConcurrentLinkedQueue<>(events);
        URI invoke = endpoint.resolve("/2015-03-31/functions/sink/invocations");
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
             var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                running.add(senders.submit(() -> {
                    for (Integer n = toSend.poll(); n != null; n = toSend.poll()) {
                        HttpRequest request = HttpRequest.newBuilder(invoke)
                                .header("X-Amz-Invocation-Type", "Event")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}"))
                                .build();
                        try {
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                                accepted.add(n);
                                afterAccept.run();
                            }
                        } catch (IOException connectionLost) {
                            return null;
                        }
                    }
                    return null;
                }));
            }
            for (var sender : running) {
                sender.get();
            }
        }
    }

    @FunctionalInterface
    private interface AfterAccept {
        void run() throws Exception;
    }

    /** How often each event number was delivered, from the sink's log. */
    private static Map<Integer, Integer> deliveries(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Map.of();
        }
        return Files.readAllLines(log).stream().filter(line -> !line.isBlank())
                .collect(Collectors.toMap(Integer::valueOf, line -> 1, Integer::sum));
    }

    /**
     * A bash function appending each event's number to {@code log}. One curl call per invocation (it answers the
     * previous event and fetches the next) and bash builtins otherwise, so that 5,000 invocations stay cheap.
     */
    private static String sink(Path log) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: sink-code}
                data:
                  bootstrap: |
                    #!/bin/bash
                    set -euo pipefail
                    api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                    headers=$(mktemp)
                    body=$(mktemp)
                    curl -sS -D "$headers" -o "$body" "$api/next"
                    while true; do
                      while IFS=': ' read -r name value; do
                        if [[ ${name,,} == lambda-runtime-aws-request-id ]]; then id=${value%%$'\\r'}; fi
                      done < "$headers"
                      read -r event < "$body" || true
                      if [[ $event =~ \\"n\\":([0-9]+) ]]; then echo "${BASH_REMATCH[1]}" >> "$DELIVERED"; fi
                      curl -sS -o /dev/null -d '{}' "$api/$id/response" --next -sS -D "$headers" -o "$body" "$api/next"
                    done
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: sink}
                spec:
                  runtime: provided.al2023
                  handler: sink
                  code: {configMap: sink-code}
                  timeoutSeconds: 10
                  environment: {DELIVERED: '%s'}
                  concurrency: {reserved: 6}
                """.formatted(log);
    }
}
