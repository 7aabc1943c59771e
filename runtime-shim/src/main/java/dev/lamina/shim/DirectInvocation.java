package dev.lamina.shim;

/**
 * A {@code RequestResponse} invocation handed to a shim in the same process ({@link Shim#invoke}): the same fields
 * the invoke endpoint reads from its headers.
 *
 * @param requestId     the Lambda request id
 * @param payload       the event
 * @param traceId       X-Ray trace header, or null for a fresh one
 * @param clientContext the client context, checked already (see {@link ClientContext#decode}), or null
 * @param functionArn   the ARN the runtime sees as invoked
 * @param tail          the caller wants the log tail
 * @param waitForSlot   false: answer busy at once when every slot is taken
 * @param stream        where a streamed response goes chunk by chunk; null to collect it into the reply's body, as a
 *                      buffered invoke of a streaming function does
 */
public record DirectInvocation(String requestId, byte[] payload, String traceId, ClientContext clientContext,
                               String functionArn, boolean tail, boolean waitForSlot, StreamReceiver stream) {

    /** A buffered invocation: a streamed response is collected into the reply's body. */
    public DirectInvocation(String requestId, byte[] payload, String traceId, ClientContext clientContext,
                            String functionArn, boolean tail, boolean waitForSlot) {
        this(requestId, payload, traceId, clientContext, functionArn, tail, waitForSlot, null);
    }
}
