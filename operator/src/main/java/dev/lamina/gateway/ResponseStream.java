package dev.lamina.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * Where the invocation path sends a response the function streams, chunk by chunk as the runtime writes it, without
 * collecting it: give one to {@link GatewayInvoker#invoke(InvokeRequest, ResponseStream)}. A door adapts it to its
 * caller's connection (for HTTP, a Vert.x {@code HttpServerResponse}).
 *
 * <p>Calls, all on the Vert.x context {@code invoke} was called on (its event loop), never concurrently and never
 * blocking: {@link #start} once, then {@link #write} for each chunk in the order the runtime wrote them, then
 * {@link #end} once. The invocation's answer ({@code InvokeAnswer.Streamed}) completes after {@link #end} returned.
 * When the function answers buffered, or the invocation fails before any response (not found, throttled, invalid,
 * a function error reported without streaming), none of these is called and the answer is the usual one
 * ({@code Success}, {@code FunctionError}, ...), for the door to write itself.
 *
 * <p>Backpressure: after each {@link #write} the path asks {@link #writeQueueFull()}; while it is true the path
 * reads nothing more from the environment (so the runtime's writes block, as on Lambda) and waits for the handler
 * given to {@link #drainHandler}. Once the caller is gone, an implementation must answer {@code false} and drop what
 * it is given, so the function runs to its end rather than wait for a drain that never comes.
 */
public interface ResponseStream {

    /**
     * The function started streaming.
     *
     * @param requestId       the invocation's request id
     * @param executedVersion the version that runs ({@code $LATEST} or a number)
     * @param contentType     the content type the runtime gave its response ({@code application/octet-stream}
     *                        when it gave none)
     */
    void start(String requestId, String executedVersion, String contentType);

    /** The next chunk of the response, never empty. */
    void write(Buffer chunk);

    /** True while what was written is not sent on yet and no more should come. */
    boolean writeQueueFull();

    /** Called (once, on the context) when the stream takes writes again after {@link #writeQueueFull()} said no. */
    void drainHandler(Runnable handler);

    /**
     * The stream ended.
     *
     * @param error     null when the function completed its response; else why the response is cut short: the error
     *                  the runtime reported mid-stream, a timeout, a crash, a response over Lambda's size limit, or an
     *                  environment that stopped answering
     * @param logResult base64 of the invocation's log tail when the request asked for it ({@code tailLog}), else
     *                  null
     */
    void end(Failure error, String logResult);

    /**
     * A function error that ended a stream.
     *
     * @param errorType the error's type, e.g. the runtime's own or Lambda's {@code Sandbox.Timedout}
     * @param document  Lambda's error document ({@code errorMessage}, {@code errorType}, ... as JSON)
     */
    record Failure(String errorType, Buffer document) {
    }
}
