package dev.lamina.async;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
        String id = value(secret, "AWS_ACCESS_KEY_ID");
        String key = value(secret, "AWS_SECRET_ACCESS_KEY");
        if (id == null || key == null) {
            throw new IllegalStateException("Secret " + where + " needs the keys AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY");
        }
        String token = value(secret, "AWS_SESSION_TOKEN");
        return token == null ? AwsBasicCredentials.create(id, key) : AwsSessionCredentials.create(id, key, token);
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
