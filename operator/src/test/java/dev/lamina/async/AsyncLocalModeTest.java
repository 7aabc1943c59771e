package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.api.SqsTarget;
import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Asynchronous invocation end to end: local mode running real bash runtimes, called through the AWS SDK's Lambda
 * client, with destinations on a real webhook and a dead-letter queue on ElasticMQ.
 */
@QuarkusTest
@TestProfile(AsyncLocalModeTest.Profile.class)
class AsyncLocalModeTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";
    private static LambdaClient lambda;

    /** Functions sharing one bash bootstrap; MODE says what each does, every event is logged to $STATE/NAME.log. */
    public static final class Profile extends LocalModeProfile {
        static final Webhook HOOK = new Webhook();
        static final Sqs SQS = new Sqs();
        static final SqsTarget DLQ = SQS.create("failer-dlq");
        static final Path STATE = temporaryDirectory("lamina-async-state-");

        static {
            // The dead-letter queue names no credentials Secret: the default AWS chain finds these first.
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
        }

        @Override
        protected Path directory() {
            Path dir = temporaryDirectory("lamina-async-functions-");
            String yaml = """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: async-code}
                    data:
                      bootstrap: |
                        #!/bin/bash
                        set -euo pipefail
                        api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                        headers=$(mktemp)
                        while true; do
                          event=$(curl -sS -D "$headers" "$api/next")
                          id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                          trace=$(grep -i '^Lambda-Runtime-Trace-Id:' "$headers" | cut -d' ' -f2- | tr -d '\\r\\n')
                          echo "$id $(jq -c . <<<"$event")" >> "$STATE/$AWS_LAMBDA_FUNCTION_NAME.log"
                          case "$MODE" in
                            succeed)
                              printf '{"received":%%s}' "$event" | curl -sS -o /dev/null -X POST --data-binary @- "$api/$id/response" ;;
                            fail)
                              curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Handler.Failed' \\
                                -d '{"errorMessage":"failing on purpose","errorType":"Handler.Failed"}' "$api/$id/error" ;;
                            recurse)
                              endpoint=$(jq -r .endpoint <<<"$event")
                              printf '%%s' "$event" | curl -sS -o /dev/null -X POST -H 'X-Amz-Invocation-Type: Event' \\
                                -H "X-Amzn-Trace-Id: $trace" --data-binary @- \\
                                "$endpoint/2015-03-31/functions/$AWS_LAMBDA_FUNCTION_NAME/invocations"
                              curl -sS -o /dev/null -X POST -d '{}' "$api/$id/response" ;;
                            slow)
                              sleep 0.3
                              curl -sS -o /dev/null -X POST -d '{}' "$api/$id/response" ;;
                          esac
                        done
                    ---
                    %s
                    ---
                    %s
                    ---
                    %s
                    ---
                    %s
                    ---
                    %s
                    """.formatted(
                    function("greeter", "succeed", "", "{onSuccess: {http: {url: '" + HOOK.url() + "'}}}"),
                    function("failer", "fail", "",
                            "{maximumRetryAttempts: 1, onFailure: {http: {url: '" + HOOK.url() + "'}},"
                                    + " deadLetterQueue: {queueUrl: '" + DLQ.queueUrl() + "', endpoint: '"
                                    + DLQ.endpoint() + "', region: us-east-1}}"),
                    function("looper", "recurse", "", "{maximumRetryAttempts: 0}"),
                    function("narrow", "slow", "concurrency: {reserved: 1}",
                            "{onSuccess: {http: {url: '" + HOOK.url() + "'}}}"),
                    halfAndHalf());
            try {
                Files.writeString(dir.resolve("async.yaml"), yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        }

        private static String function(String name, String mode, String extraSpec, String async) {
            return """
                    apiVersion: lamina.dev/v1alpha1
                    kind: Function
                    metadata: {name: %s}
                    spec:
                      runtime: provided.al2023
                      handler: async
                      code: {configMap: async-code}
                      timeoutSeconds: 10
                      environment: {MODE: %s, STATE: '%s'}
                      %s
                      async: %s
                    """.formatted(name, mode, STATE, extraSpec, async);
        }

        @Override
        protected Map<String, String> extra() {
            return Map.of(
                    "lamina.async.function-error-retry-delays", "200ms,400ms",
                    "lamina.async.backoff-initial", "50ms",
                    "lamina.async.backoff-max", "500ms",
                    "lamina.async.idle-poll", "100ms");
        }

        /** Function "split" with versions 1 and 2, and alias "half" sending each half the invocations. */
        private static String halfAndHalf() {
            String snapshot = "{runtime: provided.al2023, handler: async, code: {configMap: async-code},"
                    + " timeoutSeconds: 10, environment: {MODE: succeed, STATE: '" + STATE + "'}}";
            return function("split", "succeed", "", "{}") + """
                    ---
                    apiVersion: lamina.dev/v1alpha1
                    kind: FunctionVersion
                    metadata: {name: split-1}
                    spec: {function: split, version: "1", snapshot: %1$s}
                    ---
                    apiVersion: lamina.dev/v1alpha1
                    kind: FunctionVersion
                    metadata: {name: split-2}
                    spec: {function: split, version: "2", snapshot: %1$s}
                    ---
                    apiVersion: lamina.dev/v1alpha1
                    kind: Alias
                    metadata: {name: split-half}
                    spec:
                      function: split
                      name: half
                      functionVersion: "1"
                      routingConfig: {additionalVersionWeights: {"2": 0.5}}
                    """.formatted(snapshot);
        }

        private static Path temporaryDirectory(String prefix) {
            try {
                return Files.createTempDirectory(prefix);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @BeforeAll
    static void client() {
        lambda = LambdaClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(60)))
                .build();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class));
    }

    private static InvokeResponse event(String function, String json) {
        return lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromString(json, StandardCharsets.UTF_8)));
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> log(String function) throws IOException {
        Path log = Profile.STATE.resolve(function + ".log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void anEventIsAnswered202AndDeliveredWithItsSuccessRecord() throws Exception {
        InvokeResponse accepted = event("greeter", "{\"n\":1}");

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.payload().asByteArray()).isEmpty();
        String requestId = accepted.responseMetadata().requestId();
        JsonNode record = json(Profile.HOOK.await(1, body -> body.contains(requestId)).getFirst());
        assertThat(record.at("/requestContext/functionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:greeter:$LATEST");
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/requestPayload/n").asInt()).isEqualTo(1);
        assertThat(record.at("/responseContext/executedVersion").asText()).isEqualTo("$LATEST");
        assertThat(record.at("/responsePayload/received/n").asInt()).isEqualTo(1);
        assertThat(log("greeter")).filteredOn(line -> line.startsWith(requestId + " ")).hasSize(1);
        assertThat(metric("AsyncEventsReceived_total", "function_name=\"greeter\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void intakeRefusesWhatLambdaRefuses() throws Exception {
        byte[] tooLarge = new byte[AsyncIntake.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(tooLarge, (byte) ' ');
        tooLarge[0] = '1';

        assertThatThrownBy(() -> event("nobody", "{}")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(metric("AsyncEventsReceived_total", "function_name=\"nobody\"")).as("nothing queued").isZero();
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("greeter").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(tooLarge)))).isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(() -> event("greeter", "{\"unfinished\":")).isInstanceOf(InvalidRequestContentException.class);
    }

    /**
     * Whether an event is accepted does not depend on the alias's draw between its versions: that happens at
     * delivery. A version or alias the function lacks is Lambda's 404.
     */
    @Test
    void anEventToAnAliasSplittingTrafficIsAcceptedEveryTimeAndOneToAMissingQualifierIsNotFound() throws Exception {
        int events = 40;
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            InvokeResponse accepted = event("split:half", "{\"i\":" + i + "}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            requestIds.add(accepted.responseMetadata().requestId());
        }

        assertThatThrownBy(() -> event("split:missing", "{}")).isInstanceOfSatisfying(ResourceNotFoundException.class,
                e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("Function not found: " + ARN + "split:missing");
                });
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("split").qualifier("3")
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromString("{}", StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("Function not found: " + ARN + "split:3");
                });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (delivered(log("split"), requestIds) < events && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(delivered(log("split"), requestIds)).as("every accepted event ran on a version of the alias")
                .isEqualTo(events);
    }

    /** How many of the request ids a function's log shows an invocation for. */
    private static long delivered(List<String> log, List<String> requestIds) {
        return requestIds.stream().filter(id -> log.stream().anyMatch(line -> line.startsWith(id + " "))).count();
    }

    @Test
    void aFailingFunctionIsRetriedThenReportedAndItsEventDeadLettered() throws Exception {
        String requestId = event("failer", "{\"order\":42}").responseMetadata().requestId();

        JsonNode record = json(Profile.HOOK.await(1, body -> body.contains(requestId)).getFirst());
        List<Message> deadLetters = Profile.SQS.receive(Profile.DLQ, 1, Duration.ofSeconds(60));

        assertThat(log("failer")).as("the first attempt and one retry")
                .filteredOn(line -> line.startsWith(requestId + " ")).hasSize(2);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.at("/responseContext/functionError").asText()).isNotEmpty();
        assertThat(record.at("/responsePayload/errorType").asText()).isEqualTo("Handler.Failed");
        assertThat(deadLetters).hasSize(1);
        Message dead = deadLetters.getFirst();
        assertThat(json(dead.body()).at("/order").asInt()).isEqualTo(42);
        assertThat(dead.messageAttributes().get("RequestID").stringValue()).isEqualTo(requestId);
        assertThat(dead.messageAttributes().get("ErrorCode").stringValue()).isEqualTo("200");
        assertThat(dead.messageAttributes().get("ErrorMessage").stringValue()).isEqualTo("failing on purpose");
    }

    @Test
    void aFunctionThatInvokesItselfThroughTheGatewayIsStoppedAfter16Invocations() throws Exception {
        event("looper", "{\"endpoint\":\"" + endpoint() + "\"}");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (metric("RecursiveInvocationsDropped_total", "function_name=\"looper\"") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertThat(metric("RecursiveInvocationsDropped_total", "function_name=\"looper\"")).isEqualTo(1);
        assertThat(log("looper")).as("the trace header went to the function and came back with each call")
                .hasSize(TraceHeader.MAX_RECURSION);
    }

    @Test
    void eventsForAFunctionWithReservedConcurrencyOneAreDeliveredOneAtATimeWithoutThrottles() throws Exception {
        List<String> requestIds;
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            var sent = java.util.stream.IntStream.range(0, 4)
                    .mapToObj(i -> senders.submit(() -> event("narrow", "{\"i\":" + i + "}").responseMetadata().requestId()))
                    .toList();
            requestIds = sent.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }

        List<String> records = Profile.HOOK.await(4, body -> requestIds.stream().anyMatch(body::contains));

        assertThat(records).hasSize(4);
        assertThat(metric("lambda_throttles_total", "function_name=\"narrow\""))
                .as("delivery takes only the concurrency the function has free").isZero();
        assertThat(log("narrow")).hasSize(4);
    }

    /** One sample of a Prometheus metric whose labels contain {@code label}; 0 when absent. */
    private static double metric(String name, String label) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String text = http.send(HttpRequest.newBuilder(endpoint().resolve("/q/metrics"))
                            .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)}\\s+(\\S+)$", Pattern.MULTILINE).matcher(text);
            while (m.find()) {
                if (m.group(1).contains(label)) {
                    return Double.parseDouble(m.group(2));
                }
            }
            return 0;
        }
    }
}
