package dev.lamina.gateway;

import dev.lamina.api.FunctionSpec;
import dev.lamina.urls.FunctionUrls;
import dev.lamina.versions.FunctionVersions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
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

    /**
     * The version one invocation of a qualifier runs: null or {@code $LATEST}, a number, or an alias's version picked
     * by weight. Null when the function has no such qualifier.
     */
    public DeployedVersion resolve(String qualifier) {
        AliasRoute alias = alias(qualifier);
        return alias == null ? version(qualifier) : alias.pick();
    }

    /**
     * The versions an invocation of a qualifier may run: one, or those an alias splits its traffic between; empty when
     * the function has no such qualifier. Unlike {@link #resolve} it draws nothing, so it answers the same every time.
     */
    public List<DeployedVersion> versionsOf(String qualifier) {
        AliasRoute alias = alias(qualifier);
        if (alias != null) {
            return alias.versions();
        }
        DeployedVersion version = version(qualifier);
        return version == null ? List.of() : List.of(version);
    }

    /** Whether the function has a qualifier: none or {@code $LATEST}, a published version's number, or an alias. */
    public boolean hasQualifier(String qualifier) {
        return !versionsOf(qualifier).isEmpty();
    }

    /** The function's Function URLs: its own, on {@code $LATEST}, then its aliases' by name. */
    public List<UrlTarget> urls() {
        List<UrlTarget> urls = new ArrayList<>();
        if (spec.url() != null) {
            urls.add(new UrlTarget(FunctionUrls.id(namespace, name, null), this, null, spec.url()));
        }
        aliases.values().stream().filter(a -> a.spec().url() != null)
                .sorted(Comparator.comparing(AliasRoute::name))
                .forEach(a -> urls.add(new UrlTarget(FunctionUrls.id(namespace, name, a.name()), this, a.name(),
                        a.spec().url())));
        return urls;
    }

    /** The alias a qualifier names; null for {@code $LATEST}, a version number, or an alias the function lacks. */
    private AliasRoute alias(String qualifier) {
        return qualifier == null || qualifier.equals("$LATEST") || FunctionVersions.isNumber(qualifier) ? null
                : aliases.get(qualifier);
    }

    /** The version a qualifier names directly: none or {@code $LATEST}, or a published version's number. */
    private DeployedVersion version(String qualifier) {
        if (qualifier == null || qualifier.equals("$LATEST")) {
            return latest;
        }
        return FunctionVersions.isNumber(qualifier) ? versions.get(FunctionVersions.number(qualifier)) : null;
    }
}
