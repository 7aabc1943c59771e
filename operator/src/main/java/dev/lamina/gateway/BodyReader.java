package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request's body up to a limit, on the event loop. Past the limit it reads on and discards, so the caller
 * can still answer (413) on a connection that stays usable.
 */
final class BodyReader {

    private final Buffer body;
    private final int limit;
    private boolean tooLarge;

    private BodyReader(int expected, int limit) {
        this.body = Buffer.buffer(expected);
        this.limit = limit;
    }

    /** Calls {@code then} with the whole body, or with null when it is larger than {@code limit} bytes. */
    static void read(HttpServerRequest request, int limit, Consumer<Buffer> then) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        BodyReader reader = new BodyReader((int) Math.min(Math.max(0, parseOrZero(length)), limit), limit);
        request.handler(reader::append);
        request.endHandler(end -> then.accept(reader.tooLarge ? null : reader.body));
        request.resume();
    }

    private void append(Buffer chunk) {
        if (!tooLarge && body.length() + chunk.length() > limit) {
            tooLarge = true;
        }
        if (!tooLarge) {
            body.appendBuffer(chunk);
        }
    }

    private static long parseOrZero(String number) {
        if (number == null) {
            return 256;
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
