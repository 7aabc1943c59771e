package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.api.EventSource;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.api.SecretRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The consumer settings of a Kafka mapping: Lambda's consumer and the cluster's security from Secrets. */
@Timeout(10)
class KafkaClientConfigTest {
    private static final Map<String, Map<String, String>> SECRETS = Map.of(
            "user", Map.of("username", "app", "password", "p\"w\\d"),
            "ca", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----CA"),
            "client", Map.of("tls.crt", "-----BEGIN CERTIFICATE-----C", "tls.key", "-----BEGIN PRIVATE KEY-----K"),
            "empty", Map.of());

    private static Map<String, Object> config(String startingPosition, SecretRef credentials, String mechanism,
                                              EventSource.KafkaTls tls) {
        EventSource.Kafka kafka = new EventSource.Kafka(List.of("b1:9092", "b2:9092"), "orders", null, credentials,
                mechanism, tls);
        EventSourceMappingSpec spec = new EventSourceMappingSpec("fn", null, true,
                new EventSource(null, kafka, null, null, null), null, null, null, null, null, null, startingPosition,
                null, null, null, null, null, null);
        return KafkaClientConfig.of(new Mapping(new MappingKey("team", "orders"), 1, spec), (namespace, ref) -> {
            Map<String, String> values = SECRETS.get(ref.name());
            if (values == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " does not exist");
            }
            return values;
        });
    }

    @Test
    void aPlaintextConsumerCommitsItselfInTheMappingsGroup() {
        Map<String, Object> config = config("TRIM_HORIZON", null, null, null);
        assertThat(config).containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("group.id", "lamina-team-orders")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("allow.auto.create.topics", false)
                .containsEntry("max.poll.interval.ms", 1_200_000)
                .containsEntry("security.protocol", "PLAINTEXT");
        assertThat(config("LATEST", null, null, null)).containsEntry("auto.offset.reset", "latest");
        assertThat(config(null, null, null, null)).containsEntry("auto.offset.reset", "latest");
    }

    @Test
    void saslTakesItsCredentialsFromTheSecret() {
        Map<String, Object> config = config(null, new SecretRef("user"), null, null);
        assertThat(config).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"app\" password=\"p\\\"w\\\\d\";");
        assertThat(config(null, new SecretRef("user"), "PLAIN", null).get("sasl.jaas.config").toString())
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
        assertThatThrownBy(() -> config(null, new SecretRef("empty"), null, null))
                .hasMessage("Secret team/empty needs the keys username and password");
        assertThatThrownBy(() -> config(null, new SecretRef("gone"), null, null))
                .hasMessage("Secret team/gone does not exist");
    }

    @Test
    void tlsTrustsTheSecretsCasAndPresentsItsClientCertificate() {
        Map<String, Object> config = config(null, new SecretRef("user"), "SCRAM-SHA-256",
                new EventSource.KafkaTls(true, new SecretRef("ca"), new SecretRef("client")));
        assertThat(config).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----CA")
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----C")
                .containsEntry("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----K");
        assertThat(config(null, null, null, new EventSource.KafkaTls(true, null, null)))
                .containsEntry("security.protocol", "SSL").doesNotContainKey("ssl.truststore.type");
        assertThat(config(null, null, null, new EventSource.KafkaTls(false, new SecretRef("ca"), null)))
                .containsEntry("security.protocol", "PLAINTEXT");
        assertThatThrownBy(() -> config(null, null, null, new EventSource.KafkaTls(true, new SecretRef("empty"), null)))
                .hasMessage("Secret team/empty needs the keys ca.crt");
    }
}
