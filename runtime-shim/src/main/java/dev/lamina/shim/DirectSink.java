package dev.lamina.shim;

import dev.lamina.shim.environment.FunctionError;
import dev.lamina.shim.environment.InvocationSink;
import dev.lamina.shim.environment.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * The answer of an in-process invocation: the same outcome the invoke endpoint writes as an HTTP response, handed
 * over as a {@link DirectReply}. A streamed response is collected, as a buffered invoke of a streaming function is.
 */
final class DirectSink implements InvocationSink {

    private static final DirectReply BUSY = new DirectReply(true, null, null, new byte[0]);

    private final CompletableFuture<DirectReply> reply;
    private ByteArrayOutputStream stream;

    DirectSink(CompletableFuture<DirectReply> reply) {
        this.reply = reply;
    }

    @Override
    public void busy() {
        reply.complete(BUSY);
    }

    @Override
    public void respond(Outcome outcome, byte[] tail) {
        switch (outcome) {
            case Outcome.Success success -> {
                ByteBuf body = success.body();
                try {
                    reply.complete(new DirectReply(false, null, logResult(tail), ByteBufUtil.getBytes(body)));
                } finally {
                    body.release();
                }
            }
            case Outcome.Failure failure -> reply.complete(
                    new DirectReply(false, ShimContract.UNHANDLED, logResult(tail), failure.error().body()));
        }
    }

    @Override
    public void startStream(String contentType) {
        stream = new ByteArrayOutputStream();
    }

    @Override
    public void streamChunk(ByteBuf chunk) {
        try {
            stream.writeBytes(ByteBufUtil.getBytes(chunk));
        } finally {
            chunk.release();
        }
    }

    @Override
    public void endStream(FunctionError error, byte[] tail) {
        reply.complete(error == null
                ? new DirectReply(false, null, logResult(tail), stream.toByteArray())
                : new DirectReply(false, ShimContract.UNHANDLED, logResult(tail), error.body()));
    }

    private static String logResult(byte[] tail) {
        return tail == null ? null : Base64.getEncoder().encodeToString(tail);
    }
}
