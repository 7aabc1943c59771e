package dev.lamina.shim.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/** What a handler does with the body of the request being read. */
interface Body {

    /** One piece of the body; the buffer is released after the call, so retain what you keep. */
    void content(ByteBuf content);

    /** The body is complete; {@code trailers} are the chunked trailers (empty when there were none). */
    void end(HttpHeaders trailers);

    /** The connection broke before the body was complete. */
    default void aborted() {
    }

    /** A body to ignore; {@code atEnd} runs once it has been read. */
    static Body ignored(Runnable atEnd) {
        return new Body() {
            @Override
            public void content(ByteBuf content) {
            }

            @Override
            public void end(HttpHeaders trailers) {
                atEnd.run();
            }
        };
    }
}
