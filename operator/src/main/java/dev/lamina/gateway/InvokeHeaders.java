package dev.lamina.gateway;

import dev.lamina.shim.ShimContract;
import io.vertx.core.http.HttpHeaders;

/**
 * The Invoke API's headers the gateway both takes from callers and exchanges with environments, as Vert.x header
 * names made once (hash computed ahead), so no request rehashes them. {@link ShimContract} names them: the shim's
 * invoke endpoint speaks the Invoke API too.
 */
final class InvokeHeaders {

    static final CharSequence INVOCATION_TYPE = HttpHeaders.createOptimized(ShimContract.INVOCATION_TYPE);
    static final CharSequence LOG_TYPE = HttpHeaders.createOptimized(ShimContract.LOG_TYPE);
    static final CharSequence CLIENT_CONTEXT = HttpHeaders.createOptimized(ShimContract.CLIENT_CONTEXT);
    static final CharSequence TRACE_ID = HttpHeaders.createOptimized(ShimContract.TRACE_ID);
    static final CharSequence FUNCTION_ERROR = HttpHeaders.createOptimized(ShimContract.FUNCTION_ERROR);
    static final CharSequence LOG_RESULT = HttpHeaders.createOptimized(ShimContract.LOG_RESULT);
    static final CharSequence EXECUTED_VERSION = HttpHeaders.createOptimized(ShimContract.EXECUTED_VERSION);
    static final CharSequence AMZN_REQUEST_ID = HttpHeaders.createOptimized(ShimContract.AMZN_REQUEST_ID);
    static final CharSequence AMZN_ERROR_TYPE = HttpHeaders.createOptimized(ShimContract.AMZN_ERROR_TYPE);

    private InvokeHeaders() {
    }
}
