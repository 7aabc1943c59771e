package dev.lamina.async;

import dev.lamina.api.FunctionSpec;
import java.util.Objects;

/**
 * What asynchronous delivery needs to know about a function, read afresh at every attempt because the Function may
 * change while its events wait.
 *
 * @param functionArn         the qualified ARN, as destination records show it ({@code arn:aws:lambda:…:function:NAME:QUALIFIER})
 * @param config              retries, event age, destinations and dead-letter queue
 * @param reservedConcurrency the reserved concurrency, {@code null} when unreserved; 0 means every event goes straight
 *                            to failure handling
 */
public record AsyncFunction(String functionArn, FunctionSpec.Async config, Integer reservedConcurrency) {

    public AsyncFunction {
        Objects.requireNonNull(functionArn, "functionArn");
        config = config == null ? new FunctionSpec.Async(null, null, null, null, null) : config;
    }

    boolean throttlesEverything() {
        return reservedConcurrency != null && reservedConcurrency == 0;
    }
}
