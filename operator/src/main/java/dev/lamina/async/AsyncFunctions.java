package dev.lamina.async;

import java.util.Optional;

/** Looks functions up for asynchronous invocation; implemented by whoever knows the deployed functions. */
@FunctionalInterface
public interface AsyncFunctions {

    /** The function, or empty when no such function (or qualifier) exists. */
    Optional<AsyncFunction> find(FunctionRef function);
}
