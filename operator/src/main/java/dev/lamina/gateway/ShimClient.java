package dev.lamina.gateway;

import dev.lamina.environments.Slot;
import dev.lamina.environments.Transport;
import dev.lamina.shim.ClientContext;
import dev.lamina.shim.DirectInvocation;
import dev.lamina.shim.DirectReply;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimContract;
import dev.lamina.shim.StreamReceiver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards invocations to environments, over the {@link Transport} each one's pool chose: to a shim embedded in this
 * process (local mode) by a direct call, which spares each invocation an HTTP round trip over loopback; to any other
 * over its invoke endpoint ({@link ShimContract}) on pooled keep-alive connections. Each event loop has its own
 * client, so a request and the connection it goes out on share a thread: answering a call never hops between event
 * loops. Calls from other threads (a waiting invocation handed a slot by an environment that just started, async
 * delivery, event sources) move onto an event loop first: Vert.x's client driven from foreign threads under load can
 * leave a request waiting for a pooled connection forever.
 *
 * <p>An invocation given a {@link Streaming} target passes a streamed response on chunk by chunk, on the target's
 * context, pausing the environment while the target is full: over HTTP by pausing the shim's response, directly by
 * telling the shim's sink it is not writable (either way the shim stops reading the runtime).
 */
final class ShimClient {

    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(ShimContract.LAMINA_REQUEST_ID);
    private static final CharSequence INVOKED_ARN =
            HttpHeaders.createOptimized(ShimContract.LAMINA_INVOKED_FUNCTION_ARN);
    private static final CharSequence WAIT = HttpHeaders.createOptimized(ShimContract.LAMINA_WAIT);
    private static final CharSequence DO_NOT_WAIT = HttpHeaders.createOptimized(ShimContract.DO_NOT_WAIT);
    private static final CharSequence BUSY = HttpHeaders.createOptimized(ShimContract.LAMINA_BUSY);
    private static final CharSequence TAIL = HttpHeaders.createOptimized(ShimContract.TAIL);
    private static final CharSequence RESPONSE_MODE = HttpHeaders.createOptimized(ShimContract.RESPONSE_MODE);
    private static final CharSequence STREAM_ERROR_TYPE = HttpHeaders.createOptimized(ShimContract.STREAM_ERROR_TYPE);
    private static final CharSequence STREAM_ERROR_BODY = HttpHeaders.createOptimized(ShimContract.STREAM_ERROR_BODY);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /**
     * What an environment answered.
     *
     * @param busy          the environment had no free slot (only when asked not to wait)
     * @param functionError X-Amz-Function-Error, or null on success
     * @param logResult     X-Amz-Log-Result, or null
     * @param streamed      the response went to the invocation's {@link Streaming} target, which has been ended; the
     *                      body is empty
     */
    record Reply(int status, boolean busy, String functionError, String logResult, Buffer body, boolean streamed) {
    }

    /**
     * Where one invocation's streamed response goes.
     *
     * @param target          the caller's stream
     * @param executedVersion the version the invocation runs, for {@link ResponseStream#start}
     * @param context         the context every call to the target is made on
     */
    record Streaming(ResponseStream target, String executedVersion, Context context) {
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
     * answers busy. With a {@code streaming} target (else null), a streamed response goes there.
     */
    Future<Reply> send(Slot slot, boolean mayQueue, String functionName, InvokeRequest request,
                       ClientContext clientContext, String requestId, String invokedArn, Duration limit,
                       Streaming streaming) {
        boolean mayWait = slot.mayWaitInEnvironment() || mayQueue;
        return switch (slot.transport()) {
            case Transport.Direct(Shim shim) ->
                    sendDirect(shim, mayWait, request, clientContext, requestId, invokedArn, limit, streaming);
            case Transport.Http(InetSocketAddress address) -> sendHttp(address, mayWait, functionName, request,
                    clientContext, requestId, invokedArn, limit, streaming);
        };
    }

    /**
     * The answer comes back on the caller's Vert.x context when it has one (the stream's, when streaming), as an
     * HTTP reply would.
     */
    private Future<Reply> sendDirect(Shim shim, boolean mayWait, InvokeRequest request, ClientContext clientContext,
                                     String requestId, String invokedArn, Duration limit, Streaming streaming) {
        Context caller = streaming != null ? streaming.context() : Vertx.currentContext();
        DirectStream stream = streaming == null ? null : new DirectStream(streaming, requestId);
        Promise<Reply> reply = Promise.promise();
        try {
            shim.invoke(new DirectInvocation(requestId, request.payload().getBytes(), request.traceId(),
                            clientContext, invokedArn, request.tailLog(), mayWait, stream), limit)
                    .whenComplete((answer, error) -> {
                        if (caller != null) {
                            caller.runOnContext(v -> settle(reply, answer, error, stream));
                        } else {
                            settle(reply, answer, error, stream);
                        }
                    });
        } catch (RuntimeException refused) {
            // A shim that was stopped meanwhile: the call fails, it never hangs.
            reply.fail(refused);
        }
        return reply.future();
    }

    /** On the caller's context (the stream's, when streaming). */
    private static void settle(Promise<Reply> reply, DirectReply answer, Throwable error, DirectStream stream) {
        Throwable failure = error instanceof TimeoutException ? new TimeoutException("no answer within the limit")
                : error;
        if (stream != null && stream.started()) {
            ResponseStream.Failure streamError = failure != null ? environmentLost(failure)
                    : answer.functionError() == null ? null
                    : new ResponseStream.Failure(answer.errorType(), Buffer.buffer(answer.body()));
            String logResult = answer == null ? null : answer.logResult();
            stream.end(streamError, logResult);
            reply.complete(streamed(streamError, logResult));
            return;
        }
        if (stream != null) {
            stream.end(null, null);
        }
        if (failure != null) {
            reply.fail(failure);
        } else {
            reply.complete(new Reply(answer.busy() ? 429 : 200, answer.busy(), answer.functionError(),
                    answer.logResult(), Buffer.buffer(answer.body()), false));
        }
    }

    private static Reply streamed(ResponseStream.Failure error, String logResult) {
        return new Reply(200, false, error == null ? null : ShimContract.UNHANDLED, logResult, Buffer.buffer(), true);
    }

    /** The environment stopped answering after the stream started: the stream ends with a platform error. */
    private static ResponseStream.Failure environmentLost(Throwable cause) {
        String message = "The execution environment stopped answering mid-stream: " + cause.getMessage();
        return new ResponseStream.Failure("ServiceException", Buffer.buffer("{\"errorMessage\":"
                + Json.encode(message) + ",\"errorType\":\"ServiceException\"}"));
    }

    private Future<Reply> sendHttp(InetSocketAddress address, boolean mayWait, String functionName,
                                   InvokeRequest request, ClientContext clientContext, String requestId,
                                   String invokedArn, Duration limit, Streaming streaming) {
        Context current = Vertx.currentContext();
        boolean here = streaming != null ? current == streaming.context() : Context.isOnEventLoopThread();
        if (here) {
            return sendHere(address, mayWait, functionName, request, clientContext, requestId, invokedArn, limit,
                    streaming);
        }
        Promise<Reply> reply = Promise.promise();
        // A stream is answered on its own context; otherwise, from a thread that is not Vert.x's, on a fresh context
        // on one of the event loops.
        Context context = streaming != null ? streaming.context() : vertx.getOrCreateContext();
        context.runOnContext(v -> sendHere(address, mayWait, functionName, request, clientContext, requestId,
                invokedArn, limit, streaming).onComplete(reply));
        return reply.future();
    }

    private Future<Reply> sendHere(InetSocketAddress address, boolean mayWait, String functionName,
                                   InvokeRequest request, ClientContext clientContext, String requestId,
                                   String invokedArn, Duration limit, Streaming streaming) {
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
        }).compose(response -> {
            if (streaming != null && response.statusCode() == 200
                    && ShimContract.STREAMING.equals(response.getHeader(RESPONSE_MODE))) {
                return pipe(response, streaming, requestId);
            }
            return response.body().map(body -> new Reply(
                    response.statusCode(),
                    response.statusCode() == 429 && response.getHeader(BUSY) != null,
                    response.getHeader(InvokeHeaders.FUNCTION_ERROR),
                    response.getHeader(InvokeHeaders.LOG_RESULT),
                    body, false));
        });
    }

    /**
     * Passes a streamed answer of a shim on to the target as it arrives, pausing the shim's response while the
     * target is full; the error and the log tail come as trailers.
     */
    private static Future<Reply> pipe(HttpClientResponse response, Streaming streaming, String requestId) {
        ResponseStream target = streaming.target();
        Promise<Reply> done = Promise.promise();
        String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
        target.start(requestId, streaming.executedVersion(), contentType == null ? DEFAULT_CONTENT_TYPE : contentType);
        response.handler(chunk -> {
            if (done.future().isComplete() || chunk.length() == 0) {
                return;
            }
            target.write(chunk);
            if (target.writeQueueFull()) {
                response.pause();
                target.drainHandler(response::resume);
            }
        });
        response.exceptionHandler(lost -> {
            if (!done.future().isComplete()) {
                ResponseStream.Failure error = environmentLost(lost);
                target.end(error, null);
                done.complete(streamed(error, null));
            }
        });
        response.endHandler(end -> {
            if (!done.future().isComplete()) {
                MultiMap trailers = response.trailers();
                ResponseStream.Failure error = trailerError(trailers);
                String logResult = trailers.get(InvokeHeaders.LOG_RESULT);
                target.end(error, logResult);
                done.complete(streamed(error, logResult));
            }
        });
        return done.future();
    }

    private static ResponseStream.Failure trailerError(MultiMap trailers) {
        String type = trailers.get(STREAM_ERROR_TYPE);
        String body = trailers.get(STREAM_ERROR_BODY);
        if (type == null && body == null) {
            return null;
        }
        return new ResponseStream.Failure(type == null ? "Runtime.Unknown" : type,
                Buffer.buffer(body == null ? new byte[0] : Base64.getDecoder().decode(body.strip())));
    }

    void close() {
        perEventLoop.values().forEach(HttpClient::close);
    }

    /**
     * A streamed response from a shim in this process: the shim hands each chunk over on its own event loop, this
     * passes it to the target on the target's context. The shim is told to stop reading the runtime while the target
     * is full or while more than {@link #MAX_IN_TRANSIT} bytes are on their way to it.
     */
    private static final class DirectStream implements StreamReceiver {
        private static final int MAX_IN_TRANSIT = 256 * 1024;

        private final Streaming streaming;
        private final String requestId;
        /** Bytes handed over by the shim and not yet written to the target. */
        private final AtomicLong inTransit = new AtomicLong();
        /** What the shim runs once this is writable again. */
        private final AtomicReference<Runnable> waiting = new AtomicReference<>();
        private volatile boolean full;
        // On the target's context:
        private boolean started;
        private boolean ended;

        DirectStream(Streaming streaming, String requestId) {
            this.streaming = streaming;
            this.requestId = requestId;
        }

        @Override
        public void start(String contentType) {
            streaming.context().runOnContext(v -> {
                if (!ended) {
                    started = true;
                    streaming.target().start(requestId, streaming.executedVersion(), contentType);
                }
            });
        }

        @Override
        public void chunk(byte[] bytes) {
            inTransit.addAndGet(bytes.length);
            streaming.context().runOnContext(v -> {
                inTransit.addAndGet(-bytes.length);
                if (started && !ended) {
                    ResponseStream target = streaming.target();
                    target.write(Buffer.buffer(bytes));
                    if (target.writeQueueFull()) {
                        full = true;
                        target.drainHandler(() -> {
                            full = false;
                            wake();
                        });
                        return;
                    }
                }
                wake();
            });
        }

        @Override
        public boolean writable() {
            return !full && inTransit.get() < MAX_IN_TRANSIT;
        }

        @Override
        public void whenWritable(Runnable action) {
            waiting.set(action);
            wake();
        }

        private void wake() {
            if (writable()) {
                Runnable action = waiting.getAndSet(null);
                if (action != null) {
                    action.run();
                }
            }
        }

        /** On the target's context, after every chunk the shim handed over. */
        boolean started() {
            return started;
        }

        /** Ends the target if it was started; either way nothing more reaches it and the shim is never held. */
        void end(ResponseStream.Failure error, String logResult) {
            boolean wasOpen = started && !ended;
            ended = true;
            full = false;
            wake();
            if (wasOpen) {
                streaming.target().end(error, logResult);
            }
        }
    }
}
