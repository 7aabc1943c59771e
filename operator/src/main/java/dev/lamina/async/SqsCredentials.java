package dev.lamina.async;

import dev.lamina.api.SecretRef;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Turns an SQS target's credentials Secret into AWS credentials; implemented where Secrets can be read. */
@FunctionalInterface
public interface SqsCredentials {

    AwsCredentialsProvider forSecret(String namespace, SecretRef secret);
}
