package dev.lamina.shim;

import dev.lamina.shim.http.ShimServer;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One execution environment: the Lambda Runtime API for one runtime, an invoke endpoint in front of it, and the
 * supervision of the runtime process. Start it with {@link #start(ShimConfig)}; {@link #close()} kills the runtime's
 * process tree and stops the servers.
 */
public final class Shim implements AutoCloseable {

    private final ShimServer server;

    private Shim(ShimServer server) {
        this.server = server;
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
        return server.environment().ready();
    }

    /**
     * Completes when the first runtime has finished init; fails with {@link InitFailedException} when that init
     * failed. Later resets (after a timeout or crash) do not change it; see {@link #ready()} for the current state.
     */
    public CompletableFuture<Void> readyFuture() {
        return server.environment().firstReady().copy();
    }

    /**
     * Invokes the function from this process without HTTP, as the invoke endpoint would for a buffered
     * {@code RequestResponse} call; the future completes on the shim's event loop. Completing it from outside (a
     * timeout, a cancel) abandons the invocation. Throws {@link IllegalArgumentException} for a client context that
     * is not base64 of a JSON object.
     */
    public CompletableFuture<DirectReply> invoke(DirectInvocation invocation) {
        return server.invoke(invocation);
    }

    /** Invocations holding a slot now. */
    public int inFlight() {
        return server.environment().inFlight();
    }

    /** Invocations served at a time ({@link ShimConfig#concurrency()}). */
    public int capacity() {
        return server.environment().capacity();
    }

    @Override
    public void close() {
        server.close();
    }
}
