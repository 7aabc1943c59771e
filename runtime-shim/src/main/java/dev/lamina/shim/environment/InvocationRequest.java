package dev.lamina.shim.environment;

import dev.lamina.shim.ClientContext;
import dev.lamina.shim.ShimContract;
import io.netty.buffer.ByteBuf;

/**
 * One invocation as the caller asked for it.
 *
 * @param requestId       the Lambda request id (from the gateway or generated)
 * @param payload         the event; owned by the invocation once admitted
 * @param traceId         X-Ray trace header for {@code Lambda-Runtime-Trace-Id}; a fresh one when null
 * @param clientContext   the client context, or null
 * @param cognitoIdentity Cognito identity JSON, or null
 * @param functionArn     the ARN the runtime sees as invoked
 * @param tail            the caller wants the log tail ({@code X-Amz-Log-Type: Tail})
 * @param waitForSlot     false: refuse at once when every slot is taken
 */
public record InvocationRequest(
        String requestId,
        ByteBuf payload,
        String traceId,
        ClientContext clientContext,
        String cognitoIdentity,
        String functionArn,
        boolean tail,
        boolean waitForSlot) {

    public InvocationRequest {
        if (traceId == null) {
            traceId = ShimContract.newTraceId();
        }
    }
}
