package dev.lamina.versions;

import dev.lamina.api.Alias;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which versions of a function exist after an update, in both modes: whether to publish a new one
 * (numbered after every number used so far, only when {@code publish} is on and code or configuration changed), and
 * which published ones to delete (the oldest beyond the history limit, unless an alias routes to them). Versions
 * declared by hand ({@link FunctionVersions#isDeclared}) count for numbering and are never deleted: they go when
 * their file goes.
 */
public final class VersionPlanner {
    private VersionPlanner() {
    }

    /**
     * @param toPublish the version to create, if any
     * @param kept      existing versions to keep, by number
     * @param latest    the newest version number after this plan, if any
     */
    public record Plan(Optional<FunctionVersion.Spec> toPublish, Map<String, FunctionVersion> kept,
                       Optional<String> latest) {
    }

    /**
     * @param existing            the function's versions ({@link FunctionVersions#byNumber} order and uniqueness)
     * @param lastRecordedVersion the newest number published before, which may since have been deleted
     */
    public static Plan plan(String function, FunctionSpec spec, String codeSha256, String configSha256,
                            Collection<FunctionVersion> existing, String lastRecordedVersion,
                            Collection<Alias> aliases) {
        Map<Long, FunctionVersion> byNumber = FunctionVersions.byNumber(existing);
        Optional<FunctionVersion> newest = byNumber.values().stream().reduce((a, b) -> b);
        long highest = highest(byNumber.keySet(), lastRecordedVersion);

        Optional<FunctionVersion.Spec> toPublish = Optional.empty();
        if (spec.publish() && newest.map(v -> !configSha256.equals(v.getSpec().configSha256())).orElse(true)) {
            toPublish = Optional.of(new FunctionVersion.Spec(function, Long.toString(highest + 1), codeSha256,
                    configSha256, spec.description(), spec.withoutUrl()));
        }

        Set<String> pinned = pinnedByAliases(aliases);
        int room = spec.versionHistoryLimit() - (toPublish.isPresent() ? 1 : 0);
        Map<String, FunctionVersion> kept = new HashMap<>();
        List<FunctionVersion> newestFirst = new ArrayList<>(byNumber.values()).reversed();
        for (FunctionVersion v : newestFirst) {
            boolean declared = FunctionVersions.isDeclared(v);
            if (declared || room > 0 || pinned.contains(v.getSpec().version())) {
                kept.put(v.getSpec().version(), v);
            }
            if (!declared) {
                room--;
            }
        }
        Optional<String> latest = toPublish.map(FunctionVersion.Spec::version)
                .or(() -> highest == 0 ? Optional.empty() : Optional.of(Long.toString(highest)));
        return new Plan(toPublish, kept, latest);
    }

    /** The newest version number published so far, if any. */
    public static Optional<String> newest(Collection<FunctionVersion> existing, String lastRecordedVersion) {
        long highest = highest(FunctionVersions.byNumber(existing).keySet(), lastRecordedVersion);
        return highest == 0 ? Optional.empty() : Optional.of(Long.toString(highest));
    }

    /** Existing versions tell the numbers used; the recorded one covers versions deleted since. */
    private static long highest(Set<Long> numbers, String lastRecordedVersion) {
        long highest = lastRecordedVersion == null ? 0 : FunctionVersions.number(lastRecordedVersion);
        for (long number : numbers) {
            highest = Math.max(highest, number);
        }
        return highest;
    }

    /** Version numbers some alias routes to. */
    static Set<String> pinnedByAliases(Collection<Alias> aliases) {
        Set<String> pinned = new HashSet<>();
        for (Alias alias : aliases) {
            pinned.addAll(AliasRouting.versionsNamed(alias));
        }
        return pinned;
    }
}
