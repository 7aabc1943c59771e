package dev.lamina.shim.extensions;

import java.util.ArrayDeque;

/** One registered extension. Confined to the shim's event loop. */
final class Extension {

    /** An event waiting for the extension's next {@code event/next}; {@code round} is null for SHUTDOWN. */
    record Pending(byte[] event, InvokeRound round) {
    }

    final String id;
    final String name;
    final boolean external;
    final boolean invoke;
    final boolean shutdown;
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Has called {@code event/next} at least once: its init is done. */
    boolean ready;
    /** Its {@code event/next} waiting for an event, or null. */
    EventRequest waiting;
    /** The invocation whose INVOKE it holds: it is back from it at its next {@code event/next}. */
    InvokeRound holding;
    /** The error type it reported to {@code exit/error}, or null. */
    String exitError;

    Extension(String id, String name, boolean external, boolean invoke, boolean shutdown) {
        this.id = id;
        this.name = name;
        this.external = external;
        this.invoke = invoke;
        this.shutdown = shutdown;
    }

    /** Gives it the event now if it is waiting for one, else when it next asks. */
    void offer(byte[] event, InvokeRound round) {
        if (waiting != null && waiting.active()) {
            EventRequest request = waiting;
            waiting = null;
            holding = round;
            request.deliver(event);
        } else {
            waiting = null;
            pending.add(new Pending(event, round));
        }
    }

    /** Lets go of every invocation it still holds or has not received. */
    void abandonRounds() {
        if (holding != null) {
            holding.abandon();
            holding = null;
        }
        for (Pending event : pending) {
            if (event.round() != null) {
                event.round().abandon();
            }
        }
        pending.clear();
    }
}
