package dev.lamina.async;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * AWS credentials as a {@code credentialsSecret} holds them, in a cluster or in local mode's directory: keys
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and optionally {@code AWS_SESSION_TOKEN}, in {@code data}
 * (base64) or {@code stringData}.
 */
public final class AwsSecretKeys {
    private AwsSecretKeys() {
    }

    /** The credentials of a Secret named {@code where} in messages; refused with the reason when keys are missing. */
    public static AwsCredentials credentials(Secret secret, String where) {
        Map<String, String> values = SecretData.values(secret);
        String id = values.get("AWS_ACCESS_KEY_ID");
        String key = values.get("AWS_SECRET_ACCESS_KEY");
        if (id == null || key == null) {
            throw new IllegalStateException("Secret " + where + " needs the keys AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY");
        }
        String token = values.get("AWS_SESSION_TOKEN");
        return token == null ? AwsBasicCredentials.create(id, key) : AwsSessionCredentials.create(id, key, token);
    }
}
