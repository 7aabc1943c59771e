package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where an invocation record goes: another function, an SQS queue or an HTTP webhook (exactly one). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.function), has(self.sqs), has(self.http)].filter(x, x).size() == 1",
        message = "a destination names exactly one of function, sqs or http")
public record Destination(
        @JsonPropertyDescription("A Function in the same namespace, as NAME or NAME:QUALIFIER; invoked asynchronously with the record.")
        @Size(max = 193) @Pattern(Names.QUALIFIED_FUNCTION) String function,
        @JsonPropertyDescription("An SQS queue that receives the record as a message.")
        SqsTarget sqs,
        @JsonPropertyDescription("An HTTP endpoint that receives the record as a JSON POST.")
        HttpTarget http) {

    /** A webhook receiving the record as {@code POST application/json}. */
    public record HttpTarget(
            @JsonPropertyDescription("The URL to POST the record to.")
            @Required @Size(max = 2048) @Pattern("^https?://.+") String url) {
    }
}
