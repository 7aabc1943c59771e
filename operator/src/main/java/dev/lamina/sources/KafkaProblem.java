package dev.lamina.sources;

import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;

/** Why a Kafka cluster cannot be read, as a mapping's status says it; the same problem reads the same each time. */
final class KafkaProblem {
    private KafkaProblem() {
    }

    static SourceProblem of(KafkaException failure, List<String> bootstrapServers) {
        return switch (failure) {
            case AuthenticationException denied -> new SourceProblem("AccessDenied", denied.getMessage());
            case AuthorizationException denied -> new SourceProblem("AccessDenied", denied.getMessage());
            case TimeoutException timeout -> new SourceProblem("SourceUnreachable", "no broker of "
                    + String.join(",", bootstrapServers) + " answered in time");
            default -> {
                // A consumer that cannot be made says so on top, and why underneath (a broker name that does not
                // resolve, a certificate that does not parse).
                Throwable cause = failure;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                String message = cause == failure ? failure.getMessage()
                        : failure.getMessage() + ": " + cause.getMessage();
                yield new SourceProblem(cause instanceof ConfigException && message.contains("resolvable bootstrap")
                        ? "SourceUnreachable" : "SourceError", message);
            }
        };
    }

    static SourceProblem topicNotFound(String topic) {
        return new SourceProblem("TopicNotFound", "topic " + topic + " does not exist, or its user may not "
                + "describe it");
    }
}
