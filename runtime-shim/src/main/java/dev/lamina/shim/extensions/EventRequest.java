package dev.lamina.shim.extensions;

/** An extension's pending {@code GET /2020-01-01/extension/event/next}, answered with its next event. */
public interface EventRequest {

    boolean active();

    /** Answers with the event (a JSON document). */
    void deliver(byte[] event);
}
