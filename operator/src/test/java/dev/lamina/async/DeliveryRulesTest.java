package dev.lamina.async;

import static dev.lamina.async.Harness.config;
import static dev.lamina.async.Harness.eventually;
import static dev.lamina.async.Harness.function;
import static dev.lamina.async.Harness.webhook;
import static dev.lamina.async.ScriptedFunctions.error;
import static dev.lamina.async.ScriptedFunctions.ok;
import static dev.lamina.async.ScriptedFunctions.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.api.FunctionSpec;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lambda's retry, backoff, event-age, reserved-concurrency and recursion rules, end to end through the real store. */
class DeliveryRulesTest extends HarnessFixture {

    /** The time between two attempts on the clock delivery schedules them by (no second clock to round against). */
    private static Duration between(ScriptedFunctions.Call earlier, ScriptedFunctions.Call later) {
        return Duration.between(earlier.at(), later.at());
    }

    @ParameterizedTest(name = "maximumRetryAttempts = {0}")
    @ValueSource(ints = {0, 1, 2})
    void aFunctionErrorIsRetriedMaximumRetryAttemptsTimesAfterTheConfiguredDelays(int retries) throws Exception {
        async.functions.deploy("fails", config(retries, null, webhook(hook), null), (n, call) -> error("boom " + n));

        String requestId = async.send("fails", "{\"order\":7}");
        JsonNode record = json(hook.next());

        List<ScriptedFunctions.Call> calls = async.functions.calls("fails");
        assertThat(calls).hasSize(retries + 1).allSatisfy(call -> {
            assertThat(call.requestId()).as("every attempt keeps the request id").isEqualTo(requestId);
            assertThat(call.payload()).isEqualTo("{\"order\":7}");
        });
        for (int retry = 1; retry <= retries; retry++) {
            assertThat(between(calls.get(retry - 1), calls.get(retry)))
                    .as("retry %d waits at least its configured delay", retry)
                    .isGreaterThanOrEqualTo(Harness.FAST.functionErrorRetryDelay(retry));
        }
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(retries + 1);
        assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("boom " + (retries + 1));
        assertThat(async.count(AsyncMetrics.DROPPED, "fails", "RetriesExhausted")).isEqualTo(1);
    }

    @Test
    void aFunctionErrorFollowedBySuccessIsReportedAsSuccessWithBothInvocationsCounted() throws Exception {
        async.functions.deploy("flaky", config(2, webhook(hook), null, null),
                (n, call) -> n == 1 ? error("first try") : ok("{\"done\":true}"));

        async.send("flaky", "{}");
        JsonNode record = json(hook.next());

        assertThat(async.functions.calls("flaky")).hasSize(2);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.at("/responseContext/functionError").isMissingNode()).isTrue();
        assertThat(record.at("/responsePayload/done").asBoolean()).isTrue();
    }

    @Test
    void throttledEventsAreDeliveredLaterWithBackoffAndWithoutSpendingRetryAttempts() throws Exception {
        async.functions.deploy("busy", config(0, webhook(hook), null, null),
                (n, call) -> n <= 3 ? throttled() : ok("\"finally\""));

        async.send("busy", "{\"job\":1}");
        JsonNode record = json(hook.next());

        List<ScriptedFunctions.Call> calls = async.functions.calls("busy");
        assertThat(calls).hasSize(4);
        for (int failure = 1; failure <= 3; failure++) {
            assertThat(between(calls.get(failure - 1), calls.get(failure)))
                    .as("backoff after throttle %d", failure)
                    .isGreaterThanOrEqualTo(Harness.FAST.backoff(failure));
        }
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt())
                .as("throttled attempts never reached the function").isEqualTo(1);
        assertThat(record.at("/responsePayload").asText()).isEqualTo("finally");
    }

    @Test
    void platformErrorsAreRetriedWithBackoffLikeThrottles() throws Exception {
        async.functions.deploy("shaky", config(0, webhook(hook), null, null), (n, call) -> n <= 2
                ? new AttemptOutcome.PlatformError(502, "ServiceException", "the execution environment went away")
                : ok("{}"));

        async.send("shaky", "{}");
        JsonNode record = json(hook.next());

        assertThat(async.functions.calls("shaky")).hasSize(3);
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
    }

    @Test
    void anEventOlderThanMaximumEventAgeIsNotInvokedAgainAndIsReportedAsEventAgeExceeded() throws Exception {
        FunctionSpec.Async oneMinute = new FunctionSpec.Async(2, 60, null, webhook(hook), null);
        async.functions.deploy("saturated", oneMinute, (n, call) -> throttled());

        async.send("saturated", "{}");
        eventually("a throttled attempt", () -> async.functions.calls("saturated").size() >= 1);
        async.clock.advance(Duration.ofSeconds(61));
        JsonNode record = json(hook.next());
        int attempts = async.functions.calls("saturated").size();

        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("EventAgeExceeded");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isZero();
        assertThat(record.at("/responseContext/statusCode").asInt()).isEqualTo(429);
        assertThat(record.at("/responsePayload/errorType").asText()).isEqualTo("TooManyRequestsException");
        assertThat(async.count(AsyncMetrics.DROPPED, "saturated", "EventAgeExceeded")).isEqualTo(1);
        Timer age = async.metrics.find(AsyncMetrics.AGE).tag("function_name", "saturated").timer();
        assertThat(age).isNotNull();
        assertThat(age.count()).isEqualTo(attempts);
        assertThat(hook.poll(300)).as("nothing further is sent").isNull();
        assertThat(async.functions.calls("saturated")).as("no attempt after expiry").hasSize(attempts);
    }

    @Test
    void aBacklogDrainsWithinReservedConcurrencyWithoutThrottlesAndOtherFunctionsGoOnMeanwhile() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger overLimit = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        async.functions.deploy("paced", config(0, null, null, null), 4, (n, call) -> {
            int now = running.incrementAndGet();
            try {
                most.accumulateAndGet(now, Math::max);
                if (now > 4) {
                    overLimit.incrementAndGet();
                    return throttled();
                }
                release.await(30, TimeUnit.SECONDS);
                return ok("{}");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        });
        async.functions.deploy("other", config(0, null, null, null), (n, call) -> ok("{}"));

        for (int i = 0; i < 100; i++) {
            async.send("paced", "{\"n\":" + i + "}");
        }
        eventually("the reserved concurrency filled", () -> running.get() == 4);
        async.send("other", "{}");
        eventually("another function's event delivered while the backlog waits",
                () -> async.functions.calls("other").size() == 1);
        assertThat(async.functions.calls("paced")).as("only as many attempts as the reservation allows").hasSize(4);
        release.countDown();
        eventually("the backlog drained", () -> async.functions.calls("paced").size() >= 100);

        assertThat(overLimit.get()).as("attempts beyond the reserved concurrency (throttled)").isZero();
        assertThat(most.get()).isEqualTo(4);
        assertThat(async.functions.calls("paced")).as("one attempt per event").hasSize(100);
    }

    @Test
    void reservedConcurrencyZeroSendsEventsStraightToFailureHandling() throws Exception {
        async.functions.deploy("disabled", config(2, null, webhook(hook), null), 0,
                (n, call) -> { throw new AssertionError("a function with reserved concurrency 0 is never invoked"); });

        async.send("disabled", "{\"x\":1}");
        JsonNode record = json(hook.next());

        assertThat(async.functions.calls("disabled")).isEmpty();
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isZero();
        assertThat(record.at("/responseContext/statusCode").asInt()).isEqualTo(429);
        assertThat(record.at("/requestPayload/x").asInt()).isEqualTo(1);
    }

    @Test
    void aSuccessDestinationThatLoopsBackIsStoppedAfter16Invocations() throws Exception {
        async.functions.deploy("loop", config(2, function("loop"), webhook(hook), null), (n, call) -> ok("{\"n\":" + n + "}"));

        async.send("loop", "{\"start\":true}");
        JsonNode stopped = json(hook.next());

        List<ScriptedFunctions.Call> calls = async.functions.calls("loop");
        assertThat(calls).hasSize(TraceHeader.MAX_RECURSION);
        FunctionRef loop = new FunctionRef(Harness.NAMESPACE, "loop", null);
        assertThat(calls).extracting(call -> TraceHeader.parse(call.traceHeader()).count(loop))
                .as("the lineage the function sees counts its invocations in the chain")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, TraceHeader.MAX_RECURSION).boxed().toList());
        assertThat(calls.get(1).payload()).as("the destination gets the success record")
                .contains("\"condition\":\"Success\"").contains("\"start\":true");
        assertThat(stopped.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(stopped.at("/responsePayload/errorType").asText()).isEqualTo("RecursiveInvocationException");
        assertThat(async.count(AsyncMetrics.RECURSIVE_DROPPED, "loop")).isEqualTo(1);
        assertThat(hook.poll(300)).isNull();
        assertThat(async.functions.calls("loop")).hasSize(TraceHeader.MAX_RECURSION);
    }

    @Test
    void aFunctionInvokingItselfThroughTheInvokeApiIsStoppedAfter16Invocations() throws Exception {
        // The function does what an AWS SDK does inside Lambda: it sends its own trace header on its Invoke call.
        async.functions.deploy("self", config(0, null, null, null), (n, call) -> {
            async.send("self", "{\"generation\":" + n + "}", call.traceHeader());
            return ok("{}");
        });

        async.send("self", "{\"generation\":0}");
        eventually("the loop is stopped", () -> async.count(AsyncMetrics.RECURSIVE_DROPPED, "self") == 1);

        assertThat(async.functions.calls("self")).hasSize(TraceHeader.MAX_RECURSION);
        assertThat(async.count(AsyncMetrics.RECEIVED, "self")).isEqualTo(TraceHeader.MAX_RECURSION + 1);
    }

    @Test
    void aChainThroughDifferentFunctionsIsNotALoop() throws Exception {
        int length = TraceHeader.MAX_RECURSION + 4;
        for (int i = 0; i < length; i++) {
            String next = i + 1 < length ? "step" + (i + 1) : null;
            async.functions.deploy("step" + i,
                    config(0, next == null ? webhook(hook) : function(next), null, null), (n, call) -> ok("{}"));
        }

        async.send("step0", "{}");
        JsonNode last = json(hook.next());

        assertThat(last.at("/requestContext/functionArn").asText()).isEqualTo(ScriptedFunctions.arn("step" + (length - 1)));
        assertThat(async.functions.calls()).hasSize(length);
    }

    @Test
    void eventsOfAFunctionMissingOnlyBrieflyAreKeptAsAfterARestartBeforeTheGatewayKnowsItsFunctions() throws Exception {
        try (var patient = harness(Harness.FAST.withMissingFunctionGrace(Duration.ofMinutes(10)))) {
            var config = config(2, webhook(hook), null, null);
            patient.functions.deploy("reloading", config, (n, call) -> error("not yet"));
            patient.send("reloading", "{\"keep\":1}");
            eventually("the first attempt", () -> patient.functions.calls("reloading").size() == 1);
            patient.functions.remove("reloading");
            Thread.sleep(300); // several attempts find no function meanwhile
            patient.functions.deploy("reloading", config, (n, call) -> ok("{}"));

            JsonNode record = json(hook.next());

            assertThat(record.at("/requestContext/condition").asText()).isEqualTo("Success");
            assertThat(record.at("/requestPayload/keep").asInt()).isEqualTo(1);
            assertThat(patient.count(AsyncMetrics.DROPPED, "reloading", "FunctionNotFound")).isZero();
        }
    }

    @Test
    void eventsOfAFunctionDeletedWhileTheyWaitAreDroppedAndCounted() throws Exception {
        async.functions.deploy("doomed", config(2, null, webhook(hook), null), (n, call) -> error("failing"));

        async.send("doomed", "{}");
        eventually("the first attempt", () -> async.functions.calls("doomed").size() == 1);
        async.functions.remove("doomed");
        eventually("the event is dropped", () -> async.count(AsyncMetrics.DROPPED, "doomed", "FunctionNotFound") == 1);

        assertThat(async.functions.calls("doomed")).hasSize(1);
        assertThat(hook.poll(100)).as("a deleted function's destinations are gone with it").isNull();
    }
}
