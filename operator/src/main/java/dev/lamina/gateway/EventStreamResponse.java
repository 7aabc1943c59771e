package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * The answer of {@code InvokeWithResponseStream}: HTTP 200 with a body of AWS event-stream messages
 * ({@code application/vnd.amazon.eventstream}), a {@code PayloadChunk} event per chunk of the function's response and
 * one {@code InvokeComplete} event at the end, with the error that cut the stream short ({@code ErrorCode}: its type,
 * {@code ErrorDetails}: its message) and the log tail ({@code LogResult}). The function's own content type is in
 * {@code X-Amzn-Remapped-Content-Type}. A buffered answer is sent the same way, as one chunk.
 */
final class EventStreamResponse implements ResponseStream {

    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    static final CharSequence REMAPPED_CONTENT_TYPE = HttpHeaders.createOptimized("X-Amzn-Remapped-Content-Type");
    private static final String JSON = "application/json";

    private final HttpServerResponse response;

    EventStreamResponse(HttpServerResponse response) {
        this.response = response;
    }

    @Override
    public void start(String requestId, String executedVersion, String contentType) {
        if (gone()) {
            return;
        }
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
                .putHeader(REMAPPED_CONTENT_TYPE, contentType)
                .putHeader(InvokeHeaders.AMZN_REQUEST_ID, requestId)
                .putHeader(InvokeHeaders.EXECUTED_VERSION, executedVersion);
        // The caller learns the stream started before its first chunk, however long that takes.
        response.writeHead();
    }

    @Override
    public void write(Buffer chunk) {
        if (!gone()) {
            response.write(event("PayloadChunk", "application/octet-stream", chunk.getBytes()));
        }
    }

    @Override
    public boolean writeQueueFull() {
        return !gone() && response.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable handler) {
        response.drainHandler(v -> handler.run());
    }

    @Override
    public void end(Failure error, String logResult) {
        if (gone()) {
            return;
        }
        JsonObject complete = new JsonObject();
        if (error != null) {
            complete.put("ErrorCode", error.errorType()).put("ErrorDetails", errorMessage(error.document()));
        }
        if (logResult != null) {
            complete.put("LogResult", logResult);
        }
        response.end(event("InvokeComplete", JSON, complete.toBuffer().getBytes()));
    }

    /** A function that answered buffered: its payload as the one chunk. */
    void whole(InvokeAnswer.Success success) {
        start(success.requestId(), success.executedVersion(), JSON);
        if (success.payload().length() > 0) {
            write(success.payload());
        }
        end(null, success.logResult());
    }

    /** A function that failed without streaming: no chunk, the error in {@code InvokeComplete}. */
    void whole(InvokeAnswer.FunctionError failure) {
        start(failure.requestId(), failure.executedVersion(), JSON);
        end(new Failure(errorType(failure.payload(), failure.errorType()), failure.payload()), failure.logResult());
    }

    private boolean gone() {
        return response.ended() || response.closed();
    }

    /** One event message: prelude (lengths and their CRC), headers, payload, CRC of the whole message. */
    static Buffer event(String eventType, String contentType, byte[] payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString(contentType));
        headers.put(":message-type", HeaderValue.fromString("event"));
        ByteBuffer encoded = new Message(headers, payload).toByteBuffer();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return Buffer.buffer(bytes);
    }

    private static String errorMessage(Buffer document) {
        JsonObject fields = fields(document);
        return fields != null && fields.getValue("errorMessage") instanceof String message ? message
                : document.toString();
    }

    private static String errorType(Buffer document, String fallback) {
        JsonObject fields = fields(document);
        return fields != null && fields.getValue("errorType") instanceof String type ? type : fallback;
    }

    private static JsonObject fields(Buffer document) {
        try {
            return document.length() == 0 ? null : new JsonObject(document);
        } catch (DecodeException | ClassCastException notAnObject) {
            return null;
        }
    }
}
