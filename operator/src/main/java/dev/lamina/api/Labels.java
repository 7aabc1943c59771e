package dev.lamina.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels and annotations Lamina puts on what it creates, and the names it gives them. Everything the gateway and
 * the autoscaler discover (Deployments and pods of a version) is found by these labels.
 */
public final class Labels {
    public static final String FUNCTION = "lamina.dev/function";
    public static final String VERSION = "lamina.dev/version";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String OPERATOR = "lamina-operator";

    /**
     * Deployment annotation: environments that must exist (provisioned concurrency); the autoscaler never goes below.
     */
    public static final String MIN_ENVIRONMENTS = "lamina.dev/min-environments";
    /** Deployment annotation: SHA-256 of the desired Deployment, to tell a changed desired state without diffing. */
    public static final String DESIRED_HASH = "lamina.dev/desired-hash";
    /**
     * Pod template annotation: digest of the code and layers the pods load, so changed content (a ConfigMap edit)
     * rolls the pods even when the template is otherwise unchanged.
     */
    public static final String CONTENT_DIGEST = "lamina.dev/content-digest";
    /** On a published version's copy of a code or layer ConfigMap: the function it belongs to. */
    public static final String CODE_SNAPSHOT = "lamina.dev/code-snapshot";
    /**
     * FunctionVersion annotation, written when it is published: which of its images run by tag rather than by digest,
     * and why no digest was had.
     */
    public static final String UNPINNED_IMAGES = "lamina.dev/unpinned-images";

    /** Label value of {@code $LATEST} ($ is not allowed in label values). */
    public static final String LATEST_LABEL = "LATEST";
    public static final String LATEST = "$LATEST";

    private Labels() {
    }

    /** Labels of everything belonging to one version ({@code $LATEST} or a number) of a function. */
    public static Map<String, String> forVersion(String function, String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, OPERATOR);
        labels.put(COMPONENT, "function");
        labels.put(FUNCTION, labelValue(function));
        labels.put(VERSION, versionLabel(version));
        return labels;
    }

    /** The label selector matching a version's pods. */
    public static Map<String, String> selector(String function, String version) {
        return Map.of(FUNCTION, labelValue(function), VERSION, versionLabel(version));
    }

    public static String versionLabel(String version) {
        return LATEST.equals(version) ? LATEST_LABEL : version;
    }

    /** Name of a version's Deployment: {@code NAME-latest} or {@code NAME-vN}. */
    public static String deploymentName(String function, String version) {
        return function + (LATEST.equals(version) ? "-latest" : "-v" + version);
    }

    /** Name of a FunctionVersion object: {@code NAME-vN}. */
    public static String functionVersionName(String function, String version) {
        return function + "-v" + version;
    }

    /**
     * A label value for a name: names longer than a label value may be (63) are shortened with a hash suffix, so
     * every Function still gets its own value.
     */
    public static String labelValue(String name) {
        if (name.length() <= 63) {
            return name;
        }
        return name.substring(0, 52) + "-" + sha256(name).substring(0, 10);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
