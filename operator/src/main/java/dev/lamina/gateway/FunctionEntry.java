package dev.lamina.gateway;

import dev.lamina.api.FunctionSpec;
import dev.lamina.versions.FunctionVersions;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One function as the gateway routes it: the current configuration ({@code $LATEST}), its published versions and its
 * aliases. Immutable; a change replaces the whole entry in the {@link Catalog}.
 *
 * @param failedUpdate why the last change of the function could not be applied (it keeps running as before), or null
 */
public record FunctionEntry(String namespace, String name, FunctionSpec spec, DeployedVersion latest,
                            NavigableMap<Long, DeployedVersion> versions, Map<String, AliasRoute> aliases,
                            String failedUpdate) {

    public FunctionEntry {
        versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
        aliases = Map.copyOf(aliases);
    }

    /** The version a qualifier names: null or {@code $LATEST}, a number, or (picked by weight) an alias. */
    public DeployedVersion resolve(String qualifier) {
        if (qualifier == null || qualifier.equals("$LATEST")) {
            return latest;
        }
        if (FunctionVersions.isNumber(qualifier)) {
            return versions.get(FunctionVersions.number(qualifier));
        }
        AliasRoute alias = aliases.get(qualifier);
        return alias == null ? null : alias.pick();
    }
}
