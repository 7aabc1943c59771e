package dev.lamina.gateway;

import dev.lamina.environments.Slot;
import dev.lamina.environments.Transport;
import dev.lamina.shim.ClientContext;
import dev.lamina.shim.DirectInvocation;
import dev.lamina.shim.DirectReply;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimContract;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Forwards invocations to environments, over the {@link Transport} each one's pool chose: to a shim embedded in this
 * process (local mode) by a direct call, which spares each invocation an HTTP round trip over loopback; to any other
 * over its invoke endpoint ({@link ShimContract}) on pooled keep-alive connections. Each event loop has its own
 * client, so a request and the connection it goes out on share a thread: answering a call never hops between event
 * loops. Calls from other threads (a waiting invocation handed a slot by an environment that just started, async
 * delivery, event sources) move onto an event loop first: Vert.x's client driven from foreign threads under load can
 * leave a request waiting for a pooled connection forever.
 */
final class ShimClient {

    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(ShimContract.LAMINA_REQUEST_ID);
    private static final CharSequence INVOKED_ARN =
            HttpHeaders.createOptimized(ShimContract.LAMINA_INVOKED_FUNCTION_ARN);
    private static final CharSequence WAIT = HttpHeaders.createOptimized(ShimContract.LAMINA_WAIT);
    private static final CharSequence DO_NOT_WAIT = HttpHeaders.createOptimized(ShimContract.DO_NOT_WAIT);
    private static final CharSequence BUSY = HttpHeaders.createOptimized(ShimContract.LAMINA_BUSY);
    private static final CharSequence TAIL = HttpHeaders.createOptimized(ShimContract.TAIL);

    /**
     * What an environment answered.
     *
     * @param busy          the environment had no free slot (only when asked not to wait)
     * @param functionError X-Amz-Function-Error, or null on success
     * @param logResult     X-Amz-Log-Result, or null
     */
    record Reply(int status, boolean busy, String functionError, String logResult, Buffer body) {
    }

    private final Vertx vertx;
    private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();

    ShimClient(Vertx vertx) {
        this.vertx = vertx;
    }

    private HttpClient newClient() {
        return vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60).setTcpNoDelay(true)
                        .setConnectTimeout(5_000).setMaxInitialLineLength(8192),
                new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    }

    /** The client of the event loop this runs on. */
    private HttpClient client() {
        HttpClient client = perEventLoop.get(Thread.currentThread());
        return client != null ? client : perEventLoop.computeIfAbsent(Thread.currentThread(), t -> newClient());
    }

    /**
     * Sends one invocation on a taken slot, over the transport its pool chose. It waits in the environment when the
     * slot allows it (see {@link Slot#mayWaitInEnvironment()}) or when {@code mayQueue}; otherwise a busy environment
     * answers busy.
     */
    Future<Reply> send(Slot slot, boolean mayQueue, String functionName, InvokeRequest request,
                       ClientContext clientContext, String requestId, String invokedArn, Duration limit) {
        boolean mayWait = slot.mayWaitInEnvironment() || mayQueue;
        return switch (slot.transport()) {
            case Transport.Direct(Shim shim) ->
                    sendDirect(shim, mayWait, request, clientContext, requestId, invokedArn, limit);
            case Transport.Http(InetSocketAddress address) ->
                    sendHttp(address, mayWait, functionName, request, clientContext, requestId, invokedArn, limit);
        };
    }

    /** The answer comes back on the caller's Vert.x context when it has one, as an HTTP reply would. */
    private Future<Reply> sendDirect(Shim shim, boolean mayWait, InvokeRequest request, ClientContext clientContext,
                                     String requestId, String invokedArn, Duration limit) {
        Context caller = Vertx.currentContext();
        Promise<Reply> reply = Promise.promise();
        try {
            shim.invoke(new DirectInvocation(requestId, request.payload().getBytes(), request.traceId(),
                            clientContext, invokedArn, request.tailLog(), mayWait))
                    .orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((answer, error) -> {
                        if (caller != null) {
                            caller.runOnContext(v -> settle(reply, answer, error));
                        } else {
                            settle(reply, answer, error);
                        }
                    });
        } catch (RuntimeException refused) {
            // A shim that was stopped meanwhile: the call fails, it never hangs.
            reply.fail(refused);
        }
        return reply.future();
    }

    private static void settle(Promise<Reply> reply, DirectReply answer, Throwable error) {
        if (error != null) {
            reply.fail(error instanceof TimeoutException ? new TimeoutException("no answer within the limit")
                    : error);
        } else {
            reply.complete(new Reply(answer.busy() ? 429 : 200, answer.busy(), answer.functionError(),
                    answer.logResult(), Buffer.buffer(answer.body())));
        }
    }

    private Future<Reply> sendHttp(InetSocketAddress address, boolean mayWait, String functionName,
                                   InvokeRequest request, ClientContext clientContext, String requestId,
                                   String invokedArn, Duration limit) {
        if (Context.isOnEventLoopThread()) {
            return sendHere(address, mayWait, functionName, request, clientContext, requestId, invokedArn, limit);
        }
        Promise<Reply> reply = Promise.promise();
        // From a thread that is not Vert.x's, this is a fresh context on one of the event loops.
        vertx.getOrCreateContext().runOnContext(v -> sendHere(address, mayWait, functionName, request, clientContext,
                requestId, invokedArn, limit).onComplete(reply));
        return reply.future();
    }

    private Future<Reply> sendHere(InetSocketAddress address, boolean mayWait, String functionName,
                                   InvokeRequest request, ClientContext clientContext, String requestId,
                                   String invokedArn, Duration limit) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(address.getHostString())
                .setPort(address.getPort())
                .setURI(ShimContract.invokePath(functionName))
                .setIdleTimeout(limit.toMillis());
        return client().request(options).compose(http -> {
            MultiMap headers = http.headers();
            headers.add(REQUEST_ID, requestId);
            headers.add(INVOKED_ARN, invokedArn);
            if (!mayWait) {
                headers.add(WAIT, DO_NOT_WAIT);
            }
            if (request.tailLog()) {
                headers.add(InvokeHeaders.LOG_TYPE, TAIL);
            }
            if (clientContext != null) {
                headers.add(InvokeHeaders.CLIENT_CONTEXT, clientContext.encoded());
            }
            if (request.traceId() != null) {
                headers.add(InvokeHeaders.TRACE_ID, request.traceId());
            }
            return http.send(request.payload());
        }).compose(response -> response.body().map(body -> new Reply(
                response.statusCode(),
                response.statusCode() == 429 && response.getHeader(BUSY) != null,
                response.getHeader(InvokeHeaders.FUNCTION_ERROR),
                response.getHeader(InvokeHeaders.LOG_RESULT),
                body)));
    }

    void close() {
        perEventLoop.values().forEach(HttpClient::close);
    }
}
