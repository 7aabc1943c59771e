package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The source an event source mapping reads: exactly one of the kinds below. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.sqs), has(self.kafka), has(self.kinesis), has(self.dynamodbStreams), has(self.schedule)].filter(x, x).size() == 1",
        message = "source names exactly one of sqs, kafka, kinesis, dynamodbStreams or schedule")
public record EventSource(
        @JsonPropertyDescription("An SQS queue (standard or FIFO).") SqsTarget sqs,
        @JsonPropertyDescription("A self-managed Kafka topic.") Kafka kafka,
        @JsonPropertyDescription("A Kinesis data stream.") Stream kinesis,
        @JsonPropertyDescription("A DynamoDB stream.") Stream dynamodbStreams,
        @JsonPropertyDescription("A schedule (cron or rate expression), like an EventBridge Scheduler rule.") Schedule schedule) {

    /** The source kind's name, as shown by kubectl. */
    public String type() {
        if (sqs != null) {
            return "sqs";
        } else if (kafka != null) {
            return "kafka";
        } else if (kinesis != null) {
            return "kinesis";
        } else if (dynamodbStreams != null) {
            return "dynamodbStreams";
        }
        return "schedule";
    }

    /** A self-managed Kafka topic. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Kafka(
            @JsonPropertyDescription("Bootstrap servers as host:port (1-10).")
            @Required @Size(min = 1, max = 10) List<@Size(max = 300) @Pattern("^[^\\s:/]+:[0-9]{1,5}$") String> bootstrapServers,
            @JsonPropertyDescription("The topic to read.")
            @Required @Pattern("^[a-zA-Z0-9._-]{1,249}$") String topic,
            @JsonPropertyDescription("Consumer group id; default: lamina-NAMESPACE-NAME of the mapping.")
            @Size(min = 1, max = 200) String consumerGroupId,
            @JsonPropertyDescription("A Secret with keys username and password for SASL authentication, if the cluster needs it.")
            SecretRef credentialsSecret,
            @JsonPropertyDescription("The SASL mechanism used with credentialsSecret: SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN.")
            @Pattern("^(SCRAM-SHA-512|SCRAM-SHA-256|PLAIN)$") String saslMechanism,
            @JsonPropertyDescription("TLS to the brokers; default: plaintext.")
            KafkaTls tls) {

        /** The SASL mechanism in force: the configured one or SCRAM-SHA-512. */
        public String effectiveSaslMechanism() {
            return saslMechanism == null ? "SCRAM-SHA-512" : saslMechanism;
        }
    }

    /** TLS to a Kafka cluster: the root CAs to trust and, optionally, a client certificate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KafkaTls(
            @JsonPropertyDescription("Whether the brokers are reached over TLS.")
            @Required Boolean enabled,
            @JsonPropertyDescription("A Secret whose key ca.crt holds the PEM root CAs to trust; default: the JVM's trusted CAs.")
            SecretRef caSecret,
            @JsonPropertyDescription("A Secret (type kubernetes.io/tls) whose keys tls.crt and tls.key hold the PEM client certificate chain and its unencrypted PKCS#8 key, for TLS client authentication.")
            SecretRef clientCertSecret) {
    }

    /** A Kinesis or DynamoDB stream, addressed by ARN. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stream(
            @JsonPropertyDescription("The stream's ARN.")
            @Required @Size(max = 1024) @Pattern("^arn:aws[a-z-]*:(kinesis|dynamodb):.+") String streamArn,
            @JsonPropertyDescription("API endpoint override, for compatible servers.")
            @Size(max = 2048) @Pattern("^https?://.+") String endpoint,
            @JsonPropertyDescription("AWS region; default: the one in the ARN.")
            @Size(max = 64) @Pattern("^[a-z0-9-]+$") String region,
            @JsonPropertyDescription("Credentials; default: the operator's credentials chain.")
            SecretRef credentialsSecret) {
    }

    /** A schedule: cron(...) or rate(...) as in EventBridge, with an optional constant input. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(
            @JsonPropertyDescription("cron(minutes hours day-of-month month day-of-week year) or rate(N minute|minutes|hour|hours|day|days).")
            @Required @Size(max = 256) @Pattern("^(cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|rate\\((1 (minute|hour|day)|[1-9][0-9]* (minutes|hours|days))\\))$")
            String expression,
            @JsonPropertyDescription("JSON sent as the event instead of the Scheduled Event envelope (at most 8192 characters).")
            @Size(max = 8192) String input,
            @JsonPropertyDescription("IANA time zone the cron expression is read in, e.g. Europe/Berlin; default UTC.")
            @Size(max = 64) @Pattern("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$") String timezone) {
    }
}
