package dev.lamina.local;

import dev.lamina.api.SecretRef;
import dev.lamina.async.SqsCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * AWS credentials from the Secrets of the directory, as a cluster reads them from its Secrets: keys
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and optionally {@code AWS_SESSION_TOKEN}, in {@code data}
 * (base64) or {@code stringData}. Read when a source connects, so an edited Secret counts from the next connection.
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
            String id = value(secret, "AWS_ACCESS_KEY_ID");
            String key = value(secret, "AWS_SECRET_ACCESS_KEY");
            if (id == null || key == null) {
                throw new IllegalStateException("Secret " + namespace + "/" + ref.name()
                        + " needs the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            String token = value(secret, "AWS_SESSION_TOKEN");
            AwsCredentials credentials = token == null ? AwsBasicCredentials.create(id, key)
                    : AwsSessionCredentials.create(id, key, token);
            return credentials;
        };
    }

    private static String value(Secret secret, String key) {
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key);
        }
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return null;
    }
}
