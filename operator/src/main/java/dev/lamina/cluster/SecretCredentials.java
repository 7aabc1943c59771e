package dev.lamina.cluster;

import dev.lamina.api.SecretRef;
import dev.lamina.async.AwsSecretKeys;
import dev.lamina.async.SqsCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * AWS credentials from a Secret of the cluster (keys {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * optionally {@code AWS_SESSION_TOKEN}), read with a {@code get} (the operator does not watch Secrets) and kept for a
 * minute, so a rotated Secret counts within a minute without a read per request.
 */
final class SecretCredentials implements SqsCredentials {
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
                    cached = read(namespace, ref);
                    readAt = Instant.now();
                }
                return cached;
            }
        };
    }

    private AwsCredentials read(String namespace, SecretRef ref) {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        if (secret == null) {
            throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " does not exist");
        }
        return AwsSecretKeys.credentials(secret, namespace + "/" + ref.name());
    }
}
