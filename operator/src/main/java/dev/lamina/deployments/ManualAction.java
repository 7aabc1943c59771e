package dev.lamina.deployments;

import java.util.Optional;

/**
 * A deployment promoted or aborted by hand: the Alias annotation {@value #ANNOTATION} set to {@code promote:N}
 * (move the rest of the traffic to version N now, then run the post-traffic hook) or {@code abort:N} (roll back).
 * Naming the version makes it act on that deployment only, so an annotation left in place (in Git, say) never
 * touches a later one.
 */
public record ManualAction(Kind kind, String version) {

    public static final String ANNOTATION = "lamina.dev/deployment-action";

    public enum Kind { PROMOTE, ABORT }

    /** The action an annotation value asks for; empty when absent or not of the form. */
    public static Optional<ManualAction> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String version = value.substring(colon + 1).trim();
        return switch (value.substring(0, colon).trim()) {
            case "promote" -> Optional.of(new ManualAction(Kind.PROMOTE, version));
            case "abort" -> Optional.of(new ManualAction(Kind.ABORT, version));
            default -> Optional.empty();
        };
    }
}
