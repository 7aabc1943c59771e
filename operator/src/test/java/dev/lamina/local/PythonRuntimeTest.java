package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.lamina.shim.InitFailedException;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python functions under Lamina's Python runtime client, with the machine's python3, behind the real shim: what a
 * function author sees of handler resolution, the context, errors and logs, as AWS's Python runtime gives them.
 */
@Timeout(120)
class PythonRuntimeTest {

    private static final String RUNTIME = "python3.12";
    private static final String FUNCTION = "py-fn";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path runtimeDir;
    private static PythonRuntime python;

    @TempDir
    Path taskRoot;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void findPython() throws IOException {
        python = PythonRuntime.onPath(runtimeDir);
        PythonRuntime.Interpreter interpreter = python.interpreter(RUNTIME);
        assumeTrue(interpreter instanceof PythonRuntime.Found, () -> "these tests run Python functions with the"
                + " machine's python3, and there is none: " + ((PythonRuntime.Missing) interpreter).reason());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    // ---- handler resolution and init ---------------------------------------------------------------------------

    @Test
    void initRunsOnceThenEachInvocationCallsTheHandler() throws Exception {
        write("pkg/__init__.py", "");
        write("pkg/mod.py", """
                print("init ran")
                calls = 0

                def handler(event, context):
                    global calls
                    calls += 1
                    return {"calls": calls, "event": event}
                """);
        Shim shim = start("pkg/mod.handler", Map.of());

        Reply first = invoke(shim, "{\"n\":1}");
        Reply second = invoke(shim, "{\"n\":2}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().at("/calls").asInt()).isEqualTo(1);
        assertThat(second.json().at("/calls").asInt()).isEqualTo(2);
        assertThat(second.json().at("/event/n").asInt()).isEqualTo(2);
        assertThat(log).filteredOn("init ran"::equals).hasSize(1);
    }

    @Test
    void dottedPackageHandlerResolvesLikeTheSlashedOne() throws Exception {
        write("pkg/__init__.py", "");
        write("pkg/mod.py", "def handler(event, context):\n    return 'dotted'\n");
        Shim shim = start("pkg.mod.handler", Map.of());

        assertThat(invoke(shim, "{}").body()).isEqualTo("\"dotted\"");
    }

    // ---- the context object ------------------------------------------------------------------------------------

    @Test
    void contextCarriesWhatTheRuntimeApiSaid() throws Exception {
        write("ctx.py", """
                import os

                def handler(event, context):
                    cc = context.client_context
                    return {
                        "remaining": context.get_remaining_time_in_millis(),
                        "aws_request_id": context.aws_request_id,
                        "function_name": context.function_name,
                        "function_version": context.function_version,
                        "invoked_function_arn": context.invoked_function_arn,
                        "memory_limit_in_mb": context.memory_limit_in_mb,
                        "log_group_name": context.log_group_name,
                        "log_stream_name": context.log_stream_name,
                        "identity_id": context.identity.cognito_identity_id,
                        "identity_pool_id": context.identity.cognito_identity_pool_id,
                        "client_context": None if cc is None else {
                            "installation_id": cc.client.installation_id,
                            "app_title": cc.client.app_title,
                            "app_package_name": cc.client.app_package_name,
                            "custom": cc.custom,
                            "env": cc.env,
                        },
                        "execution_env": os.environ.get("AWS_EXECUTION_ENV"),
                        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
                    }
                """);
        Shim shim = start("ctx.handler", Map.of());
        String clientContext = Base64.getEncoder().encodeToString(("{\"client\": {\"installation_id\": \"inst-1\","
                + " \"app_title\": \"Lamina\"}, \"custom\": {\"tier\": \"gold\"}, \"env\": {\"platform\": \"linux\"}}")
                .getBytes(StandardCharsets.UTF_8));
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:py-fn:live";
        String trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        JsonNode full = invoke(shim, "{}", "Lamina-Request-Id", "req-ctx-1", "X-Amz-Client-Context", clientContext,
                "Lamina-Cognito-Identity", "{\"cognitoIdentityId\":\"id-1\",\"cognitoIdentityPoolId\":\"pool-1\"}",
                "Lamina-Invoked-Function-Arn", arn, "X-Amzn-Trace-Id", trace).json();
        JsonNode bare = invoke(shim, "{}").json();

        assertThat(full.at("/remaining").asLong()).isPositive().isLessThanOrEqualTo(10_000);
        assertThat(full.at("/aws_request_id").asText()).isEqualTo("req-ctx-1");
        assertThat(full.at("/function_name").asText()).isEqualTo(FUNCTION);
        assertThat(full.at("/function_version").asText()).isEqualTo("7");
        assertThat(full.at("/invoked_function_arn").asText()).isEqualTo(arn);
        assertThat(full.at("/memory_limit_in_mb").asText()).isEqualTo("256");
        assertThat(full.at("/log_group_name").asText()).isEqualTo("/aws/lambda/" + FUNCTION);
        assertThat(full.at("/log_stream_name").asText()).matches("\\d{4}/\\d\\d/\\d\\d/\\[7][0-9a-f]{32}");
        assertThat(full.at("/identity_id").asText()).isEqualTo("id-1");
        assertThat(full.at("/identity_pool_id").asText()).isEqualTo("pool-1");
        assertThat(full.at("/client_context/installation_id").asText()).isEqualTo("inst-1");
        assertThat(full.at("/client_context/app_title").asText()).isEqualTo("Lamina");
        assertThat(full.at("/client_context/app_package_name").isNull()).isTrue();
        assertThat(full.at("/client_context/custom/tier").asText()).isEqualTo("gold");
        assertThat(full.at("/client_context/env/platform").asText()).isEqualTo("linux");
        assertThat(full.at("/execution_env").asText()).isEqualTo("AWS_Lambda_" + RUNTIME);
        assertThat(full.at("/trace_id").asText()).isEqualTo(trace);
        assertThat(bare.at("/identity_id").isNull()).as("identity is there, empty").isTrue();
        assertThat(bare.at("/client_context").isNull()).isTrue();
        assertThat(bare.at("/invoked_function_arn").asText()).endsWith(":function:" + FUNCTION + ":7");
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    @Test
    void functionErrorHasAwsShapeAndIsLogged() throws Exception {
        write("app.py", """
                def check(event):
                    raise ValueError("bad input " + event["name"])

                def handler(event, context):
                    check(event)
                """);
        Shim shim = start("app.handler", Map.of());

        Reply reply = invoke(shim, "{\"name\":\"Ada\"}", "Lamina-Request-Id", "req-err-1", "X-Amz-Log-Type",
                "Tail");

        assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        JsonNode error = reply.json();
        assertThat(error.at("/errorType").asText()).isEqualTo("ValueError");
        assertThat(error.at("/errorMessage").asText()).isEqualTo("bad input Ada");
        assertThat(error.at("/requestId").asText()).isEqualTo("req-err-1");
        List<String> frames = new ArrayList<>();
        error.at("/stackTrace").forEach(frame -> frames.add(frame.asText()));
        assertThat(frames).as("the function's frames only, formatted as Python formats them").hasSize(2);
        assertThat(frames.get(0)).startsWith("  File \"" + taskRoot.resolve("app.py") + "\", line 5, in handler\n")
                .contains("check(event)");
        assertThat(frames.get(1)).contains("line 2, in check");
        assertThat(reply.tail()).contains("[ERROR] ValueError: bad input Ada\nTraceback (most recent call last):\n");
        assertThat(log).contains("[ERROR] ValueError: bad input Ada");
    }

    @Test
    void resultThatIsNotJsonIsAMarshalError() throws Exception {
        write("app.py", "def handler(event, context):\n    return {1, 2}\n");
        Shim shim = start("app.handler", Map.of());

        JsonNode error = invoke(shim, "{}").json();

        assertThat(error.at("/errorType").asText()).isEqualTo("Runtime.MarshalError");
        assertThat(error.at("/errorMessage").asText())
                .isEqualTo("Unable to marshal response: Object of type set is not JSON serializable");
        assertThat(error.at("/stackTrace").isArray()).isTrue();
    }

    static Stream<Arguments> initErrors() {
        return Stream.of(
                Arguments.of("missing.handler", "Runtime.ImportModuleError",
                        "Unable to import module 'missing': No module named 'missing'"),
                Arguments.of("app.absent", "Runtime.HandlerNotFound", "Handler 'absent' missing on module 'app'"),
                Arguments.of("app", "Runtime.MalformedHandlerName",
                        "Bad handler 'app': not enough values to unpack (expected 2, got 1)"),
                Arguments.of("broken.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'broken': "),
                Arguments.of("explodes.handler", "KeyError", "'CONFIG'"));
    }

    @ParameterizedTest
    @MethodSource("initErrors")
    void initErrorReachesTheCallerAsAwsNamesIt(String handler, String errorType, String messageStart)
            throws Exception {
        write("app.py", "def handler(event, context):\n    return 1\n");
        write("broken.py", "def handler(event, context:\n    return 1\n");
        write("explodes.py", "import os\nos.environ['CONFIG']\n");
        Shim shim = start(handler, Map.of());

        Reply reply = invoke(shim, "{}");

        assertThat(reply.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        assertThat(reply.json().at("/errorType").asText()).isEqualTo(errorType);
        assertThat(reply.json().at("/errorMessage").asText()).startsWith(messageStart);
        assertThat(shim.readyFuture()).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(InitFailedException.class);
        assertThat(log).anyMatch(line -> line.matches(
                "\\[WARNING]\t\\S+Z\t\tLAMBDA_WARNING: Unhandled exception\\..*"));
        assertThat(log).anyMatch(line -> line.startsWith("[ERROR] " + errorType + ": " + messageStart));
    }

    @Test
    void errorsArePostedWithTheirTypeInTheErrorTypeHeader() throws Exception {
        write("app.py", "def handler(event, context):\n    raise KeyError('k')\n");
        FakeRuntimeApi api = new FakeRuntimeApi();

        Posted invocationError = api.run(this, "app.handler").get(30, TimeUnit.SECONDS);
        Posted initError = new FakeRuntimeApi().run(this, "missing.handler").get(30, TimeUnit.SECONDS);

        assertThat(invocationError.path()).isEqualTo("/2018-06-01/runtime/invocation/req-fake-1/error");
        assertThat(invocationError.headers().getFirst("Lambda-Runtime-Function-Error-Type")).isEqualTo("KeyError");
        assertThat(JSON.readTree(invocationError.body()).at("/errorMessage").asText()).isEqualTo("'k'");
        assertThat(JSON.readTree(invocationError.headers().getFirst("Lambda-Runtime-Function-XRay-Error-Cause"))
                .at("/exceptions/0/type").asText()).isEqualTo("KeyError");
        assertThat(initError.path()).isEqualTo("/2018-06-01/runtime/init/error");
        assertThat(initError.headers().getFirst("Lambda-Runtime-Function-Error-Type"))
                .isEqualTo("Runtime.ImportModuleError");
        assertThat(JSON.readTree(initError.body()).at("/requestId").asText()).isEmpty();
    }

    // ---- logs --------------------------------------------------------------------------------------------------

    @Test
    void printAndLoggingLinesReachTheLogAndTheTailInAwsTextFormat() throws Exception {
        write("app.py", """
                import logging

                logger = logging.getLogger()
                logger.setLevel(logging.INFO)

                def handler(event, context):
                    print("printed line")
                    logger.info("info %s", "line")
                    logger.debug("not at this level")
                    return "ok"
                """);
        Shim shim = start("app.handler", Map.of());

        Reply reply = invoke(shim, "{}", "Lamina-Request-Id", "req-log-1", "X-Amz-Log-Type", "Tail");

        String logged = "\\[INFO]\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\treq-log-1\tinfo line";
        assertThat(reply.tail().lines()).contains("printed line").anyMatch(line -> line.matches(logged));
        assertThat(reply.tail()).doesNotContain("not at this level");
        assertThat(log).contains("printed line").anyMatch(line -> line.matches(logged));
    }

    @Test
    void jsonLogFormatWritesJsonLinesAtTheLevelAsked() throws Exception {
        write("app.py", """
                import logging

                def handler(event, context):
                    print("plain print")
                    logging.getLogger("orders").debug("debug line", extra={"order": 42})
                    raise ValueError("json fail")
                """);
        Shim shim = start("app.handler", Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "DEBUG"));

        Reply reply = invoke(shim, "{}", "Lamina-Request-Id", "req-json-1", "X-Amz-Log-Type", "Tail");

        List<String> lines = reply.tail().lines().toList();
        assertThat(lines).contains("plain print");
        JsonNode debug = JSON.readTree(lines.stream().filter(l -> l.contains("debug line")).findFirst().orElseThrow());
        assertThat(debug.at("/level").asText()).isEqualTo("DEBUG");
        assertThat(debug.at("/message").asText()).isEqualTo("debug line");
        assertThat(debug.at("/logger").asText()).isEqualTo("orders");
        assertThat(debug.at("/requestId").asText()).isEqualTo("req-json-1");
        assertThat(debug.at("/order").asInt()).isEqualTo(42);
        assertThat(debug.at("/timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode error = JSON.readTree(lines.stream().filter(l -> l.contains("json fail")).findFirst().orElseThrow());
        assertThat(error.at("/level").asText()).isEqualTo("ERROR");
        assertThat(error.at("/errorType").asText()).isEqualTo("ValueError");
        assertThat(error.at("/requestId").asText()).isEqualTo("req-json-1");
        assertThat(error.at("/stackTrace").isArray()).isTrue();
    }

    @Test
    void aLineReachesTheLogWhileTheHandlerStillRuns() throws Exception {
        Path gate = taskRoot.resolve("gate");
        write("app.py", """
                import os, time

                def handler(event, context):
                    print("waiting for the gate")
                    while not os.path.exists(%s):
                        time.sleep(0.01)
                    return "through"
                """.formatted("'" + gate + "'"));
        Shim shim = start("app.handler", Map.of());

        CompletableFuture<Reply> reply = invokeAsync(shim, "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> log.contains("waiting for the gate"));
        Files.createFile(gate);

        assertThat(reply.get(30, TimeUnit.SECONDS).body()).isEqualTo("\"through\"");
    }

    // ---- several invocations at once ------------------------------------------------------------------------------

    @Test
    void anEnvironmentServingTwoAtOnceRunsTwoInvocationsTogetherAfterOneInit() throws Exception {
        Path gate = taskRoot.resolve("gate");
        write("app.py", """
                import os, time
                print("init ran")

                def handler(event, context):
                    print("waiting in", os.getpid())
                    while not os.path.exists(%s):
                        time.sleep(0.01)
                    return os.getpid()
                """.formatted("'" + gate + "'"));
        Shim shim = start("app.handler", Map.of(), 2);

        CompletableFuture<Reply> first = invokeAsync(shim, "{}");
        CompletableFuture<Reply> second = invokeAsync(shim, "{}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(log).as("the function log")
                .filteredOn(line -> line.startsWith("waiting in ")).hasSize(2));
        Files.createFile(gate);

        long one = Long.parseLong(first.get(30, TimeUnit.SECONDS).body());
        long other = Long.parseLong(second.get(30, TimeUnit.SECONDS).body());
        assertThat(one).as("each invocation in its own process").isNotEqualTo(other);
        assertThat(log).filteredOn("init ran"::equals).hasSize(1);
    }

    @Test
    void aServingProcessThatDiesTakesTheRuntimeWithItAndANewOneServes() throws Exception {
        write("app.py", """
                import os

                def handler(event, context):
                    if event.get("die"):
                        os._exit(3)
                    return os.getpid()
                """);
        Shim shim = start("app.handler", Map.of(), 2);
        long before = Long.parseLong(invoke(shim, "{}").body());

        Reply died = invoke(shim, "{\"die\": true}");
        long after = Long.parseLong(invoke(shim, "{}").body());

        assertThat(died.json().at("/errorType").asText()).isEqualTo("Runtime.ExitError");
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(before).isEmpty());
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void aHandlerPastTheFunctionsMemoryIsKilledAsOnLambdaAndANewRuntimeServes() throws Exception {
        write("hog.py", """
                import os

                def handler(event, context):
                    held = b"x" * (event["mb"] << 20)
                    return {"pid": os.getpid(), "held": len(held) >> 20}
                """);
        Shim shim = start("hog.handler", Map.of());

        Reply within = invoke(shim, "{\"mb\": 64}");
        Reply past = invoke(shim, "{\"mb\": 400}", "Lamina-Request-Id", "hog-1");
        Reply after = invoke(shim, "{\"mb\": 64}");

        assertThat(within.header("X-Amz-Function-Error")).as(within.body()).isNull();
        assertThat(past.header("X-Amz-Function-Error")).isEqualTo("Unhandled");
        assertThat(past.json().at("/errorType").asText()).isEqualTo("Runtime.OutOfMemory");
        assertThat(past.json().at("/errorMessage").asText())
                .isEqualTo("RequestId: hog-1 Error: Runtime exited with error: signal: killed");
        await().atMost(Duration.ofSeconds(30)).until(() -> log.stream().anyMatch(line ->
                line.startsWith("REPORT RequestId: hog-1\t")));
        assertThat(log).filteredOn(line -> line.startsWith("REPORT RequestId: hog-1\t")).singleElement()
                .asString().contains("\tMemory Size: 256 MB\tMax Memory Used: 256 MB\tStatus: error"
                        + "\tError Type: Runtime.OutOfMemory");
        assertThat(after.json().at("/held").asInt()).isEqualTo(64);
        assertThat(after.json().at("/pid").asLong()).isNotEqualTo(within.json().at("/pid").asLong());
    }

    // ---- the interpreter ---------------------------------------------------------------------------------------

    @Test
    void withoutPythonTheFunctionIsNotRunnableAndSaysWhy(@TempDir Path empty, @TempDir Path dir) throws IOException {
        LocalRuntimes.Plan plan = new PythonRuntime(dir, List.of(empty)).plan("python3.13");

        assertThat(plan).isInstanceOfSatisfying(LocalRuntimes.NotRunnable.class, notRunnable -> {
            assertThat(notRunnable.state().reasonCode()).isEqualTo("InvalidRuntime");
            assertThat(notRunnable.state().reason()).contains("neither python3.13 nor python3 is on the PATH");
        });
    }

    @Test
    void anotherPythonVersionRunsWithAWarning(@TempDir Path bin, @TempDir Path dir) throws IOException {
        PythonRuntime.Found real = (PythonRuntime.Found) python.interpreter(RUNTIME);
        Path wrapper = Files.writeString(bin.resolve("python3"),
                "#!/bin/sh\nexec '" + real.executable() + "' \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        String other = real.version().startsWith("3.9.") ? "python3.10" : "python3.9";
        PythonRuntime runtime = new PythonRuntime(dir, List.of(bin));

        PythonRuntime.Interpreter found = runtime.interpreter(other);
        LocalRuntimes.Plan plan = runtime.plan(other);

        assertThat(found).isInstanceOfSatisfying(PythonRuntime.Found.class, f -> {
            assertThat(f.sameVersion()).isFalse();
            assertThat(f.version()).isEqualTo(real.version());
            assertThat(f.note()).startsWith(other + " functions run with Python " + real.version())
                    .contains("not Python " + other.substring("python".length()));
        });
        assertThat(plan).isInstanceOfSatisfying(LocalRuntimes.Runnable.class, runnable -> assertThat(
                runnable.command()).containsSubsequence(real.executable(), "-u", other));
    }

    @Test
    void thePythonOfTheFunctionsVersionRunsWithoutAWarning(@TempDir Path dir) throws IOException {
        PythonRuntime.Found real = (PythonRuntime.Found) python.interpreter(RUNTIME);
        String own = "python" + real.version().substring(0, real.version().lastIndexOf('.'));

        PythonRuntime.Interpreter found = PythonRuntime.onPath(dir).interpreter(own);

        assertThat(found).isInstanceOfSatisfying(PythonRuntime.Found.class, f -> {
            assertThat(f.sameVersion()).isTrue();
            assertThat(f.note()).isEqualTo(own + " functions run with Python " + real.version() + " ("
                    + f.executable() + ")");
        });
    }

    // ---- harness -----------------------------------------------------------------------------------------------

    private void write(String file, String content) throws IOException {
        Path path = taskRoot.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    private Shim start(String handler, Map<String, String> environment) {
        return start(handler, environment, 1);
    }

    private Shim start(String handler, Map<String, String> environment, int concurrency) {
        List<String> command = ((LocalRuntimes.Runnable) python.plan(RUNTIME)).command();
        Shim shim = Shim.start(ShimConfig.builder()
                .functionName(FUNCTION)
                .functionVersion("7")
                .memoryMb(256)
                .timeout(Duration.ofSeconds(10))
                .handler(handler)
                .workingDirectory(taskRoot)
                .runtimeCommand(command)
                .environment(environment)
                .concurrency(concurrency)
                .logSink(log::add)
                .build());
        toClose.add(shim);
        return shim;
    }

    record Reply(int status, HttpResponse<String> response) {
        String body() {
            return response.body();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body());
        }

        String tail() {
            String encoded = header("X-Amz-Log-Result");
            return encoded == null ? "" : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
    }

    private Reply invoke(Shim shim, String payload, String... headers) throws Exception {
        return invokeAsync(shim, payload, headers).get(CALL_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    }

    private CompletableFuture<Reply> invokeAsync(Shim shim, String payload, String... headers) {
        InetSocketAddress address = shim.invokeAddress();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                        + "/2015-03-31/functions/" + FUNCTION + "/invocations"))
                .timeout(CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Reply(response.statusCode(), response));
    }

    /** What the client posted to a Runtime API. */
    record Posted(String path, Headers headers, byte[] body) {
    }

    /**
     * A Runtime API that hands out one event and records the first error the client posts: to see exactly what the
     * client sends, which the shim reads but does not pass on.
     */
    private static final class FakeRuntimeApi {
        private final CompletableFuture<Posted> posted = new CompletableFuture<>();
        private boolean eventGiven;

        CompletableFuture<Posted> run(PythonRuntimeTest test, String handler) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/2018-06-01/runtime/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                if (path.endsWith("/invocation/next")) {
                    synchronized (this) {
                        if (eventGiven) {
                            return; // no second event: the client waits until it is stopped
                        }
                        eventGiven = true;
                    }
                    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "req-fake-1");
                    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                            Long.toString(System.currentTimeMillis() + 60_000));
                    exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    byte[] event = "{}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, event.length);
                    exchange.getResponseBody().write(event);
                    exchange.close();
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                posted.complete(new Posted(path, exchange.getRequestHeaders(), body));
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            });
            server.start();
            test.toClose.add(() -> server.stop(0));
            List<String> command = ((LocalRuntimes.Runnable) python.plan(RUNTIME)).command();
            ProcessBuilder builder = new ProcessBuilder(command).directory(test.taskRoot.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = builder.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
            env.put("_HANDLER", handler);
            env.put("LAMBDA_TASK_ROOT", test.taskRoot.toString());
            Process process = builder.start();
            test.toClose.add(() -> {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            });
            return posted;
        }
    }
}
