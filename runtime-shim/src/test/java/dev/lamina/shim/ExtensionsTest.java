package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.RecordingExtension;
import dev.lamina.shim.support.Runtimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Extensions and Telemetry APIs of the shim as a library (as local mode embeds it), with real extensions: an
 * external one in Python written against AWS's documentation, and an internal one registered by a bash runtime.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExtensionsTest {

    static final String FUNCTIONS = """
            handler() {
              echo "handling $1" >&2
              echo "{\\"got\\": $1}"
            }
            slow() {
              sleep 300 &
              wait
            }
            """;

    @TempDir
    Path taskRoot;

    @TempDir
    Path opt;

    private final LogLines log = new LogLines();

    private Path record() {
        return taskRoot.resolve("record.jsonl");
    }

    private ShimConfig.Builder config(Path bootstrap, Duration timeout) {
        return ShimConfig.builder()
                .functionName("ext-fn")
                .accountId("123456789012")
                .handler("function.handler")
                .timeout(timeout)
                .workingDirectory(taskRoot)
                .runtimeCommand(List.of(bootstrap.toString()))
                .environment(Map.of("RECORD", record().toString()))
                .extensionsDirectory(opt.resolve("extensions"))
                .logSink(log);
    }

    private Shim startWithRecorder(String handler, Duration timeout) throws Exception {
        assumeTrue(RecordingExtension.pythonAvailable(), "python3 is needed to run the recording extension");
        RecordingExtension.install(opt.resolve("extensions"), "recorder");
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        return Shim.start(config(bootstrap, timeout).handler(handler).build());
    }

    private static List<JsonNode> of(List<JsonNode> recorded, String kind) {
        return recorded.stream().filter(document -> document.has(kind)).map(document -> document.get(kind)).toList();
    }

    private static JsonNode telemetry(List<JsonNode> recorded, String type, String requestId) {
        return of(recorded, "telemetry").stream()
                .filter(event -> event.at("/type").asText().equals(type))
                .filter(event -> requestId == null || event.at("/record/requestId").asText().equals(requestId))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " for " + requestId + " in "
                        + recorded));
    }

    @Test
    void anExternalExtensionLivesThroughInitInvocationsAndShutdown() throws Exception {
        Path record = record();
        Shim shim = startWithRecorder("function.handler", Duration.ofSeconds(10));
        try (shim) {
            shim.readyFuture().get(60, TimeUnit.SECONDS);
            JsonNode registered = of(RecordingExtension.read(record), "register").getFirst();
            assertThat(registered.at("/functionName").asText()).isEqualTo("ext-fn");
            assertThat(registered.at("/functionVersion").asText()).isEqualTo("$LATEST");
            assertThat(registered.at("/handler").asText()).isEqualTo("function.handler");
            assertThat(registered.at("/accountId").asText()).isEqualTo("123456789012");

            Invoker invoker = new Invoker(shim.invokeAddress());
            String trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            assertThat(invoker.invoke("{\"n\":1}", "Lamina-Request-Id", "ext-1", "X-Amzn-Trace-Id", trace).body())
                    .isEqualTo("{\"got\": {\"n\":1}}");
            assertThat(invoker.invoke("{\"n\":2}", "Lamina-Request-Id", "ext-2").status()).isEqualTo(200);

            List<JsonNode> recorded = RecordingExtension.await(record, document ->
                    document.at("/telemetry/type").asText().equals("platform.report")
                            && document.at("/telemetry/record/requestId").asText().equals("ext-2"));
            List<JsonNode> events = of(recorded, "event");
            assertThat(events).extracting(event -> event.at("/eventType").asText() + " " + event.at("/requestId")
                    .asText()).containsExactly("INVOKE ext-1", "INVOKE ext-2");
            assertThat(events.getFirst().at("/invokedFunctionArn").asText())
                    .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:ext-fn");
            assertThat(events.getFirst().at("/tracing/type").asText()).isEqualTo("X-Amzn-Trace-Id");
            assertThat(events.getFirst().at("/tracing/value").asText()).isEqualTo(trace);
            assertThat(events.getFirst().at("/deadlineMs").asLong()).isPositive();

            assertThat(of(recorded, "telemetry")).extracting(event -> event.at("/type").asText())
                    .contains("platform.initStart", "platform.telemetrySubscription", "platform.initRuntimeDone",
                            "platform.extension", "platform.initReport", "platform.start", "platform.runtimeDone",
                            "platform.report", "function", "extension");
            assertThat(of(recorded, "telemetry")).allSatisfy(event ->
                    assertThat(event.at("/time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertThat(telemetry(recorded, "platform.initReport", null).at("/record/status").asText())
                    .isEqualTo("success");
            assertThat(telemetry(recorded, "platform.start", "ext-1").at("/record/tracing/value").asText())
                    .isEqualTo(trace);
            assertThat(telemetry(recorded, "platform.runtimeDone", "ext-1").at("/record/status").asText())
                    .isEqualTo("success");
            JsonNode firstReport = telemetry(recorded, "platform.report", "ext-1").at("/record");
            assertThat(firstReport.at("/status").asText()).isEqualTo("success");
            assertThat(firstReport.at("/metrics/memorySizeMB").asInt()).isEqualTo(128);
            assertThat(firstReport.at("/metrics/billedDurationMs").asLong()).isPositive();
            assertThat(firstReport.at("/metrics").has("durationMs")).isTrue();
            assertThat(firstReport.at("/metrics").has("maxMemoryUsedMB")).isTrue();
            assertThat(firstReport.at("/metrics").has("initDurationMs")).as("the cold start").isTrue();
            assertThat(telemetry(recorded, "platform.report", "ext-2").at("/record/metrics").has("initDurationMs"))
                    .isFalse();
            assertThat(of(recorded, "telemetry")).extracting(event -> event.at("/type").asText() + ": "
                    + event.at("/record").asText()).contains("function: handling {\"n\":1}",
                    "extension: recorder extension subscribed");
            assertThat(log.lines()).as("the extension's output is in the function log")
                    .contains("recorder extension subscribed");
        }

        JsonNode last = of(RecordingExtension.read(record), "event").getLast();
        assertThat(last.at("/eventType").asText()).isEqualTo("SHUTDOWN");
        assertThat(last.at("/shutdownReason").asText()).isEqualTo("spindown");
        assertThat(last.at("/deadlineMs").asLong()).isPositive();
    }

    @Test
    void anInvocationEndsWhenTheExtensionsAreBack() throws Exception {
        Path record = record();
        AtomicReference<Boolean> backAtReport = new AtomicReference<>();
        assumeTrue(RecordingExtension.pythonAvailable(), "python3 is needed to run the recording extension");
        RecordingExtension.install(opt.resolve("extensions"), "recorder");
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        Path back = Path.of(record + ".linger-1.back");
        // A deadline far beyond what the extension needs: END/REPORT are written at the deadline whatever the
        // extensions do, and this test is about the extension being waited for, not the deadline.
        ShimConfig config = config(bootstrap, Duration.ofSeconds(120)).logSink(line -> {
            if (line.startsWith("REPORT RequestId: linger-1\t")) {
                backAtReport.set(Files.exists(back));
            }
            log.accept(line);
        }).build();
        try (Shim shim = Shim.start(config)) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "Lamina-Request-Id", "linger-1");

            assertThat(reply.status()).as("the caller is answered while the extension is still busy").isEqualTo(200);
            Files.createFile(Path.of(record + ".linger-1.answered"));
            log.await(line -> line.startsWith("REPORT RequestId: linger-1\t"));
            assertThat(backAtReport.get()).as("REPORT waited for the extension to ask for its next event").isTrue();
        }
    }

    @Test
    void aTimeoutShutsTheExtensionDownWithReasonTimeoutAndStartsItAgain() throws Exception {
        Path record = record();
        try (Shim shim = startWithRecorder("function.slow", Duration.ofSeconds(1))) {
            Invoker invoker = new Invoker(shim.invokeAddress());

            Invoker.Reply reply = invoker.invoke("{}", "Lamina-Request-Id", "slow-1");

            assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo("Sandbox.Timedout");
            List<JsonNode> recorded = RecordingExtension.await(record, document ->
                    document.at("/event/eventType").asText().equals("SHUTDOWN"));
            JsonNode shutdown = of(recorded, "event").getLast();
            assertThat(shutdown.at("/shutdownReason").asText()).isEqualTo("timeout");
            recorded = RecordingExtension.awaitAll(record, documents -> of(documents, "register").size() == 2);
            assertThat(of(recorded, "register")).as("a fresh environment, extension included").hasSize(2);
            assertThat(invoker.invoke("{}", "Lamina-Request-Id", "after-1").status()).isEqualTo(200);
        }
    }

    @Test
    void anInternalExtensionRegisteredByTheRuntimeGetsInvokeEvents() throws Exception {
        Path record = record();
        Runtimes.curlFunction(taskRoot, FUNCTIONS);
        Files.move(taskRoot.resolve("bootstrap"), taskRoot.resolve("walkthrough"));
        Path bootstrap = Runtimes.script(taskRoot, "bootstrap", """
                #!/bin/bash
                EXT="http://${AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension"
                ID=$(curl -sS -D - -o /dev/null -X POST "$EXT/register" -H "Lambda-Extension-Name: in-process" \\
                  -d '{"events":["INVOKE"]}' | grep -Fi Lambda-Extension-Identifier | tr -d '[:space:]' | cut -d: -f2)
                curl -sS -X POST "$EXT/register" -H "Lambda-Extension-Name: wants-shutdown" \\
                  -d '{"events":["SHUTDOWN"]}' > "$RECORD.shutdown-refused"
                curl -sS -X PUT "http://${AWS_LAMBDA_RUNTIME_API}/2022-07-01/telemetry" \\
                  -H "Lambda-Extension-Identifier: $ID" > "$RECORD.tcp-refused" \\
                  -d '{"schemaVersion":"2022-12-13","types":["platform"],
                       "destination":{"protocol":"TCP","URI":"http://sandbox.localdomain:4243"}}'
                ( while curl -sS "$EXT/event/next" -H "Lambda-Extension-Identifier: $ID" >> "$RECORD"; do
                    echo >> "$RECORD"
                  done ) < /dev/null &
                exec "$LAMBDA_TASK_ROOT/walkthrough"
                """);
        try (Shim shim = Shim.start(config(bootstrap, Duration.ofSeconds(10)).build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "Lamina-Request-Id", "inside-1");

            assertThat(reply.status()).isEqualTo(200);
            List<JsonNode> recorded = RecordingExtension.await(record, document ->
                    document.at("/requestId").asText().equals("inside-1"));
            assertThat(recorded.getFirst().at("/eventType").asText()).isEqualTo("INVOKE");
            JsonNode refused = JsonDocs.parse(Files.readString(Path.of(record + ".shutdown-refused")));
            assertThat(refused.at("/errorType").asText()).isEqualTo("Extension.InvalidEventType");
            JsonNode tcp = JsonDocs.parse(Files.readString(Path.of(record + ".tcp-refused")));
            assertThat(tcp.at("/errorType").asText()).isEqualTo("ValidationError");
        }
    }

    @Test
    void anExtensionsInitErrorFailsTheInit() throws Exception {
        Runtimes.script(Files.createDirectories(opt.resolve("extensions")), "broken", """
                #!/bin/bash
                EXT="http://${AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension"
                ID=$(curl -sS -D - -o /dev/null -X POST "$EXT/register" -H "Lambda-Extension-Name: broken" \\
                  -d '{"events":["INVOKE"]}' | grep -Fi Lambda-Extension-Identifier | tr -d '[:space:]' | cut -d: -f2)
                curl -sS -o /dev/null -X POST "$EXT/init/error" -H "Lambda-Extension-Identifier: $ID" \\
                  -H "Lambda-Extension-Function-Error-Type: Extension.ConfigMissing" -d '{}'
                exit 1
                """);
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        try (Shim shim = Shim.start(config(bootstrap, Duration.ofSeconds(10)).build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo("Extension.InitError");
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INIT_REPORT ")
                    && line.endsWith("\tError Type: Extension.InitError"));
        }
    }

    @Test
    void anExtensionThatNeverRegistersRunsOutOfTheInitBudgetAndIsKilled() throws Exception {
        Path pidFile = taskRoot.resolve("silent.pid");
        Runtimes.script(Files.createDirectories(opt.resolve("extensions")), "silent", """
                #!/bin/bash
                echo $$ >> "$LAMBDA_TASK_ROOT/silent.pid"
                exec sleep 600
                """);
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        try (Shim shim = Shim.start(config(bootstrap, Duration.ofSeconds(10)).initTimeout(Duration.ofSeconds(2))
                .build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}");

            assertThat(JsonDocs.parse(reply.body()).at("/errorMessage").asText()).contains("Init timed out");
            long firstPid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            ProcessHandle first = ProcessHandle.of(firstPid).orElse(null);
            if (first != null) {
                first.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theApiRefusesWhatLambdaRefuses() throws Exception {
        Path bootstrap = Runtimes.curlFunction(taskRoot, FUNCTIONS);
        try (Shim shim = Shim.start(config(bootstrap, Duration.ofSeconds(10)).extensionsDirectory(null).build())) {
            shim.readyFuture().get(60, TimeUnit.SECONDS);
            Invoker api = new Invoker(shim.runtimeApiAddress());
            String unknown = UUID.randomUUID().toString();

            assertRefused(api.send("POST", "/2020-01-01/extension/register", "{\"events\":[\"INVOKE\"]}",
                    "Lambda-Extension-Name", "late"), 403, "Extension.RegistrationClosed");
            assertRefused(api.send("POST", "/2020-01-01/extension/register", "{\"events\":[\"INVOKE\"]}"),
                    403, "Extension.InvalidExtensionName");
            assertRefused(api.send("GET", "/2020-01-01/extension/event/next", ""),
                    403, "Extension.MissingExtensionIdentifier");
            assertRefused(api.send("GET", "/2020-01-01/extension/event/next", "",
                    "Lambda-Extension-Identifier", "not-a-uuid"), 403, "Extension.InvalidExtensionIdentifier");
            assertRefused(api.send("GET", "/2020-01-01/extension/event/next", "",
                    "Lambda-Extension-Identifier", unknown), 403, "Extension.UnknownExtensionIdentifier");
            assertRefused(api.send("POST", "/2020-01-01/extension/init/error", "",
                    "Lambda-Extension-Identifier", unknown), 403, "Extension.MissingHeader");
            assertRefused(api.send("POST", "/2020-01-01/extension/exit/error", "",
                    "Lambda-Extension-Identifier", unknown, "Lambda-Extension-Function-Error-Type", "Extension.Oops"),
                    403, "Extension.UnknownExtensionIdentifier");
            assertRefused(api.send("PUT", "/2022-07-01/telemetry", "{}", "Lambda-Extension-Identifier", unknown),
                    403, "Extension.UnknownExtensionIdentifier");
            assertThat(new Invoker(shim.invokeAddress()).invoke("{}").status()).as("the function still runs")
                    .isEqualTo(200);
        }
    }

    private static void assertRefused(Invoker.Reply reply, int status, String errorType) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(JsonDocs.parse(reply.body()).at("/errorType").asText()).isEqualTo(errorType);
        assertThat(JsonDocs.parse(reply.body()).at("/errorMessage").asText()).isNotBlank();
    }
}
