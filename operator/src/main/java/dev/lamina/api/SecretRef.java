package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A Secret in the resource's namespace holding AWS-style credentials (keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
public record SecretRef(
        @JsonPropertyDescription("Name of the Secret, in the same namespace, with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        @Required String name) {
}
