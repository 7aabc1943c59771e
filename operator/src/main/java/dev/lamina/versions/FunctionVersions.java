package dev.lamina.versions;

import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What makes a FunctionVersion a version of a function, the same in a cluster and in local mode: its
 * {@code spec.function} and {@code spec.version}, whatever the object is called. Lamina publishes versions named
 * {@code NAME-vN} and labelled as its own; a FunctionVersion written by hand (kept in Git, say) is <em>declared</em>:
 * it is routed and run like a published one and its number is taken, but Lamina never deletes it.
 */
public final class FunctionVersions {
    /** When two FunctionVersions claim one number, the one created first counts (then the name decides). */
    private static final Comparator<FunctionVersion> FIRST_CREATED = Comparator
            .comparing((FunctionVersion v) -> Objects.toString(v.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(v -> v.getMetadata().getName());

    private FunctionVersions() {
    }

    /** The FunctionVersion Lamina creates when it publishes {@code spec} for the function in {@code namespace}. */
    public static FunctionVersion published(String namespace, FunctionVersion.Spec spec) {
        FunctionVersion version = new FunctionVersion();
        version.setMetadata(new ObjectMetaBuilder()
                .withName(Labels.functionVersionName(spec.function(), spec.version()))
                .withNamespace(namespace)
                .withLabels(Labels.forVersion(spec.function(), spec.version()))
                .build());
        version.setSpec(spec);
        return version;
    }

    /** Written by hand rather than published by Lamina. */
    public static boolean isDeclared(FunctionVersion version) {
        Map<String, String> labels = version.getMetadata().getLabels();
        return labels == null || !Labels.OPERATOR.equals(labels.get(Labels.MANAGED_BY));
    }

    /**
     * One function's versions by number, oldest first; a version whose number is not a positive number, or is
     * claimed by an earlier-created FunctionVersion, is left out.
     */
    public static TreeMap<Long, FunctionVersion> byNumber(Collection<FunctionVersion> versions) {
        TreeMap<Long, FunctionVersion> byNumber = new TreeMap<>();
        versions.stream().filter(v -> v.getSpec() != null).sorted(FIRST_CREATED).forEach(v -> {
            long number = number(v.getSpec().version());
            if (number > 0) {
                byNumber.putIfAbsent(number, v);
            }
        });
        return byNumber;
    }

    /** The number of a version qualifier; 0 for {@code $LATEST} or anything that is not a version number. */
    public static long number(String version) {
        if (!isNumber(version)) {
            return 0;
        }
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException tooLong) {
            return 0;
        }
    }

    /** Whether a qualifier is a version number (digits only) rather than {@code $LATEST} or an alias name. */
    public static boolean isNumber(String qualifier) {
        if (qualifier == null || qualifier.isEmpty()) {
            return false;
        }
        for (int i = 0; i < qualifier.length(); i++) {
            char c = qualifier.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
