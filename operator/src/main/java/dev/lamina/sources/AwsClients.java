package dev.lamina.sources;

import dev.lamina.api.SecretRef;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** How pollers make their AWS clients (SQS, Kinesis, DynamoDB Streams): one rule for credentials and for timeouts. */
final class AwsClients {
    private AwsClients() {
    }

    /**
     * The credentials of a source: from its {@code credentialsSecret}, or the process's default chain without one.
     *
     * @throws SourceProblem.Refused when the Secret cannot be used
     */
    static AwsCredentialsProvider credentials(SourceCollaborators with, String namespace, SecretRef secret) {
        if (secret == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        try {
            return with.credentials().forSecret(namespace, secret);
        } catch (RuntimeException e) {
            throw new SourceProblem.Refused(new SourceProblem("AccessDenied", "the credentials Secret "
                    + secret.name() + " cannot be used: " + e.getMessage()));
        }
    }

    /** A client builder for an endpoint (or the region's own), with bounded connections and calls. */
    static <B extends AwsSyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B configure(
            B builder, String endpoint, String region, AwsCredentialsProvider credentials, int maxConnections,
            Duration callTimeout) {
        builder.httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(callTimeout))
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout))
                .region(Region.of(region))
                .credentialsProvider(credentials);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }
}
