package dev.lamina.async;

import java.util.Objects;

/**
 * The function an asynchronous event is for: its namespace (the Lambda account), its name, and the qualifier it was
 * invoked with (a version number or alias name; {@code null} when unqualified).
 */
public record FunctionRef(String namespace, String name, String qualifier) {

    public FunctionRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        qualifier = qualifier == null || qualifier.isBlank() ? null : qualifier;
    }

    /** Parses a destination's {@code NAME} or {@code NAME:QUALIFIER} in the given namespace. */
    public static FunctionRef parse(String namespace, String nameAndQualifier) {
        int colon = nameAndQualifier.indexOf(':');
        return colon < 0
                ? new FunctionRef(namespace, nameAndQualifier, null)
                : new FunctionRef(namespace, nameAndQualifier.substring(0, colon), nameAndQualifier.substring(colon + 1));
    }

    /** The function without its qualifier, {@code namespace/name}: what reserved concurrency is counted for. */
    public String unqualified() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return namespace + "/" + name + (qualifier == null ? "" : ":" + qualifier);
    }
}
