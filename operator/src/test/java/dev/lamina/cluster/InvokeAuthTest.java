package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.controller.Fixtures;
import dev.lamina.gateway.Gateway;
import dev.lamina.urls.FunctionUrls;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Who may invoke, in a cluster (the gateway with the controller role, on a mock API server that plays TokenReview and
 * SubjectAccessReview), through the unmodified AWS SDK sending a Kubernetes bearer token: allowed callers, plain names
 * in the caller's namespace, a caller RBAC does not allow, no token, a token the API rejects, an AWS signature.
 */
@QuarkusTest
@TestProfile(InvokeAuthTest.ClusterMode.class)
@WithKubernetesTestServer(crud = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InvokeAuthTest {

    public static class ClusterMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No environment starts on a mock API server: an admitted invocation is throttled after a second.
            return Map.of("lamina.controller.enabled", "true",
                    "quarkus.http.test-port", "0",
                    "quarkus.http.host", "127.0.0.1",
                    "lamina.gateway.max-slot-wait", "1s",
                    "lamina.gateway.max-start-wait", "1s");
        }
    }

    /** The account of namespace team-a: {@code printf %s team-a | sha256sum | tr -dc 0-9 | cut -c1-12}. */
    private static final String TEAM_A = "arn:aws:lambda:us-east-1:962886511490:function:";
    private static final String UPLOADER = "system:serviceaccount:team-a:uploader";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KubernetesAuthFake kubernetes;

    @KubernetesTestServer
    KubernetesServer server;

    @BeforeEach
    void cluster() {
        if (kubernetes != null) {
            return;
        }
        kubernetes = new KubernetesAuthFake().installOn(server::expect)
                .serviceAccount("uploader-token", "team-a", "uploader")
                .serviceAccount("uploader-token-2", "team-a", "uploader")
                .serviceAccount("reader-token", "team-a", "reader")
                .user("ada-token", "ada@example.com")
                .grant(UPLOADER, "invoke", "team-a", "echo")
                .grant(UPLOADER, "get", "team-a", "echo")
                .grant("ada@example.com", "invoke", "team-a", "echo")
                .grant("ada@example.com", "invoke", "default", "echo");
        var client = server.getClient();
        client.resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build()).create();
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("echo-code").withNamespace("team-a")
                .endMetadata().addToData("bootstrap", "#!/bin/sh\n").build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: echo, namespace: team-a}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: echo-code}
                  url:
                    authType: KUBERNETES
                    cors: {allowOrigins: ["https://app.example.com"], allowMethods: ["POST"]}
                """)).create();
        try (LambdaClient uploader = lambda("uploader-token")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> dryRun(uploader, "echo") == 204);
        }
    }

    @Test
    void aServiceAccountsPlainNamesResolveInItsNamespaceAndArnsByAccount() {
        try (LambdaClient uploader = lambda("uploader-token")) {
            assertThat(dryRun(uploader, "echo")).isEqualTo(204);
            assertThat(dryRun(uploader, TEAM_A + "echo")).isEqualTo(204);
            assertThat(uploader.getFunction(b -> b.functionName("echo")).configuration().functionArn())
                    .isEqualTo(TEAM_A + "echo");
        }
    }

    @Test
    void callersThatAreNoServiceAccountNameTheDefaultNamespace() {
        try (LambdaClient ada = lambda("ada-token")) {
            assertThatThrownBy(() -> dryRun(ada, "echo")).isInstanceOfSatisfying(ResourceNotFoundException.class,
                    e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo"));
            assertThat(dryRun(ada, TEAM_A + "echo")).isEqualTo(204);
        }
    }

    @Test
    void aCallerRbacDoesNotAllowIsDeniedAsLambdaDeniesIt() {
        try (LambdaClient reader = lambda("reader-token")) {
            for (InvocationType type : new InvocationType[] {InvocationType.REQUEST_RESPONSE, InvocationType.EVENT,
                    InvocationType.DRY_RUN}) {
                assertThatThrownBy(() -> reader.invoke(b -> b.functionName("echo").invocationType(type)
                        .payload(Gateway.json("{}")))).isInstanceOfSatisfying(LambdaException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(403);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User:"
                                    + " system:serviceaccount:team-a:reader is not authorized to perform:"
                                    + " lambda:InvokeFunction on resource: " + TEAM_A + "echo because no"
                                    + " resource-based policy allows the lambda:InvokeFunction action");
                        });
            }
            assertThatThrownBy(() -> reader.getFunction(b -> b.functionName("echo")))
                    .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void noTokenARejectedTokenAndAnAwsSignatureAreRefusedAsLambdaRefusesThem() throws Exception {
        try (LambdaClient anonymous = lambda(null)) {
            assertThatThrownBy(() -> dryRun(anonymous, "echo")).isInstanceOfSatisfying(LambdaException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingAuthenticationTokenException");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Missing Authentication Token");
            });
        }
        try (LambdaClient stolen = lambda("stolen-token"); LambdaClient signed = Gateway.lambda()) {
            for (LambdaClient client : new LambdaClient[] {stolen, signed}) {
                assertThatThrownBy(() -> dryRun(client, "echo")).isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("The security token included in the request is invalid.");
                });
            }
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(Gateway.endpoint()
                            .resolve("/2015-03-31/functions/echo/invocations")).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(
                    "MissingAuthenticationTokenException");
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("Message").asText()).isEqualTo("Missing Authentication Token");
        }
    }

    @Test
    void aKubernetesAuthFunctionUrlAdmitsOnlyCallersRbacAllows() throws Exception {
        String url = "/lambda-url/" + FunctionUrls.id("team-a", "echo", null) + "/";
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(urlCall(http, url, null).statusCode()).as("no token").isEqualTo(403);
            assertThat(urlCall(http, url, "reader-token").statusCode()).as("RBAC does not allow").isEqualTo(403);
            HttpResponse<String> refused = urlCall(http, url, "stolen-token");
            assertThat(refused.statusCode()).as("a token the API rejects").isEqualTo(403);
            assertThat(refused.headers().firstValue("x-amzn-ErrorType")).hasValue("AccessDeniedException");
            assertThat(urlCall(http, url, "uploader-token").statusCode())
                    .as("admitted, then throttled: no environment runs on a mock API server").isEqualTo(429);
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(Gateway.endpoint().resolve(url))
                    .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).as("a preflight carries no credentials").isEqualTo(200);
            assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                    .hasValue("https://app.example.com");
        }
    }

    private static HttpResponse<String> urlCall(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(Gateway.endpoint().resolve(url))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenIsReviewedOnceWhileItsAnswerIsKept() {
        try (LambdaClient uploader = lambda("uploader-token-2")) {
            for (int i = 0; i < 3; i++) {
                assertThat(dryRun(uploader, "echo")).isEqualTo(204);
            }
        }
        assertThat(kubernetes.tokenReviews.stream().filter("uploader-token-2"::equals)).hasSize(1);
    }

    private static int dryRun(LambdaClient lambda, String function) {
        return lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.DRY_RUN)).statusCode();
    }

    /**
     * The AWS SDK as a caller in a cluster configures it: no AWS signature (anonymous credentials), a Kubernetes
     * bearer token (say, a projected ServiceAccount token) in the Authorization header; none when null.
     */
    private static LambdaClient lambda(String token) {
        return LambdaClient.builder()
                .endpointOverride(Gateway.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(60));
                    if (token != null) {
                        o.addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                                                                    ExecutionAttributes attributes) {
                                return context.httpRequest().toBuilder()
                                        .putHeader("Authorization", "Bearer " + token).build();
                            }
                        });
                    }
                })
                .build();
    }
}
