package dev.lamina.versions;

import dev.lamina.api.Alias;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which versions of a function exist after this reconciliation: whether to publish a new one (sequentially
 * numbered, only when {@code publish} is on and code or configuration changed), and which old ones to delete (beyond
 * the history limit, unless an alias still points at them).
 */
public final class VersionPlanner {
    private VersionPlanner() {
    }

    /**
     * @param toPublish the version to create, if any
     * @param kept      existing versions to keep, by number
     * @param latest    the newest version number after this plan, if any
     */
    public record Plan(Optional<FunctionVersion.Spec> toPublish, Map<String, FunctionVersion> kept, Optional<String> latest) {
    }

    public static Plan plan(String function, FunctionSpec spec, String codeSha256, String configSha256,
                     List<FunctionVersion> existing, String lastRecordedVersion, List<Alias> aliases) {
        List<FunctionVersion> sorted = existing.stream()
                .sorted(Comparator.comparingLong(v -> number(v.getSpec().version())))
                .toList();
        Optional<FunctionVersion> newest = sorted.isEmpty() ? Optional.empty() : Optional.of(sorted.getLast());
        long highest = highest(existing, lastRecordedVersion);

        Optional<FunctionVersion.Spec> toPublish = Optional.empty();
        if (spec.publish() && newest.map(v -> !configSha256.equals(v.getSpec().configSha256())).orElse(true)) {
            toPublish = Optional.of(new FunctionVersion.Spec(function, Long.toString(highest + 1), codeSha256,
                    configSha256, spec.description(), spec));
        }

        Set<String> pinned = pinnedByAliases(aliases);
        int room = spec.versionHistoryLimit() - (toPublish.isPresent() ? 1 : 0);
        Map<String, FunctionVersion> kept = new HashMap<>();
        List<FunctionVersion> newestFirst = new ArrayList<>(sorted).reversed();
        for (int i = 0; i < newestFirst.size(); i++) {
            FunctionVersion v = newestFirst.get(i);
            if (i < room || pinned.contains(v.getSpec().version())) {
                kept.put(v.getSpec().version(), v);
            }
        }
        Optional<String> latest = toPublish.map(FunctionVersion.Spec::version)
                .or(() -> highest == 0 ? Optional.empty() : Optional.of(Long.toString(highest)));
        return new Plan(toPublish, kept, latest);
    }

    /** The newest version number published so far, if any. */
    public static Optional<String> newest(List<FunctionVersion> existing, String lastRecordedVersion) {
        long highest = highest(existing, lastRecordedVersion);
        return highest == 0 ? Optional.empty() : Optional.of(Long.toString(highest));
    }

    /** Existing versions tell the numbers used; the recorded one covers versions deleted by hand. */
    private static long highest(List<FunctionVersion> existing, String lastRecordedVersion) {
        long highest = lastRecordedVersion == null ? 0 : number(lastRecordedVersion);
        for (FunctionVersion version : existing) {
            highest = Math.max(highest, number(version.getSpec().version()));
        }
        return highest;
    }

    /** Version numbers some alias routes to. */
    public static Set<String> pinnedByAliases(List<Alias> aliases) {
        Set<String> pinned = new HashSet<>();
        for (Alias alias : aliases) {
            pinned.addAll(AliasRouting.table(alias.getSpec()).keySet());
        }
        return pinned;
    }

    public static long number(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
