package dev.lamina.async;

import dev.lamina.api.FunctionSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the gateway in these tests: a set of deployed functions, each answering invocations by a script, and
 * a log of every invocation in the order they happened.
 */
final class ScriptedFunctions implements AsyncFunctions, FunctionInvoker {

    /** How a function answers its n-th invocation (1-based, counted per function). */
    @FunctionalInterface
    interface Script {
        AttemptOutcome answer(int n, Call call);
    }

    record Call(FunctionRef function, String payload, String requestId, String traceHeader, Instant at) {
    }

    private record Deployed(AsyncFunction function, Script script) {
    }

    private final Map<String, Deployed> deployed = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** The clock delivery schedules attempts by: calls are timed on it, so delays are compared on one clock. */
    private final InstantSource clock;

    ScriptedFunctions(InstantSource clock) {
        this.clock = clock;
    }

    void deploy(String name, FunctionSpec.Async config, Script script) {
        deploy(name, config, null, script);
    }

    void deploy(String name, FunctionSpec.Async config, Integer reservedConcurrency, Script script) {
        deployed.put(name, new Deployed(new AsyncFunction(arn(name), config, reservedConcurrency), script));
    }

    void remove(String name) {
        deployed.remove(name);
    }

    static String arn(String name) {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + name + ":$LATEST";
    }

    static AttemptOutcome.Success ok(String json) {
        return new AttemptOutcome.Success("$LATEST", json.getBytes(StandardCharsets.UTF_8));
    }

    static AttemptOutcome.FunctionError error(String message) {
        return new AttemptOutcome.FunctionError("$LATEST", "Unhandled",
                ("{\"errorMessage\":\"" + message + "\",\"errorType\":\"RuntimeException\"}").getBytes(StandardCharsets.UTF_8));
    }

    static AttemptOutcome.Throttled throttled() {
        return new AttemptOutcome.Throttled("ReservedFunctionConcurrentInvocationLimitExceeded", "Rate Exceeded.");
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String function) {
        return calls.stream().filter(c -> c.function().name().equals(function)).toList();
    }

    @Override
    public Optional<AsyncFunction> find(FunctionRef function) {
        return Optional.ofNullable(deployed.get(function.name())).map(Deployed::function);
    }

    @Override
    public AttemptOutcome invoke(FunctionRef function, byte[] payload, String requestId, String traceHeader) {
        Deployed target = deployed.get(function.name());
        if (target == null) {
            return new AttemptOutcome.NotFound("Function not found: " + function);
        }
        Call call = new Call(function, new String(payload, StandardCharsets.UTF_8), requestId, traceHeader, clock.instant());
        calls.add(call);
        return target.script().answer(counts.merge(function.name(), 1, Integer::sum), call);
    }
}
