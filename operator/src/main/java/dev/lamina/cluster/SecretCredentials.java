package dev.lamina.cluster;

import dev.lamina.api.SecretRef;
import dev.lamina.async.AwsSecretKeys;
import dev.lamina.async.SecretData;
import dev.lamina.async.SqsCredentials;
import dev.lamina.sources.SecretValues;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * AWS credentials from a Secret of the cluster (keys {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * optionally {@code AWS_SESSION_TOKEN}), read with a {@code get} (the operator does not watch Secrets) and kept for a
 * minute, so a rotated Secret counts within a minute without a read per request; and a Secret's raw values, read
 * anew each time (a Kafka poller reads them when it connects).
 */
final class SecretCredentials implements SqsCredentials, SecretValues {
    private static final Duration KEEP = Duration.ofMinutes(1);

    private final KubernetesClient client;

    SecretCredentials(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public AwsCredentialsProvider forSecret(String namespace, SecretRef ref) {
        return new AwsCredentialsProvider() {
            private AwsCredentials cached;
            private Instant readAt = Instant.MIN;

            @Override
            public synchronized AwsCredentials resolveCredentials() {
                if (cached == null || Instant.now().isAfter(readAt.plus(KEEP))) {
                    cached = credentials(namespace, ref);
                    readAt = Instant.now();
                }
                return cached;
            }
        };
    }

    @Override
    public Map<String, String> read(String namespace, SecretRef ref) {
        return SecretData.values(secret(namespace, ref));
    }

    private AwsCredentials credentials(String namespace, SecretRef ref) {
        return AwsSecretKeys.credentials(secret(namespace, ref), namespace + "/" + ref.name());
    }

    private Secret secret(String namespace, SecretRef ref) {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        if (secret == null) {
            throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " does not exist");
        }
        return secret;
    }
}
