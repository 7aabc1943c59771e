package dev.lamina.shim.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Collects a body up to a limit. Past the limit the collected part is dropped and the rest is read and discarded, so
 * the connection stays usable and the answer (413) can follow the whole request.
 */
final class BufferedBody implements Body {

    /** Receives the complete body (owned by the receiver), or null with {@code overflow} when it was too large. */
    interface Receiver {
        void received(ByteBuf body, boolean overflow, HttpHeaders trailers);
    }

    private final long limit;
    private final Receiver receiver;
    private CompositeByteBuf collected;
    private long size;

    BufferedBody(ByteBufAllocator allocator, long limit, Receiver receiver) {
        this.limit = limit;
        this.receiver = receiver;
        this.collected = allocator.compositeBuffer(1024);
    }

    @Override
    public void content(ByteBuf content) {
        size += content.readableBytes();
        if (collected == null || !content.isReadable()) {
            return;
        }
        if (size > limit) {
            collected.release();
            collected = null;
            return;
        }
        collected.addComponent(true, content.retain());
    }

    @Override
    public void end(HttpHeaders trailers) {
        ByteBuf body = collected;
        collected = null;
        receiver.received(body, body == null, trailers);
    }

    @Override
    public void aborted() {
        if (collected != null) {
            collected.release();
            collected = null;
        }
    }
}
