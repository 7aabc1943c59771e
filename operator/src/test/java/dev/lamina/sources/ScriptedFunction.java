package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AsyncFunctions;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.FunctionInvoker;
import dev.lamina.async.FunctionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

/**
 * Stands in for the gateway: one function that answers each event by a script, and a log of every event it got.
 * It exists while {@link #deployed}, and counts how many of its invocations run at once.
 */
final class ScriptedFunction implements AsyncFunctions, FunctionInvoker {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the function answers an event. */
    @FunctionalInterface
    interface Script {
        AttemptOutcome answer(Event event) throws Exception;
    }

    /** One event the function got. */
    record Event(FunctionRef function, JsonNode json, int size, String requestId) {
        List<JsonNode> records() {
            return StreamSupport.stream(json.get("Records").spliterator(), false).toList();
        }

        List<String> bodies() {
            return records().stream().map(r -> r.get("body").asText()).toList();
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    volatile Script script = event -> ok("");
    volatile boolean deployed = true;
    volatile Integer reservedConcurrency;

    static AttemptOutcome.Success ok(String response) {
        return new AttemptOutcome.Success("$LATEST", response.getBytes(StandardCharsets.UTF_8));
    }

    static AttemptOutcome.FunctionError error() {
        return new AttemptOutcome.FunctionError("$LATEST", "Unhandled",
                "{\"errorMessage\":\"failed\",\"errorType\":\"RuntimeException\"}".getBytes(StandardCharsets.UTF_8));
    }

    static AttemptOutcome.Throttled throttled() {
        return new AttemptOutcome.Throttled("ReservedFunctionConcurrentInvocationLimitExceeded", "Rate Exceeded.");
    }

    /** A partial batch response reporting these message ids. */
    static AttemptOutcome.Success failures(List<String> messageIds) {
        StringBuilder response = new StringBuilder("{\"batchItemFailures\":[");
        for (int i = 0; i < messageIds.size(); i++) {
            response.append(i == 0 ? "" : ",").append("{\"itemIdentifier\":\"").append(messageIds.get(i))
                    .append("\"}");
        }
        return ok(response.append("]}").toString());
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** The bodies of every record of every event, in the order they came. */
    List<String> bodies() {
        return events.stream().flatMap(e -> e.bodies().stream()).toList();
    }

    int mostRunning() {
        return mostRunning.get();
    }

    @Override
    public Optional<AsyncFunction> find(FunctionRef function) {
        return deployed
                ? Optional.of(new AsyncFunction("arn:aws:lambda:us-east-1:000000000000:function:" + function.name(),
                null, reservedConcurrency))
                : Optional.empty();
    }

    @Override
    public AttemptOutcome invoke(FunctionRef function, byte[] payload, String requestId, String traceHeader) {
        if (!deployed) {
            return new AttemptOutcome.NotFound("Function not found: " + function);
        }
        Event event;
        try {
            event = new Event(function, JSON.readTree(payload), payload.length, requestId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events.add(event);
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            return script.answer(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            running.decrementAndGet();
        }
    }
}
