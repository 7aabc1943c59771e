package dev.lamina.urls;

import java.util.Objects;

/** One header line, name in the case it was written. */
public record HttpHeader(String name, String value) {

    public HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
