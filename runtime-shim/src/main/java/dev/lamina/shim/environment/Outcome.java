package dev.lamina.shim.environment;

import io.netty.buffer.ByteBuf;

/** How an invocation ended. */
public sealed interface Outcome {

    /** The runtime's response; the body is empty for a completed stream (its chunks went out already). */
    record Success(ByteBuf body) implements Outcome {
    }

    record Failure(FunctionError error) implements Outcome {
    }
}
