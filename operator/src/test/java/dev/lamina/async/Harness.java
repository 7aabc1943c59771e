package dev.lamina.async;

import dev.lamina.api.Destination;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.SqsTarget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Asynchronous invocation on a real store (by default in a temporary directory), with delays shrunk to milliseconds. */
final class Harness implements AutoCloseable {

    static final String NAMESPACE = "default";
    static final AsyncSettings FAST = AsyncSettings.defaults()
            .withFunctionErrorRetryDelays(Duration.ofMillis(100), Duration.ofMillis(200))
            .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .withMissingFunctionGrace(Duration.ofMillis(500))
            .withIdlePoll(Duration.ofMillis(100));

    final TestClock clock = new TestClock();
    final ScriptedFunctions functions = new ScriptedFunctions(clock);
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final AsyncInvocations async;

    Harness(Path dataDirectory) {
        this(dataDirectory, FAST);
    }

    Harness(Path dataDirectory, AsyncSettings settings) {
        this(clock -> SqliteEventStore.open(dataDirectory), settings);
    }

    /** On the store {@code storeFor} opens for the harness's clock. */
    Harness(Function<InstantSource, EventStore> storeFor, AsyncSettings settings) {
        async = AsyncInvocations.start(storeFor.apply(clock), settings,
                new AsyncInvocations.Collaborators(functions, functions, Sqs.CREDENTIALS, metrics, clock));
    }

    static FunctionSpec.Async config(Integer retries, Destination onSuccess, Destination onFailure, SqsTarget dlq) {
        return new FunctionSpec.Async(retries, null, onSuccess, onFailure, dlq);
    }

    static Destination webhook(Webhook hook) {
        return new Destination(null, null, new Destination.HttpTarget(hook.url()));
    }

    static Destination queue(SqsTarget target) {
        return new Destination(null, target, null);
    }

    static Destination function(String name) {
        return new Destination(name, null, null);
    }

    /** Sends an event and returns its request id; fails the test unless it was accepted. */
    String send(String function, String json) {
        return send(function, json, null);
    }

    String send(String function, String json, String traceHeader) {
        IntakeResult result = async.intake().accept(new FunctionRef(NAMESPACE, function, null),
                json.getBytes(StandardCharsets.UTF_8), traceHeader).join();
        if (!(result instanceof IntakeResult.Accepted accepted)) {
            throw new AssertionError("not accepted: " + result);
        }
        return accepted.requestId();
    }

    double count(String meter, String function) {
        Counter counter = metrics.find(meter).tag("function_name", function).counter();
        return counter == null ? 0 : counter.count();
    }

    double count(String meter, String function, String reason) {
        Counter counter = metrics.find(meter).tag("function_name", function).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Waits until the condition holds, failing after a generous 30 s. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        async.close();
    }
}
