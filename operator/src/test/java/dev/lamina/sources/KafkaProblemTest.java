package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Why a Kafka cluster cannot be read, as the mapping's status words it. */
@Timeout(10)
class KafkaProblemTest {
    private static final List<String> SERVERS = List.of("b1:9092", "b2:9092");

    @Test
    void refusedCredentialsAndPermissionsAreAccessDenied() {
        assertThat(KafkaProblem.of(new SaslAuthenticationException("invalid credentials"), SERVERS))
                .isEqualTo(new SourceProblem("AccessDenied", "invalid credentials"));
        assertThat(KafkaProblem.of(new GroupAuthorizationException("not in group g"), SERVERS).reason())
                .isEqualTo("AccessDenied");
    }

    @Test
    void brokersThatDoNotAnswerOrResolveAreUnreachable() {
        assertThat(KafkaProblem.of(new TimeoutException("Timeout expired while fetching topic metadata"), SERVERS))
                .isEqualTo(new SourceProblem("SourceUnreachable", "no broker of b1:9092,b2:9092 answered in time"));
        assertThat(KafkaProblem.of(new KafkaException("Failed to construct kafka consumer",
                new ConfigException("No resolvable bootstrap urls given in bootstrap.servers")), SERVERS))
                .isEqualTo(new SourceProblem("SourceUnreachable", "Failed to construct kafka consumer: "
                        + "No resolvable bootstrap urls given in bootstrap.servers"));
    }

    @Test
    void anythingElseSaysWhyUnderneath() {
        assertThat(KafkaProblem.of(new KafkaException("Failed to construct kafka consumer",
                new KafkaException("Failed to load SSL keystore", new IllegalArgumentException("bad PEM"))), SERVERS))
                .isEqualTo(new SourceProblem("SourceError", "Failed to construct kafka consumer: bad PEM"));
        assertThat(KafkaProblem.topicNotFound("orders").reason()).isEqualTo("TopicNotFound");
    }
}
