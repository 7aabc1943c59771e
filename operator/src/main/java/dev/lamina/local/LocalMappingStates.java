package dev.lamina.local;

import dev.lamina.sources.MappingKey;
import dev.lamina.sources.MappingState;
import dev.lamina.sources.MappingStatusSink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Local mode's view of its mappings' states: the latest of each, printed as it changes. */
final class LocalMappingStates implements MappingStatusSink {
    private final Map<MappingKey, MappingState> states = new ConcurrentHashMap<>();
    private volatile boolean printing;

    @Override
    public void report(MappingKey mapping, MappingState state) {
        states.put(mapping, state);
        if (printing) {
            System.out.println("lamina: mapping " + name(mapping) + ": " + describe(state));
        }
    }

    /** Changes are printed from now on (before, the start-up listing shows them). */
    void startPrinting() {
        printing = true;
    }

    MappingState state(MappingKey mapping) {
        return states.get(mapping);
    }

    void forget(MappingKey mapping) {
        states.remove(mapping);
    }

    static String name(MappingKey mapping) {
        return "default".equals(mapping.namespace()) ? mapping.name() : mapping.toString();
    }

    static String describe(MappingState state) {
        if (state == null) {
            return "not started";
        }
        String text = state.state().name();
        if (state.problem() != null) {
            return text + " (" + state.problem().reason() + ": " + state.problem().message() + ")";
        }
        return state.lastProcessingResult() == null ? text : text + " (" + state.lastProcessingResult() + ")";
    }
}
