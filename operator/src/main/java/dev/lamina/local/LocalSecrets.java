package dev.lamina.local;

import dev.lamina.api.SecretRef;
import dev.lamina.async.AwsSecretKeys;
import dev.lamina.async.SqsCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * AWS credentials from the Secrets of the directory, read as a cluster reads its Secrets ({@link AwsSecretKeys}),
 * from the directory's latest read.
 */
final class LocalSecrets implements SqsCredentials {
    private volatile Map<String, Map<String, Secret>> secrets = Map.of();

    void update(Map<String, Map<String, Secret>> byNamespace) {
        secrets = Map.copyOf(byNamespace);
    }

    @Override
    public AwsCredentialsProvider forSecret(String namespace, SecretRef ref) {
        return () -> {
            Secret secret = secrets.getOrDefault(namespace, Map.of()).get(ref.name());
            if (secret == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " is not in the directory");
            }
            return AwsSecretKeys.credentials(secret, namespace + "/" + ref.name());
        };
    }
}
