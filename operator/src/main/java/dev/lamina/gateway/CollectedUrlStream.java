package dev.lamina.gateway;

import dev.lamina.shim.ShimContract;
import dev.lamina.urls.CorsRules;
import dev.lamina.urls.HttpAnswer;
import dev.lamina.urls.HttpHeader;
import dev.lamina.urls.StreamPrelude;
import dev.lamina.urls.UrlErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * A {@code BUFFERED} Function URL's answer when the function streams it anyway: collected, then answered whole, with
 * Lambda's 6 MB limit of buffered answers. A stream in the HTTP integration format ({@link StreamPrelude#CONTENT_TYPE})
 * takes its status, headers and cookies from its prelude, as a streamed answer would.
 */
final class CollectedUrlStream implements ResponseStream {

    private final HttpServerResponse response;
    private final CorsRules cors;
    private final String origin;
    private final Buffer body = Buffer.buffer();
    private String requestId;
    private String contentType;
    private boolean tooLarge;

    CollectedUrlStream(HttpServerResponse response, CorsRules cors, String origin) {
        this.response = response;
        this.cors = cors;
        this.origin = origin;
    }

    @Override
    public void start(String requestId, String executedVersion, String contentType) {
        this.requestId = requestId;
        this.contentType = contentType;
    }

    @Override
    public void write(Buffer chunk) {
        if (body.length() + chunk.length() > ShimContract.MAX_PAYLOAD_BYTES) {
            tooLarge = true;
        } else if (!tooLarge) {
            body.appendBuffer(chunk);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void drainHandler(Runnable handler) {
        // Never full: the stream is collected, up to the limit.
    }

    @Override
    public void end(Failure error, String logResult) {
        if (error != null || tooLarge) {
            FunctionUrlDoor.error(response, error != null ? UrlErrors.FUNCTION_ERROR : UrlErrors.INVALID_RESPONSE,
                    requestId);
            return;
        }
        if (!StreamPrelude.CONTENT_TYPE.equals(contentType)) {
            FunctionUrlDoor.write(response, new HttpAnswer(200, null,
                    List.of(new HttpHeader("Content-Type", contentType)), List.of(), body.getBytes()), cors, origin,
                    requestId);
            return;
        }
        StreamPrelude prelude = new StreamPrelude();
        switch (prelude.feed(body)) {
            case StreamPrelude.Fed.Head head when prelude.finish().isEmpty() -> FunctionUrlDoor.write(response,
                    new HttpAnswer(head.prelude().status(), head.prelude().statusDescription(),
                            head.prelude().headers(), head.prelude().cookies(), head.body().getBytes()),
                    cors, origin, requestId);
            default -> FunctionUrlDoor.error(response, UrlErrors.INVALID_RESPONSE, requestId);
        }
    }
}
