package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim serving the real AWS Java runtime interface client (2.9.0, from Maven Central) running this module's test
 * handler. Tests that leave the environment as they found it share one; the others get their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaRuntimeClientTest {

    private static final String HANDLER = "dev.lamina.shim.handlers.TestFunctions::handle";
    private static final Pattern REPORT = Pattern.compile("REPORT RequestId: (\\S+)\\tDuration: \\d+\\.\\d{2} ms"
            + "\\tBilled Duration: \\d+ ms\\tMemory Size: (\\d+) MB\\tMax Memory Used: (\\d+) MB"
            + "(\\tInit Duration: \\d+\\.\\d{2} ms)?");

    @TempDir
    static Path taskRoot;

    private final LogLines sharedLog = new LogLines();
    private Shim shared;
    private Invoker invoker;

    @BeforeAll
    void startSharedEnvironment() {
        shared = Shim.start(config(sharedLog)
                .memoryMb(256)
                .handler(HANDLER)
                .environment(Map.of("GREETING", "hello"))
                .workingDirectory(taskRoot)
                .build());
        invoker = new Invoker(shared.invokeAddress());
        shared.readyFuture().orTimeout(60, TimeUnit.SECONDS).join();
    }

    @AfterAll
    void stopSharedEnvironment() {
        shared.close();
    }

    private static ShimConfig.Builder config(LogLines log) {
        return ShimConfig.builder()
                .functionName("java-fn")
                .timeout(Duration.ofSeconds(20))
                .runtimeCommand(Runtimes.javaRic(HANDLER))
                .logSink(log);
    }

    static String event(Object... keysAndValues) {
        Map<String, Object> event = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            event.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return JsonDocs.write(event);
    }

    @Test
    void answersWithTheHandlersResult() {
        Invoker.Reply reply = invoker.invoke(event("action", "echo", "value", 42), "Lamina-Request-Id", "echo-1");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Amz-Function-Error")).isNull();
        assertThat(reply.header("X-Amz-Executed-Version")).isEqualTo("$LATEST");
        assertThat(reply.header("Lamina-Request-Id")).isEqualTo("echo-1");
        JsonNode body = JsonDocs.parse(reply.body());
        assertThat(body.at("/echo/value").asInt()).isEqualTo(42);
        assertThat(body.at("/requestId").asText()).isEqualTo("echo-1");
    }

    @Test
    void handlerExceptionReachesTheCallerWithItsTypeAndMessage() {
        Invoker.Reply reply = invoker.invoke(event("action", "fail", "reason", "bad input"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        JsonNode error = JsonDocs.parse(reply.body());
        assertThat(error.at("/errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.at("/errorMessage").asText()).isEqualTo("boom: bad input");
        assertThat(error.at("/stackTrace").isArray()).isTrue();
        assertThat(error.at("/stackTrace/0").asText()).contains("TestFunctions.fail");
    }

    @Test
    void handlerSeesLambdasEnvironmentAndContextObject() {
        String clientContext = Base64.getEncoder().encodeToString(
                "{\"custom\":{\"tenant\":\"t-1\"},\"env\":{},\"client\":{}}".getBytes(StandardCharsets.UTF_8));
        String trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:java-fn:live";

        Invoker.Reply reply = invoker.invoke(event("action", "context"),
                "Lamina-Request-Id", "ctx-1", "X-Amz-Client-Context", clientContext, "X-Amzn-Trace-Id", trace,
                "Lamina-Invoked-Function-Arn", arn);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode seen = JsonDocs.parse(reply.body());
        assertThat(seen.at("/requestId").asText()).isEqualTo("ctx-1");
        assertThat(seen.at("/functionArn").asText()).isEqualTo(arn);
        assertThat(seen.at("/functionName").asText()).isEqualTo("java-fn");
        assertThat(seen.at("/functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(seen.at("/memoryLimitInMB").asInt()).isEqualTo(256);
        assertThat(seen.at("/remainingTimeInMillis").asLong()).isBetween(1L, 20_000L);
        assertThat(seen.at("/logGroupName").asText()).isEqualTo("/aws/lambda/java-fn");
        assertThat(seen.at("/clientContextCustom/tenant").asText()).isEqualTo("t-1");
        assertThat(seen.at("/traceId").asText()).isEqualTo(trace);
        assertThat(seen.at("/AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("java-fn");
        assertThat(seen.at("/AWS_LAMBDA_FUNCTION_VERSION").asText()).isEqualTo("$LATEST");
        assertThat(seen.at("/AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText()).isEqualTo("256");
        assertThat(seen.at("/AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/aws/lambda/java-fn");
        assertThat(seen.at("/AWS_LAMBDA_LOG_STREAM_NAME").asText()).matches("\\d{4}/\\d{2}/\\d{2}/\\[\\$LATEST][0-9a-f]{32}");
        assertThat(seen.at("/AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(seen.at("/AWS_DEFAULT_REGION").asText()).isEqualTo("us-east-1");
        assertThat(seen.at("/AWS_LAMBDA_INITIALIZATION_TYPE").asText()).isEqualTo("on-demand");
        assertThat(seen.at("/TZ").asText()).isEqualTo(":UTC");
        assertThat(seen.at("/_HANDLER").asText()).isEqualTo(HANDLER);
        assertThat(seen.at("/LAMBDA_TASK_ROOT").asText()).isEqualTo(taskRoot.toAbsolutePath().toString());
        assertThat(seen.at("/LAMBDA_RUNTIME_DIR").asText()).isEqualTo("/var/runtime");
        assertThat(seen.at("/AWS_LAMBDA_RUNTIME_API").asText())
                .isEqualTo("127.0.0.1:" + shared.runtimeApiAddress().getPort());
        assertThat(seen.at("/GREETING").asText()).isEqualTo("hello");
    }

    @Test
    void defaultFunctionArnIsBuiltFromRegionAccountAndName() {
        JsonNode seen = JsonDocs.parse(invoker.invoke(event("action", "context")).body());

        assertThat(seen.at("/functionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:java-fn");
        assertThat(seen.at("/traceId").asText()).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
    }

    @Test
    void tailReturnsTheLastLogOfThisInvocation() {
        Invoker.Reply reply = invoker.invoke(event("action", "log"), "X-Amz-Log-Type", "Tail",
                "Lamina-Request-Id", "tail-1");

        String tail = reply.logResult();
        assertThat(tail).isNotNull();
        assertThat(tail.lines()).containsSubsequence(
                "START RequestId: tail-1 Version: $LATEST",
                "line on stdout for tail-1",
                "line on stderr for tail-1",
                "END RequestId: tail-1");
        assertThat(tail).contains("line from the context logger");
        assertThat(tail.lines().toList().getLast()).matches(REPORT.pattern()).startsWith("REPORT RequestId: tail-1\t");
        assertThat(Base64.getDecoder().decode(reply.header("X-Amz-Log-Result"))).hasSizeLessThanOrEqualTo(4096);
    }

    @Test
    void logsStartEndAndReportLinesInLambdasFormat() {
        invoker.invoke(event("action", "echo", "value", "format"), "Lamina-Request-Id", "fmt-1");

        String report = sharedLog.await(line -> line.startsWith("REPORT RequestId: fmt-1\t"));
        Matcher fields = REPORT.matcher(report);
        assertThat(fields.matches()).as(report).isTrue();
        assertThat(fields.group(2)).isEqualTo("256");
        assertThat(Integer.parseInt(fields.group(3))).isPositive();
        assertThat(sharedLog.lines()).containsSubsequence(
                "START RequestId: fmt-1 Version: $LATEST",
                "echo handler got {action=echo, value=format}",
                "END RequestId: fmt-1",
                report);
        List<String> reports = sharedLog.lines().stream().filter(line -> line.startsWith("REPORT ")).toList();
        assertThat(reports.getFirst()).as("the first invocation is the cold start").matches(REPORT.pattern())
                .contains("\tInit Duration: ");
        assertThat(reports).as("Init Duration only on the cold start")
                .filteredOn(line -> line.contains("Init Duration")).containsExactly(reports.getFirst());
    }

    @Test
    void staticStateAndTmpAreKeptBetweenInvocations() throws Exception {
        Path file = Path.of("/tmp", "lamina-shim-test-" + UUID.randomUUID());
        try {
            JsonNode first = JsonDocs.parse(invoker.invoke(event("action", "counter", "file", file.toString())).body());
            JsonNode second = JsonDocs.parse(invoker.invoke(event("action", "counter", "file", file.toString())).body());

            int count = first.at("/invocations").asInt();
            assertThat(second.at("/invocations").asInt()).isEqualTo(count + 1);
            assertThat(second.at("/file").asText()).isEqualTo("visit " + count + "\nvisit " + (count + 1) + "\n");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void secondInvocationWaitsForTheSlotOrIsRefusedWhenTheCallerWillNotWait() throws Exception {
        Path gate = taskRoot.resolve("gate-" + UUID.randomUUID());
        CompletableFuture<Invoker.Reply> first = invoker.invokeAsync(event("action", "wait", "file", gate.toString()),
                "Lamina-Request-Id", "slot-1");
        sharedLog.awaitContaining("START RequestId: slot-1 ");

        Invoker.Reply refused = invoker.invoke(event("action", "echo"), "Lamina-Wait", "false");
        CompletableFuture<Invoker.Reply> queued = invoker.invokeAsync(event("action", "echo"),
                "Lamina-Request-Id", "slot-2");
        awaitState(state -> state.at("/waiting").asInt() == 1);
        JsonNode state = JsonDocs.parse(invoker.get("/state").body());
        Files.createFile(gate);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Lamina-Busy")).isEqualTo("true");
        assertThat(refused.header("x-amzn-ErrorType")).isEqualTo("TooManyRequestsException");
        assertThat(JsonDocs.parse(refused.body()).at("/Reason").asText()).isEqualTo("EnvironmentBusy");
        assertThat(state.at("/inFlight").asInt()).isEqualTo(1);
        assertThat(state.at("/capacity").asInt()).isEqualTo(1);
        assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(JsonDocs.parse(first.get().body()).at("/opened").asBoolean()).isTrue();
        assertThat(queued.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(sharedLog.lines()).containsSubsequence(
                "START RequestId: slot-1 Version: $LATEST",
                "END RequestId: slot-1",
                "START RequestId: slot-2 Version: $LATEST");
    }

    @Test
    void responseOverSixMegabytesBecomesResponseSizeTooLarge() {
        int limit = 6 * 1024 * 1024 + 100;
        // The handler returns a JSON string: its length plus two quotes.
        Invoker.Reply atLimit = invoker.invoke(event("action", "big", "length", limit - 2));
        Invoker.Reply overLimit = invoker.invoke(event("action", "big", "length", limit - 1));
        Invoker.Reply after = invoker.invoke(event("action", "echo", "value", "still serving"));

        assertThat(atLimit.status()).isEqualTo(200);
        assertThat(atLimit.header("X-Amz-Function-Error")).isNull();
        assertThat(atLimit.body()).hasSize(limit);
        assertThat(overLimit.status()).isEqualTo(200);
        assertThat(overLimit.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        JsonNode error = JsonDocs.parse(overLimit.body());
        assertThat(error.at("/errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(error.at("/errorMessage").asText()).contains("6291556 bytes");
        assertThat(after.status()).isEqualTo(200);
        assertThat(JsonDocs.parse(after.body()).at("/echo/value").asText()).isEqualTo("still serving");
    }

    @Test
    void systemExitMidInvocationGivesExitErrorAndAFreshRuntime() {
        LogLines log = new LogLines();
        try (Shim shim = Shim.start(config(log).build())) {
            Invoker own = new Invoker(shim.invokeAddress());
            Path file = taskRoot.resolve("exit-" + UUID.randomUUID());
            JsonNode before = JsonDocs.parse(own.invoke(event("action", "counter", "file", file.toString())).body());

            Invoker.Reply crashed = own.invoke(event("action", "exit"), "Lamina-Request-Id", "exit-1");
            JsonNode after = JsonDocs.parse(own.invoke(event("action", "counter", "file", file.toString()),
                    "Lamina-Request-Id", "after-exit").body());
            log.await(line -> line.startsWith("REPORT RequestId: after-exit\t"));

            assertThat(before.at("/invocations").asInt()).as("the first answer: %s", before).isEqualTo(1);
            assertThat(crashed.status()).isEqualTo(200);
            assertThat(crashed.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            JsonNode error = JsonDocs.parse(crashed.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("Runtime.ExitError");
            assertThat(error.at("/errorMessage").asText())
                    .isEqualTo("RequestId: exit-1 Error: Runtime exited with error: exit status 3");
            assertThat(after.at("/invocations").asInt()).as("a fresh runtime has fresh static state").isEqualTo(1);
            assertThat(log.lines()).filteredOn(line -> line.contains("\tInit Duration: ")).hasSize(2);
        }
    }

    @Test
    void timeoutAnswersAtOnceKillsTheWholeProcessTreeAndStartsAFreshRuntime() {
        LogLines log = new LogLines();
        try (Shim shim = Shim.start(config(log).timeout(Duration.ofSeconds(1)).build())) {
            Invoker own = new Invoker(shim.invokeAddress());
            shim.readyFuture().orTimeout(60, TimeUnit.SECONDS).join();

            Invoker.Reply timedOut = own.invoke(event("action", "sleep", "seconds", 300), "Lamina-Request-Id", "slow-1");

            assertThat(timedOut.status()).isEqualTo(200);
            assertThat(timedOut.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            JsonNode error = JsonDocs.parse(timedOut.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("Sandbox.Timedout");
            assertThat(error.at("/errorMessage").asText())
                    .isEqualTo("RequestId: slow-1 Error: Task timed out after 1.00 seconds");
            assertThat(log.await(line -> line.startsWith("REPORT RequestId: slow-1\t"))).endsWith("\tStatus: timeout");
            long childPid = Long.parseLong(log.await(line -> line.startsWith("child-pid=")).substring(10));
            awaitGone(childPid);

            Path file = taskRoot.resolve("timeout-" + UUID.randomUUID());
            JsonNode fresh = JsonDocs.parse(own.invoke(event("action", "counter", "file", file.toString())).body());
            assertThat(fresh.at("/invocations").asInt()).as("a fresh runtime has fresh static state").isEqualTo(1);
        }
    }

    @Test
    void initFailureIsReportedToTheNextCaller() {
        LogLines log = new LogLines();
        ShimConfig config = config(log)
                .runtimeCommand(Runtimes.javaRic("dev.lamina.shim.handlers.BrokenInit::handle"))
                .build();
        try (Shim shim = Shim.start(config)) {
            Invoker own = new Invoker(shim.invokeAddress());
            assertThatThrownBy(() -> shim.readyFuture().orTimeout(60, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(InitFailedException.class)
                    .hasMessage("java.lang.ExceptionInInitializerError: "
                            + "Error loading class dev.lamina.shim.handlers.BrokenInit");
            assertThat(shim.ready()).isFalse();
            assertThat(own.get("/ready").status()).isEqualTo(503);
            assertThat(JsonDocs.parse(own.get("/state").body()).at("/initError/errorType").asText())
                    .isEqualTo("java.lang.ExceptionInInitializerError");

            Invoker.Reply reply = own.invoke(event("action", "echo"));

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
            JsonNode error = JsonDocs.parse(reply.body());
            assertThat(error.at("/errorType").asText()).isEqualTo("java.lang.ExceptionInInitializerError");
            assertThat(error.at("/errorMessage").asText())
                    .isEqualTo("Error loading class dev.lamina.shim.handlers.BrokenInit");
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INIT_REPORT Init Duration: ")
                    && line.contains("\tPhase: init\tStatus: error"));
        }
    }

    @Test
    void multiConcurrencyServesTwoInvocationsAtOnceOnOneEnvironment() throws Exception {
        LogLines log = new LogLines();
        try (Shim shim = Shim.start(config(log).concurrency(2).build())) {
            Invoker own = new Invoker(shim.invokeAddress());
            Path dir = Files.createTempDirectory(taskRoot, "rendezvous");

            CompletableFuture<Invoker.Reply> a = own.invokeAsync(
                    event("action", "rendezvous", "dir", dir.toString(), "me", "a", "partner", "b"));
            CompletableFuture<Invoker.Reply> b = own.invokeAsync(
                    event("action", "rendezvous", "dir", dir.toString(), "me", "b", "partner", "a"));

            JsonNode first = JsonDocs.parse(a.get(90, TimeUnit.SECONDS).body());
            JsonNode second = JsonDocs.parse(b.get(90, TimeUnit.SECONDS).body());
            assertThat(shim.capacity()).isEqualTo(2);
            assertThat(first.at("/met").asBoolean()).as("a's answer: %s", first).isTrue();
            assertThat(second.at("/met").asBoolean()).as("b's answer: %s", second).isTrue();
            assertThat(first.at("/thread").asText()).isNotEqualTo(second.at("/thread").asText());
        }
    }

    private void awaitState(java.util.function.Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(JsonDocs.parse(invoker.get("/state").body()))) {
            assertThat(System.nanoTime()).as("state reached within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static void awaitGone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("process " + pid + " killed within 30 s").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
