package dev.lamina.shim;

import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.environment.Invocation;
import dev.lamina.shim.environment.InvocationRequest;
import dev.lamina.shim.http.ShimServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One execution environment: the Lambda Runtime API for one runtime, an invoke endpoint in front of it, and the
 * supervision of the runtime process. Start it with {@link #start(ShimConfig)}; {@link #close()} kills the runtime's
 * process tree and stops the servers.
 */
public final class Shim implements AutoCloseable {

    private final ShimServer server;
    private final Environment environment;

    private Shim(ShimServer server) {
        this.server = server;
        this.environment = server.environment();
    }

    /**
     * Binds the invoke endpoint and the Runtime API, then starts the runtime (child-process mode) or waits for it
     * to connect (sidecar mode, empty runtime command). Returns at once; see {@link #readyFuture()}.
     */
    public static Shim start(ShimConfig config) {
        try {
            return new Shim(ShimServer.start(config));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the shim", interrupted);
        }
    }

    /**
     * As {@link #start(ShimConfig)}, on an embedding process's NIO event loop instead of a thread of the shim's own:
     * an invocation made on that loop ({@link #invoke}) then runs start to end on one thread, and a process with many
     * environments needs no thread per environment. Call it off that loop; the loop must never block.
     */
    public static Shim start(ShimConfig config, EventLoop hostLoop) {
        try {
            return new Shim(ShimServer.start(config, hostLoop));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the shim", interrupted);
        }
    }

    /** Where callers invoke: {@code POST /2015-03-31/functions/{name}/invocations}, {@code /ready}, {@code /state}. */
    public InetSocketAddress invokeAddress() {
        return server.invokeAddress();
    }

    /** Where the runtime connects ({@code AWS_LAMBDA_RUNTIME_API}); always on 127.0.0.1. */
    public InetSocketAddress runtimeApiAddress() {
        return server.runtimeApiAddress();
    }

    /** True while the current runtime has finished init (made its first {@code /next}). */
    public boolean ready() {
        return environment.ready();
    }

    /**
     * Completes when the first runtime has finished init; fails with {@link InitFailedException} when that init
     * failed. Later resets (after a timeout or crash) do not change it; see {@link #ready()} for the current state.
     */
    public CompletableFuture<Void> readyFuture() {
        return environment.firstReady().copy();
    }

    /**
     * Invokes the function from this process without HTTP: admitted like a {@code RequestResponse} call of the
     * invoke endpoint, with the same answers; the future completes on the shim's event loop. A streamed response goes
     * to the invocation's {@link StreamReceiver} when it has one (the future then completes once the stream ended),
     * else it is collected into the reply. Completing it
     * from outside (a timeout, a cancel) abandons the invocation, as a caller closing its connection does. Throws
     * {@link java.util.concurrent.RejectedExecutionException} once the shim has stopped.
     */
    public CompletableFuture<DirectReply> invoke(DirectInvocation direct) {
        CompletableFuture<DirectReply> reply = new CompletableFuture<>();
        Invocation invocation = new Invocation(new InvocationRequest(direct.requestId(),
                Unpooled.wrappedBuffer(direct.payload()), direct.traceId(), direct.clientContext(), null,
                direct.functionArn(), direct.tail(), direct.waitForSlot()), new DirectSink(reply, direct.stream()));
        environment.admit(invocation);
        reply.whenComplete((answered, abandoned) -> {
            if (abandoned != null) {
                environment.abandon(invocation);
            }
        });
        return reply;
    }

    /**
     * As {@link #invoke(DirectInvocation)}, abandoned with a {@link TimeoutException} when no answer came within
     * {@code limit}. The timer runs on the shim's event loop: a caller on that loop sets and cancels it without
     * waking another thread.
     */
    public CompletableFuture<DirectReply> invoke(DirectInvocation direct, Duration limit) {
        CompletableFuture<DirectReply> reply = invoke(direct);
        ScheduledFuture<?> timer = server.loop().schedule(
                () -> reply.completeExceptionally(new TimeoutException("no answer within " + limit)),
                limit.toNanos(), TimeUnit.NANOSECONDS);
        reply.whenComplete((answered, failed) -> timer.cancel(false));
        return reply;
    }

    /** Whether the calling thread is this shim's event loop (an invocation made here never changes threads). */
    public boolean onCurrentThread() {
        return server.loop().inEventLoop();
    }

    /** Invocations holding a slot now. */
    public int inFlight() {
        return environment.inFlight();
    }

    /** Invocations served at a time ({@link ShimConfig#concurrency()}). */
    public int capacity() {
        return environment.capacity();
    }

    @Override
    public void close() {
        server.close();
    }
}
