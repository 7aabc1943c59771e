package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** An SQS queue reached through the SQS API (AWS or any compatible endpoint). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SqsTarget(
        @JsonPropertyDescription("Queue URL, e.g. https://sqs.us-east-1.amazonaws.com/123456789012/orders.")
        @Required @Pattern("^https?://.+") String queueUrl,
        @JsonPropertyDescription("SQS API endpoint override, for SQS-compatible servers; default: the AWS endpoint of the region.")
        @Pattern("^https?://.+") String endpoint,
        @JsonPropertyDescription("AWS region of the queue; default: the operator's region.")
        String region,
        @JsonPropertyDescription("Credentials for the queue; default: the operator's credentials chain.")
        SecretRef credentialsSecret) {
}
