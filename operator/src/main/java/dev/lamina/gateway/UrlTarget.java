package dev.lamina.gateway;

import dev.lamina.api.FunctionSpec;

/**
 * A Function URL the gateway serves: the function it invokes, on {@code $LATEST} ({@code alias} null) or an alias,
 * and its settings.
 */
public record UrlTarget(String id, FunctionEntry function, String alias, FunctionSpec.FunctionUrl settings) {

    /** The qualifier the URL invokes: {@code $LATEST} or the alias. */
    public String qualifier() {
        return alias == null ? "$LATEST" : alias;
    }
}
