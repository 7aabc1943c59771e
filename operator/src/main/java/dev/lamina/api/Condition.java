package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One observation of a resource's state, following the Kubernetes/kstatus condition conventions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
        @JsonPropertyDescription("Condition type: Ready, Reconciling or Stalled (kstatus), or a resource-specific type.")
        @Required String type,
        @JsonPropertyDescription("True, False or Unknown.")
        @Required @Pattern("^(True|False|Unknown)$") String status,
        @JsonPropertyDescription("One CamelCase word saying why the condition has this status.")
        String reason,
        @JsonPropertyDescription("A human-readable explanation of the status.")
        String message,
        @JsonPropertyDescription("When the status last changed (RFC 3339).")
        String lastTransitionTime,
        @JsonPropertyDescription("The metadata.generation this condition was computed from.")
        Long observedGeneration) {

    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    /** A Function's runtime is deprecated by Lambda: it still runs, with this warning. */
    public static final String RUNTIME_DEPRECATED = "RuntimeDeprecated";
    /** A Function's newest version runs an image by tag: no registry gave its digest when it was published. */
    public static final String IMAGE_NOT_PINNED = "ImageNotPinned";

    @JsonIgnore
    public boolean isTrue() {
        return "True".equals(status);
    }
}
