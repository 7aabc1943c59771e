package dev.lamina.shim;

import dev.lamina.shim.environment.FunctionError;
import dev.lamina.shim.environment.InvocationSink;
import dev.lamina.shim.environment.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The answer of an in-process invocation: the same outcome the invoke endpoint writes as an HTTP response, handed
 * over as a {@link DirectReply}. A streamed response goes to the invocation's {@link StreamReceiver} chunk by chunk;
 * without one it is collected, as a buffered invoke of a streaming function is.
 */
final class DirectSink implements InvocationSink {

    private static final DirectReply BUSY = new DirectReply(true, null, null, null, new byte[0]);

    private final CompletableFuture<DirectReply> reply;
    private final StreamReceiver receiver;
    private ByteArrayOutputStream collected;

    DirectSink(CompletableFuture<DirectReply> reply, StreamReceiver receiver) {
        this.reply = reply;
        this.receiver = receiver;
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
                    reply.complete(new DirectReply(false, null, null, logResult(tail), ByteBufUtil.getBytes(body)));
                } finally {
                    body.release();
                }
            }
            case Outcome.Failure failure -> reply.complete(failed(failure.error(), tail));
        }
    }

    @Override
    public void startStream(String contentType) {
        if (receiver == null) {
            collected = new ByteArrayOutputStream();
        } else {
            receiver.start(contentType);
        }
    }

    @Override
    public void streamChunk(ByteBuf chunk) {
        try {
            byte[] bytes = ByteBufUtil.getBytes(chunk);
            if (receiver == null) {
                collected.writeBytes(bytes);
            } else if (bytes.length > 0) {
                receiver.chunk(bytes);
            }
        } finally {
            chunk.release();
        }
    }

    @Override
    public void endStream(FunctionError error, byte[] tail) {
        if (error != null) {
            reply.complete(failed(error, tail));
        } else {
            reply.complete(new DirectReply(false, null, null, logResult(tail),
                    collected == null ? new byte[0] : collected.toByteArray()));
        }
    }

    @Override
    public boolean writable() {
        return receiver == null || reply.isDone() || receiver.writable();
    }

    @Override
    public void whenWritable(Runnable action) {
        if (receiver == null) {
            action.run();
            return;
        }
        // Called on the shim's event loop, which the action belongs to; the receiver may run it on any thread.
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null) {
            receiver.whenWritable(action);
            return;
        }
        receiver.whenWritable(() -> {
            try {
                loop.execute(action);
            } catch (RejectedExecutionException stopped) {
                // The shim has stopped: nothing is read any more.
            }
        });
    }

    private static DirectReply failed(FunctionError error, byte[] tail) {
        return new DirectReply(false, ShimContract.UNHANDLED, error.errorType(), logResult(tail), error.body());
    }

    private static String logResult(byte[] tail) {
        return tail == null ? null : Base64.getEncoder().encodeToString(tail);
    }
}
