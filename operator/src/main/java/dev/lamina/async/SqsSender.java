package dev.lamina.async;

import dev.lamina.api.SecretRef;
import dev.lamina.api.SqsTarget;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends messages to SQS queues (AWS or any SQS-compatible endpoint), one client per endpoint, region and credentials. */
final class SqsSender implements AutoCloseable {

    private final String defaultRegion;
    private final SqsCredentials credentials;
    private final Map<ClientKey, SqsClient> clients = new ConcurrentHashMap<>();

    SqsSender(String defaultRegion, SqsCredentials credentials) {
        this.defaultRegion = defaultRegion;
        this.credentials = credentials;
    }

    void send(String namespace, SqsTarget target, String body, Map<String, MessageAttributeValue> attributes) {
        client(namespace, target).sendMessage(message -> message
                .queueUrl(target.queueUrl()).messageBody(body).messageAttributes(attributes));
    }

    private SqsClient client(String namespace, SqsTarget target) {
        String region = target.region() == null ? defaultRegion : target.region();
        ClientKey key = new ClientKey(namespace, target.endpoint(), region, target.credentialsSecret());
        return clients.computeIfAbsent(key, k -> {
            AwsCredentialsProvider provider = k.secret() == null
                    ? DefaultCredentialsProvider.builder().build()
                    : credentials.forSecret(k.namespace(), k.secret());
            SqsClientBuilder builder = SqsClient.builder()
                    .httpClientBuilder(ApacheHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(5))
                            .socketTimeout(Duration.ofSeconds(20)))
                    .region(Region.of(k.region()))
                    .credentialsProvider(provider);
            if (k.endpoint() != null) {
                builder.endpointOverride(URI.create(k.endpoint()));
            }
            return builder.build();
        });
    }

    @Override
    public void close() {
        clients.values().forEach(SqsClient::close);
        clients.clear();
    }

    private record ClientKey(String namespace, String endpoint, String region, SecretRef secret) {
    }
}
