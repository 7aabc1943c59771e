package dev.lamina.gateway;

import dev.lamina.urls.CorsRules;
import dev.lamina.urls.HttpAnswer;
import dev.lamina.urls.StreamPrelude;
import dev.lamina.urls.UrlErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * A {@code RESPONSE_STREAM} Function URL's answer, written as the function streams it. A stream in the HTTP
 * integration format ({@link StreamPrelude#CONTENT_TYPE}) sets the status, headers and cookies from its prelude; any
 * other is a 200 with the function's content type. Nothing is collected: each chunk is written (and flushed) as it
 * arrives, and the function's writes wait while the client reads slower. A stream that fails before anything was
 * sent gets the Function URL's error answer; one that fails after is cut off (the connection closes without the
 * final chunk), so the client sees an incomplete answer rather than a complete-looking one.
 */
final class UrlResponseStream implements ResponseStream {

    private final HttpServerResponse response;
    private final CorsRules cors;
    private final String origin;
    private String requestId;
    /** Non-null while the prelude of an HTTP integration response is being read. */
    private StreamPrelude prelude;
    private boolean gone;

    UrlResponseStream(HttpServerResponse response, CorsRules cors, String origin) {
        this.response = response;
        this.cors = cors;
        this.origin = origin;
        response.closeHandler(v -> gone = true);
    }

    @Override
    public void start(String requestId, String executedVersion, String contentType) {
        this.requestId = requestId;
        if (StreamPrelude.CONTENT_TYPE.equals(contentType)) {
            prelude = new StreamPrelude();
        } else {
            begin(new HttpAnswer(200, null, List.of(), List.of(), new byte[0]), contentType);
        }
    }

    @Override
    public void write(Buffer chunk) {
        if (gone) {
            return;
        }
        if (prelude == null) {
            response.write(chunk);
            return;
        }
        switch (prelude.feed(chunk)) {
            case StreamPrelude.Fed.Waiting waiting -> {
            }
            case StreamPrelude.Fed.Head head -> {
                prelude = null;
                begin(head.prelude(), null);
                if (head.body().length() > 0) {
                    response.write(head.body());
                }
            }
            case StreamPrelude.Fed.Body body -> response.write(body.body());
            case StreamPrelude.Fed.Invalid invalid -> {
                FunctionUrlDoor.error(response, UrlErrors.INVALID_RESPONSE, requestId);
                gone = true;
            }
        }
    }

    @Override
    public boolean writeQueueFull() {
        return !gone && response.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable handler) {
        response.drainHandler(v -> handler.run());
    }

    @Override
    public void end(Failure error, String logResult) {
        if (gone) {
            return;
        }
        if (!response.headWritten()) {
            boolean invalid = prelude != null && prelude.finish().isPresent();
            if (error != null || invalid) {
                FunctionUrlDoor.error(response, error != null ? UrlErrors.FUNCTION_ERROR : UrlErrors.INVALID_RESPONSE,
                        requestId);
            } else {
                begin(new HttpAnswer(200, null, List.of(), List.of(), new byte[0]), null);
                response.end();
            }
        } else if (error != null) {
            response.reset();
        } else {
            response.end();
        }
    }

    /** Sends the status line and headers at once, so the client has them before the first chunk. */
    private void begin(HttpAnswer head, String contentType) {
        response.setChunked(true);
        FunctionUrlDoor.head(response, head, cors, origin, requestId);
        if (contentType != null && !response.headers().contains(HttpHeaders.CONTENT_TYPE)) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        response.writeHead();
    }
}
