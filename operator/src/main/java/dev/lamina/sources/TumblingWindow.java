package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A shard's tumbling window, as Lambda keeps it: windows are aligned to multiples of their length and a record belongs
 * to the one its arrival time falls in. Each invocation gets the state the previous one of the window returned; the
 * window ends with an invocation marked {@code isFinalInvokeForWindow}, after which the state is dropped. A state
 * over 1 MB ends the window early: that invocation is marked {@code isWindowTerminatedEarly} too, and the window goes
 * on with a fresh state.
 */
final class TumblingWindow {
    static final int MAX_STATE_BYTES = 1_048_576;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The window fields of one invocation's event. */
    record Invocation(Instant start, Instant end, JsonNode state, boolean isFinal, boolean terminatedEarly) {

        /** Adds Lambda's window fields to an event. */
        void addTo(ObjectNode event, String shardId, String eventSourceArn) {
            ObjectNode window = event.putObject("window");
            window.put("start", start.toString());
            window.put("end", end.toString());
            event.set("state", state);
            event.put("shardId", shardId);
            event.put("eventSourceARN", eventSourceArn);
            event.put("isFinalInvokeForWindow", isFinal);
            event.put("isWindowTerminatedEarly", terminatedEarly);
        }
    }

    private final long lengthMillis;
    /** The open window's start, or -1 while none is open. */
    private long start = -1;
    private JsonNode state = JSON.createObjectNode();

    TumblingWindow(Duration length) {
        this.lengthMillis = length.toMillis();
    }

    /** The start of the window a record arriving at this time belongs to. */
    long windowOf(long arrivalMillis) {
        return Math.floorDiv(arrivalMillis, lengthMillis) * lengthMillis;
    }

    boolean isOpen() {
        return start >= 0;
    }

    /** The open window's start; only while one is open. */
    long start() {
        return start;
    }

    /** The open window's end; only while one is open. */
    long end() {
        return start + lengthMillis;
    }

    /** The fields of an invocation with records of the window starting at {@code windowStart}, opening it. */
    Invocation batch(long windowStart) {
        start = windowStart;
        return invocation(false, false);
    }

    /** The fields of the open window's final invocation. */
    Invocation last() {
        return invocation(true, false);
    }

    /** The fields of the invocation that ends the open window early, its state having grown over 1 MB. */
    Invocation terminatedEarly() {
        return invocation(true, true);
    }

    private Invocation invocation(boolean isFinal, boolean early) {
        return new Invocation(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end()), state, isFinal, early);
    }

    /**
     * Keeps the state a successful invocation returned.
     *
     * @return false when the response has no {@code state} object: Lambda counts that invocation as failed
     */
    boolean carry(byte[] response) {
        JsonNode answer;
        try {
            answer = response == null || response.length == 0 ? null : JSON.readTree(response);
        } catch (IOException e) {
            return false;
        }
        JsonNode next = answer == null ? null : answer.get("state");
        if (next == null || !next.isObject()) {
            return false;
        }
        state = next;
        return true;
    }

    /** Whether the state outgrew what Lambda keeps per shard. */
    boolean stateTooLarge() {
        return state.toString().getBytes(StandardCharsets.UTF_8).length > MAX_STATE_BYTES;
    }

    /** Forgets the state: the window closed, or ended early and goes on afresh. */
    void reset(boolean closed) {
        state = JSON.createObjectNode();
        if (closed) {
            start = -1;
        }
    }
}
