package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An SQS queue reached through the SQS API (AWS or any compatible endpoint). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SqsTarget(
        @JsonPropertyDescription("Queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/orders.")
        @Required @Size(max = 2048) @Pattern("^https?://.+") String queueUrl,
        @JsonPropertyDescription("SQS API endpoint override, for SQS-compatible servers; default: the AWS endpoint of the region.")
        @Size(max = 2048) @Pattern("^https?://.+") String endpoint,
        @JsonPropertyDescription("AWS region of the queue; default: the operator's region.")
        @Size(max = 64) @Pattern("^[a-z0-9-]+$") String region,
        @JsonPropertyDescription("Credentials for the queue; default: the operator's credentials chain.")
        SecretRef credentialsSecret) {
}
