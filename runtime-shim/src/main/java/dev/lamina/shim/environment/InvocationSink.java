package dev.lamina.shim.environment;

import io.netty.buffer.ByteBuf;

/**
 * The caller's side of one invocation: where its answer goes. Called on the shim's event loop. An invocation gets
 * exactly one {@link #respond}, or a {@link #startStream} followed by chunks and one {@link #endStream}, or one
 * {@link #busy}.
 */
public interface InvocationSink {

    /** Every slot was taken and the caller asked not to wait: the invocation was refused and never ran. */
    void busy();

    /** The whole answer; {@code tail} is the invocation's log tail when the caller asked for it, else null. */
    void respond(Outcome outcome, byte[] tail);

    /** The runtime started a streamed response with this content type. */
    void startStream(String contentType);

    /** One chunk of a streamed response; the sink owns (and releases) the buffer. */
    void streamChunk(ByteBuf chunk);

    /** The stream ended, with the error to pass on as trailers (null when it succeeded). */
    void endStream(FunctionError error, byte[] tail);

    /** False while the caller's connection cannot take more data without buffering; a sink without one never is. */
    default boolean writable() {
        return true;
    }

    /** Runs the action once the caller's connection is writable again (at once for a sink without one). */
    default void whenWritable(Runnable action) {
        action.run();
    }
}
