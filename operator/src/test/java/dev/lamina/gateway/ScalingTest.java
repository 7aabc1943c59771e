package dev.lamina.gateway;

import static dev.lamina.gateway.Gateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Concurrency, autoscaling and the life of local mode's directory, through the real AWS SDK against bash functions
 * (src/test/resources/local-scaling) run by the runtime shim.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Scaling.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScalingTest {

    /** Generous: a bound on waiting for something that happens within a second or two on an idle machine. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(60);
    private static LambdaClient lambda;

    /** Where the function under test counts concurrent executions; fresh for every test. */
    private Path state;

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @BeforeEach
    void stateDirectory() throws Exception {
        state = Files.createTempDirectory("lamina-scaling-state-");
    }

    @AfterEach
    void removeStateDirectory() throws Exception {
        LocalModeProfile.delete(state);
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    private static InvokeResponse invoke(String function, String payload) {
        return lambda.invoke(b -> b.functionName(function).payload(json(payload)));
    }

    private static double environments(String function, String version, String state) {
        return Math.max(0, Gateway.metric("lamina_environments", "function_name=\"" + function + "\"",
                "executed_version=\"" + version + "\"", "state=\"" + state + "\""));
    }

    /** Outcome of one of many parallel calls: the response, or the throttle. */
    private record Call(InvokeResponse response, TooManyRequestsException throttle) {
    }

    private List<Call> parallel(int callers, String function, String payload) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Call>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    try {
                        return new Call(invoke(function, payload), null);
                    } catch (TooManyRequestsException e) {
                        return new Call(null, e);
                    }
                }));
            }
            start.countDown();
            List<Call> results = new ArrayList<>();
            for (Future<Call> call : calls) {
                results.add(call.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS));
            }
            return results;
        }
    }

    private int stateFile(String name) throws Exception {
        Path file = state.resolve(name);
        return Files.exists(file) ? Integer.parseInt(Files.readString(file).trim()) : 0;
    }

    @Test
    void reservedConcurrencyOfThreeNeverRunsMoreThanThreeAndThrottlesTheRest() throws Exception {
        List<Call> calls = parallel(20, "counter", "{\"sleep\":1,\"stateDir\":\"" + state + "\"}");

        List<Call> served = calls.stream().filter(c -> c.response() != null).toList();
        List<Call> throttled = calls.stream().filter(c -> c.throttle() != null).toList();
        assertThat(served.size() + throttled.size()).as("everybody got an answer").isEqualTo(20);
        assertThat(served).isNotEmpty().allSatisfy(c -> assertThat(c.response().functionError()).isNull());
        assertThat(throttled).isNotEmpty().allSatisfy(c -> {
            assertThat(c.throttle().statusCode()).isEqualTo(429);
            assertThat(c.throttle().reason())
                    .isEqualTo(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED);
            assertThat(c.throttle().retryAfterSeconds()).isEqualTo("1");
        });
        assertThat(stateFile("max")).as("most invocations running at once, measured inside the function")
                .isBetween(1, 3);
        assertThat(Files.readAllLines(state.resolve("executions"))).as("throttled calls never ran")
                .hasSize(served.size());
    }

    @Test
    void reservedConcurrencyZeroThrottlesEveryCall() {
        assertThatThrownBy(() -> invoke("throttled", "{}"))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> assertThat(e.reason())
                        .isEqualTo(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED));
        assertThat(Gateway.metric("lambda_throttles_total", "function_name=\"throttled\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBurstOfFiftyConcurrentCallsWithoutReservedLimitAllSucceed() throws Exception {
        List<Call> calls = parallel(50, "burst", "{\"sleep\":0.5,\"stateDir\":\"" + state + "\"}");
        assertThat(calls).hasSize(50).allSatisfy(c -> {
            assertThat(c.throttle()).isNull();
            assertThat(c.response().statusCode()).isEqualTo(200);
            assertThat(c.response().functionError()).isNull();
        });
        assertThat(Files.readAllLines(state.resolve("executions"))).hasSize(50);
    }

    @Test
    void scalesFromZeroForTheFirstCallAndBackToZeroWhenIdle() {
        await().atMost(EVENTUALLY).until(() -> environments("idle", "$LATEST", "ready") == 0
                && environments("idle", "$LATEST", "starting") == 0);
        InvokeResponse first = lambda.invoke(b -> b.functionName("idle").logType(LogType.TAIL).payload(json("{}")));
        assertThat(first.functionError()).isNull();
        assertThat(first.payload().asUtf8String()).contains("\"initializationType\":\"on-demand\"");
        assertThat(log(first)).as("a cold start").contains("Init Duration");

        await().atMost(EVENTUALLY).until(() -> environments("idle", "$LATEST", "ready") == 0
                && environments("idle", "$LATEST", "starting") == 0);
        InvokeResponse again = lambda.invoke(b -> b.functionName("idle").logType(LogType.TAIL).payload(json("{}")));
        assertThat(again.functionError()).isNull();
        assertThat(log(again)).as("the idle environment was stopped: another cold start").contains("Init Duration");
        assertThat(pid(again)).isNotEqualTo(pid(first));
    }

    @Test
    void aTimeoutIsAFunctionErrorAndTheFunctionKeepsServing() {
        InvokeResponse timedOut = invoke("slow", "{\"sleep\":10}");
        assertThat(timedOut.statusCode()).isEqualTo(200);
        assertThat(timedOut.functionError()).isNotEmpty();
        assertThat(timedOut.payload().asUtf8String()).contains("Task timed out after 3.00 seconds");
        InvokeResponse next = invoke("slow", "{}");
        assertThat(next.functionError()).isNull();
    }

    @Test
    void provisionedConcurrencyKeepsEnvironmentsInitialisedBeforeTraffic() {
        await().atMost(EVENTUALLY).until(() -> environments("provisioned", "1", "ready") == 2);
        InvokeResponse response = invoke("provisioned:warm", "{}");
        assertThat(response.executedVersion()).isEqualTo("1");
        assertThat(response.payload().asUtf8String()).contains("\"initializationType\":\"provisioned-concurrency\"");
        assertThat(environments("provisioned", "$LATEST", "ready")).as("only the alias's version").isZero();
    }

    @Test
    void anImageFunctionIsReportedNotRunnableWhileTheOthersServe() {
        FunctionConfiguration image = lambda.getFunction(b -> b.functionName("from-image")).configuration();
        assertThat(image.state()).isEqualTo(State.FAILED);
        assertThat(image.stateReason()).contains("cannot run the container image public.ecr.aws/lambda/java:21");
        assertThatThrownBy(() -> invoke("from-image", "{}"))
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("Failed").contains("container engine");
                });
        assertThat(invoke("burst", "{}").functionError()).isNull();
    }

    @Test
    void editingAFunctionPublishesAVersionAndABrokenEditKeepsTheLastGoodOne() throws Exception {
        Path dir = Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class));
        Path file = dir.resolve("editable.yaml");
        assertThat(invoke("editable", "{}").payload().asUtf8String()).contains("\"greeting\":\"first\"");
        String original = Files.readString(file);

        Files.writeString(file, original.replace("GREETING: first", "GREETING: second"));
        await().atMost(EVENTUALLY).until(() -> versions("editable").contains("2"));
        assertThat(invoke("editable:2", "{}").payload().asUtf8String()).contains("\"greeting\":\"second\"");
        assertThat(invoke("editable:1", "{}").payload().asUtf8String()).contains("\"greeting\":\"first\"");
        assertThat(invoke("editable", "{}").payload().asUtf8String()).contains("\"greeting\":\"second\"");

        Files.writeString(file, original.replace("GREETING: first", "GREETING: [unclosed"));
        await().atMost(EVENTUALLY).until(() -> lambda.getFunction(b -> b.functionName("editable")).configuration()
                .lastUpdateStatus() == LastUpdateStatus.FAILED);
        assertThat(lambda.getFunction(b -> b.functionName("editable")).configuration().lastUpdateStatusReason())
                .contains("editable.yaml");
        assertThat(versions("editable")).containsExactly("$LATEST", "1", "2");
        assertThat(invoke("editable", "{}").payload().asUtf8String()).contains("\"greeting\":\"second\"");

        // What the CRD refuses is refused with the API server's message, as kubectl apply refuses the edit.
        Files.writeString(file, original.replace("GREETING: first", "GREETING: second").stripTrailing()
                + "\n  memoryMB: 20000\n");
        await().atMost(EVENTUALLY).until(() -> lambda.getFunction(b -> b.functionName("editable")).configuration()
                .lastUpdateStatusReason().contains("memoryMB"));
        assertThat(lambda.getFunction(b -> b.functionName("editable")).configuration().lastUpdateStatusReason())
                .contains("The Function \"editable\" is invalid: spec.memoryMB: Invalid value: 20000:"
                        + " spec.memoryMB in body should be less than or equal to 10240");
        assertThat(versions("editable")).containsExactly("$LATEST", "1", "2");
        assertThat(invoke("editable", "{}").payload().asUtf8String()).contains("\"greeting\":\"second\"");

        Files.writeString(file, original.replace("GREETING: first", "GREETING: third"));
        await().atMost(EVENTUALLY).until(() -> versions("editable").contains("3"));
        assertThat(lambda.getFunction(b -> b.functionName("editable")).configuration().lastUpdateStatus())
                .isEqualTo(LastUpdateStatus.SUCCESSFUL);
    }

    private static List<String> versions(String function) {
        return lambda.listVersionsByFunction(b -> b.functionName(function)).versions().stream()
                .map(FunctionConfiguration::version).toList();
    }

    private static String log(InvokeResponse response) {
        return new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
    }

    private static String pid(InvokeResponse response) {
        String body = response.payload().asUtf8String();
        return body.replaceAll(".*\"pid\":(\\d+).*", "$1");
    }
}
