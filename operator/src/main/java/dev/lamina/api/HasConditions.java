package dev.lamina.api;

import java.util.List;

/** A status that carries kstatus {@link Condition}s. */
public interface HasConditions {
    List<Condition> conditions();
}
