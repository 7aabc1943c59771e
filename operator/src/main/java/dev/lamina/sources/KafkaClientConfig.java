package dev.lamina.sources;

import dev.lamina.api.EventSource;
import dev.lamina.api.SecretRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The KafkaConsumer settings of a mapping: Lambda's consumer (the mapping's group, offsets committed by the poller
 * only, the starting position for a group without offsets) and the cluster's security, SASL and TLS, from the
 * mapping's Secrets.
 */
final class KafkaClientConfig {
    /**
     * Longer than the longest invocation (15 minutes) and the closing of a revoked partition's batches, so that a slow
     * batch never costs the consumer its membership of the group.
     */
    static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(20);

    private KafkaClientConfig() {
    }

    /** The consumer group: the configured one, or {@code lamina-NAMESPACE-NAME}. */
    static String groupId(Mapping mapping) {
        String configured = mapping.spec().source().kafka().consumerGroupId();
        return configured != null ? configured
                : "lamina-" + mapping.key().namespace() + "-" + mapping.key().name();
    }

    /**
     * The consumer's settings.
     *
     * @throws IllegalStateException when a Secret the mapping names is missing or lacks a key
     */
    static Map<String, Object> of(Mapping mapping, SecretValues secrets) {
        EventSource.Kafka kafka = mapping.spec().source().kafka();
        String namespace = mapping.key().namespace();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.bootstrapServers()));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(mapping));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lamina-" + namespace + "-" + mapping.key().name());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "TRIM_HORIZON".equals(mapping.spec().startingPosition()) ? "earliest" : "latest");
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis());
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A poll may fill a whole batch: with the client's 500, a batch of 10,000 would take twenty polls.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, mapping.spec().effectiveBatchSize()));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // The poller reports an unreachable cluster itself: the client's reconnection warnings may stay rare.
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000);

        boolean sasl = kafka.credentialsSecret() != null;
        boolean tls = kafka.tls() != null && Boolean.TRUE.equals(kafka.tls().enabled());
        SecurityProtocol protocol = sasl ? (tls ? SecurityProtocol.SASL_SSL : SecurityProtocol.SASL_PLAINTEXT)
                : (tls ? SecurityProtocol.SSL : SecurityProtocol.PLAINTEXT);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name);
        if (sasl) {
            Map<String, String> credentials = read(secrets, namespace, kafka.credentialsSecret(), "username",
                    "password");
            String mechanism = kafka.effectiveSaslMechanism();
            config.put(SaslConfigs.SASL_MECHANISM, mechanism);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, credentials.get("username"),
                    credentials.get("password")));
        }
        if (tls && kafka.tls().caSecret() != null) {
            config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG,
                    read(secrets, namespace, kafka.tls().caSecret(), "ca.crt").get("ca.crt"));
        }
        if (tls && kafka.tls().clientCertSecret() != null) {
            Map<String, String> client = read(secrets, namespace, kafka.tls().clientCertSecret(), "tls.crt",
                    "tls.key");
            config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            config.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, client.get("tls.crt"));
            config.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, client.get("tls.key"));
        }
        return config;
    }

    /** The JAAS line of a SASL login, its values quoted as JAAS reads them. */
    static String jaas(String mechanism, String username, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + escaped(username) + "\" password=\"" + escaped(password) + "\";";
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Map<String, String> read(SecretValues secrets, String namespace, SecretRef ref, String... keys) {
        Map<String, String> values = secrets.read(namespace, ref);
        for (String key : keys) {
            if (values.get(key) == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " needs the keys "
                        + String.join(" and ", keys));
            }
        }
        return values;
    }
}
