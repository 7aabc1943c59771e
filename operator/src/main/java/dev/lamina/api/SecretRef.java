package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret in the resource's namespace holding AWS-style credentials (keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
public record SecretRef(
        @JsonPropertyDescription("Name of the Secret, in the same namespace, with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        @Required @Size(max = Names.KUBERNETES_OBJECT_MAX_LENGTH) @Pattern(Names.KUBERNETES_OBJECT) String name) {
}
