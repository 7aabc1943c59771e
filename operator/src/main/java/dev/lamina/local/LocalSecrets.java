package dev.lamina.local;

import dev.lamina.api.SecretRef;
import dev.lamina.async.AwsSecretKeys;
import dev.lamina.async.SecretData;
import dev.lamina.async.SqsCredentials;
import dev.lamina.sources.SecretValues;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * AWS credentials and raw values from the Secrets of the directory, read as a cluster reads its Secrets
 * ({@link AwsSecretKeys}, {@link SecretData}), from the directory's latest read.
 */
final class LocalSecrets implements SqsCredentials, SecretValues {
    private volatile Map<String, Map<String, Secret>> secrets = Map.of();

    void update(Map<String, Map<String, Secret>> byNamespace) {
        secrets = Map.copyOf(byNamespace);
    }

    @Override
    public AwsCredentialsProvider forSecret(String namespace, SecretRef ref) {
        return () -> AwsSecretKeys.credentials(secret(namespace, ref), namespace + "/" + ref.name());
    }

    @Override
    public Map<String, String> read(String namespace, SecretRef ref) {
        return SecretData.values(secret(namespace, ref));
    }

    private Secret secret(String namespace, SecretRef ref) {
        Secret secret = secrets.getOrDefault(namespace, Map.of()).get(ref.name());
        if (secret == null) {
            throw new IllegalStateException("Secret " + namespace + "/" + ref.name() + " is not in the directory");
        }
        return secret;
    }
}
