package dev.lamina.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How fast a backlog of asynchronous events drains into a function with reserved concurrency, in local mode as users
 * run it: a bash function that takes {@code --millis} per event (it records each request id), reserved concurrency
 * {@code --reserved}, {@code --events} accepted at once. The ideal is events × millis / reserved; throttled attempts
 * pushed back by backoff make it longer. Optional {@code --app PATH}: another build's {@code quarkus-run.jar}, to
 * compare builds in one session. Arguments: {@code [--events 200] [--reserved 4] [--millis 300] [--app PATH]}.
 */
public final class AsyncDrainBench {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private AsyncDrainBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = 200;
        int reserved = 4;
        int millis = 300;
        Path app = Path.of("operator/target/quarkus-app/quarkus-run.jar");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--reserved" -> reserved = Integer.parseInt(args[i + 1]);
                case "--millis" -> millis = Integer.parseInt(args[i + 1]);
                case "--app" -> app = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("AsyncDrainBench: %d available processors, load average %.2f, %s%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), app);
        System.out.printf("%d events, reserved concurrency %d, %d ms per event: ideal drain %.1f s%n", events,
                reserved, millis, events * millis / 1000.0 / reserved);

        Path dir = Files.createTempDirectory("lamina-async-drain");
        Path seen = dir.resolve("seen.txt");
        Files.writeString(dir.resolve("function.yaml"), function(reserved, millis, seen));
        try (LocalGateway gateway = LocalGateway.startBuild(app, dir);
             HttpClient http = HttpClient.newHttpClient()) {
            gateway.awaitReady("drain", 0, Duration.ofMinutes(2));
            URI invoke = URI.create("http://127.0.0.1:" + gateway.port()
                    + "/2015-03-31/functions/drain/invocations");
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                HttpRequest request = HttpRequest.newBuilder(invoke).timeout(Duration.ofSeconds(30))
                        .header("X-Amz-Invocation-Type", "Event")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build();
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 202) {
                    throw new IllegalStateException("event " + i + " answered " + answer.statusCode() + ": "
                            + answer.body());
                }
            }
            double accepted = (System.nanoTime() - start) / 1e9;
            long deadline = start + LIMIT.toNanos();
            List<String> lines = List.of();
            Set<String> unique = new HashSet<>();
            long nextReport = start + Duration.ofSeconds(15).toNanos();
            while (unique.size() < events && System.nanoTime() < deadline) {
                Thread.sleep(50);
                lines = Files.exists(seen) ? Files.readAllLines(seen) : List.of();
                unique = new HashSet<>(lines);
                if (System.nanoTime() > nextReport) {
                    System.out.printf("  %.0f s: %d delivered%n", (System.nanoTime() - start) / 1e9, unique.size());
                    nextReport += Duration.ofSeconds(15).toNanos();
                }
            }
            double drained = (System.nanoTime() - start) / 1e9;
            System.out.printf("accepted in %.1f s; %d of %d delivered in %.1f s (%.2f × ideal), %d duplicate"
                            + " deliveries%n", accepted, unique.size(), events, drained,
                    drained / (events * millis / 1000.0 / reserved), lines.size() - unique.size());
        } finally {
            LocalGateway.delete(dir);
        }
    }

    private static String function(int reserved, int millis, Path seen) throws IOException {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: drain-code
                data:
                  bootstrap: |
                    #!/bin/bash
                    api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                    headers=$(mktemp)
                    while true; do
                      curl -sS -o /dev/null -D "$headers" "$api/next"
                      id=$(tr -d '\\r' < "$headers" | awk -F': ' 'tolower($1) == "lambda-runtime-aws-request-id" {print $2}')
                      sleep %s
                      echo "$id" >> "%s"
                      curl -sS -o /dev/null -X POST "$api/$id/response" -d '{}'
                    done
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata:
                  name: drain
                spec:
                  runtime: provided.al2023
                  handler: drain
                  code:
                    configMap: drain-code
                  concurrency:
                    reserved: %d
                """.formatted(String.format("%.3f", millis / 1000.0), seen, reserved);
    }
}
