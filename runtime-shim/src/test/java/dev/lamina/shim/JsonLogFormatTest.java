package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.logs.LoggingConfig;
import dev.lamina.shim.logs.LoggingConfig.Format;
import dev.lamina.shim.logs.LoggingConfig.SystemLevel;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function whose logging configuration asks for JSON: the runtime is told the format and the application level,
 * and the platform writes its events (AWS's {@code time}/{@code type}/{@code record}) instead of START/END/REPORT,
 * those below the system level left out, in the log and in the tail alike.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonLogFormatTest {

    private static final String FUNCTIONS = """
            handler() {
              echo "{\\"level\\":\\"INFO\\",\\"message\\":\\"from the handler\\"}" >&2
              echo "{\\"format\\": \\"$AWS_LAMBDA_LOG_FORMAT\\", \\"level\\": \\"$AWS_LAMBDA_LOG_LEVEL\\", \\"group\\": \\"$AWS_LAMBDA_LOG_GROUP_NAME\\"}"
            }
            """;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    private Shim start(LoggingConfig logging) throws Exception {
        return Shim.start(ShimConfig.builder()
                .functionName("json-fn")
                .handler("function.handler")
                .timeout(Duration.ofSeconds(10))
                .workingDirectory(taskRoot)
                .runtimeCommand(Runtimes.curlFunction(taskRoot, FUNCTIONS).toString())
                .logSink(log)
                .logging(logging)
                .build());
    }

    @Test
    void debugLevelWritesStartRuntimeDoneAndReportAsJsonEvents() throws Exception {
        try (Shim shim = start(new LoggingConfig(Format.JSON, "WARN", SystemLevel.DEBUG, "/custom/group"))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "X-Amz-Log-Type", "Tail",
                    "Lamina-Request-Id", "json-1");

            JsonNode seen = JsonDocs.parse(reply.body());
            assertThat(seen.at("/format").asText()).isEqualTo("JSON");
            assertThat(seen.at("/level").asText()).isEqualTo("WARN");
            assertThat(seen.at("/group").asText()).isEqualTo("/custom/group");

            List<String> tail = reply.logResult().lines().toList();
            List<JsonNode> events = tail.stream().filter(line -> line.contains("\"type\":\"platform."))
                    .map(JsonDocs::parse).toList();
            assertThat(events).extracting(event -> event.at("/type").asText())
                    .containsExactly("platform.start", "platform.runtimeDone", "platform.report");
            assertThat(tail).contains("{\"level\":\"INFO\",\"message\":\"from the handler\"}");
            assertThat(tail).noneMatch(line -> line.startsWith("START ") || line.startsWith("END ")
                    || line.startsWith("REPORT "));

            JsonNode start = events.get(0);
            assertThat(start.at("/time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
            assertThat(start.at("/record/requestId").asText()).isEqualTo("json-1");
            assertThat(start.at("/record/version").asText()).isEqualTo("$LATEST");
            JsonNode report = events.get(2).at("/record");
            assertThat(report.at("/requestId").asText()).isEqualTo("json-1");
            assertThat(report.at("/status").asText()).isEqualTo("success");
            assertThat(report.at("/metrics/memorySizeMB").asInt()).isEqualTo(128);
            assertThat(report.at("/metrics/billedDurationMs").asLong()).isPositive();
            assertThat(report.at("/metrics/maxMemoryUsedMB").asLong()).isPositive();
            assertThat(report.at("/metrics/initDurationMs").isNumber()).as("a cold start").isTrue();
            assertThat(log.awaitContaining("\"type\":\"platform.report\"")).contains("json-1");
        }
    }

    @Test
    void infoLevelLeavesOutRuntimeDoneAndWarnLeavesOutEveryPlatformEvent() throws Exception {
        try (Shim shim = start(new LoggingConfig(Format.JSON, null, null, null))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "X-Amz-Log-Type", "Tail");
            assertThat(JsonDocs.parse(reply.body()).at("/level").asText()).as("the default level").isEqualTo("INFO");
            assertThat(JsonDocs.parse(reply.body()).at("/group").asText()).isEqualTo("/aws/lambda/json-fn");
            assertThat(reply.logResult()).contains("\"type\":\"platform.start\"", "\"type\":\"platform.report\"")
                    .doesNotContain("platform.runtimeDone");
        }
        try (Shim shim = start(new LoggingConfig(Format.JSON, null, SystemLevel.WARN, null))) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "X-Amz-Log-Type", "Tail");
            assertThat(reply.logResult()).contains("from the handler").doesNotContain("platform.");
        }
    }

    @Test
    void levelsNeedTheJsonFormat() {
        assertThatThrownBy(() -> new LoggingConfig(Format.TEXT, "DEBUG", null, null))
                .hasMessage("log levels can only be set with the JSON log format");
        assertThatThrownBy(() -> new LoggingConfig(Format.JSON, "VERBOSE", null, null))
                .hasMessageContaining("must be one of [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
    }

    @Test
    void theSidecarReadsItsLoggingConfigurationFromLambdasVariables() {
        ShimConfig config = Main.parse(List.of(), Map.of("AWS_LAMBDA_LOG_FORMAT", "json", "AWS_LAMBDA_LOG_LEVEL",
                "debug", "LAMINA_SYSTEM_LOG_LEVEL", "WARN", "AWS_LAMBDA_LOG_GROUP_NAME", "/team/fn"));

        assertThat(config.logging()).isEqualTo(new LoggingConfig(Format.JSON, "DEBUG", SystemLevel.WARN, "/team/fn"));
        assertThat(Main.parse(List.of(), Map.of()).logging()).isEqualTo(LoggingConfig.TEXT);
        assertThatThrownBy(() -> Main.parse(List.of(), Map.of("AWS_LAMBDA_LOG_FORMAT", "xml")))
                .hasMessage("AWS_LAMBDA_LOG_FORMAT must be one of [TEXT, JSON], got: XML");
    }
}
