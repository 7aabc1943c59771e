package dev.lamina.gateway;

import static dev.lamina.gateway.Gateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lamina.deployments.Outcomes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Real invocations through the Invoke API in local mode (a function that succeeds, fails or waits as asked) are counted
 * per executed version, and
 * {@code GET /lamina/v1/outcomes} serves the counts. Counters are cumulative for the application, which other tests of
 * the profile share, so the tests compare a reading before with one after.
 */
@QuarkusTest
@TestProfile(OutcomesProfile.class)
@Timeout(120)
class OutcomesApiTest {

    private static LambdaClient lambda;
    private static HttpClient http;

    @Inject
    OutcomeCounters counters;

    @BeforeAll
    static void clients() {
        lambda = Gateway.lambda();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void close() {
        lambda.close();
        http.close();
    }

    @Test
    void successesFunctionErrorsAndThrottlesAreCountedPerExecutedVersionAndServed() throws Exception {
        Outcomes latestBefore = read("judged", "$LATEST");
        Outcomes versionOneBefore = read("judged", "1");

        assertThat(invoke(null, "{}").functionError()).isNull();
        assertThat(invoke(null, "{\"fail\":true}").functionError()).isEqualTo("Unhandled");
        assertThat(invoke("1", "{}").executedVersion()).isEqualTo("1");
        // A request refused before it reaches the function is the caller's error: not an invocation.
        assertThatThrownBy(() -> invoke(null, "{not json")).isInstanceOf(InvalidRequestContentException.class);

        Outcomes latest = read("judged", "$LATEST").since(latestBefore);
        assertThat(latest.invocations()).isEqualTo(2);
        assertThat(latest.functionErrors()).isEqualTo(1);
        assertThat(latest.platformErrors()).isZero();
        assertThat(latest.throttles()).isZero();
        assertThat(Arrays.stream(latest.durationBuckets()).sum()).isEqualTo(2);

        Outcomes versionOne = read("judged", "1").since(versionOneBefore);
        assertThat(versionOne.invocations()).isEqualTo(1);
        assertThat(versionOne.errors()).isZero();

        assertThat(counters.outcomes("default", "judged", "$LATEST"))
                .containsOnlyKeys(counters.instanceId())
                .containsValue(read("judged", "$LATEST"));
    }

    @Test
    void anInvocationRefusedForConcurrencyIsAThrottleNotAnInvocation() throws Exception {
        Outcomes before = read("judged", "$LATEST");
        Path release = Files.createTempDirectory("lamina-outcomes-").resolve("release");
        CompletableFuture<InvokeResponse> held = CompletableFuture.supplyAsync(
                () -> invoke(null, "{\"waitFor\":\"" + release + "\"}"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Gateway.metric("lambda_concurrent_executions",
                    "function_name=\"judged\"") == 1);
            assertThatThrownBy(() -> invoke(null, "{}")).isInstanceOf(TooManyRequestsException.class);
        } finally {
            Files.writeString(release, "go");
        }
        assertThat(held.get(60, TimeUnit.SECONDS).functionError()).isNull();

        Outcomes after = read("judged", "$LATEST").since(before);
        assertThat(after.throttles()).isEqualTo(1);
        assertThat(after.invocations()).isEqualTo(1);
        assertThat(after.errorRate(true)).isEqualTo(0.5);
    }

    @Test
    void theEndpointFiltersByQueryAndNamesThisReplica() throws Exception {
        invoke(null, "{}");
        invoke("1", "{}");

        OutcomeReport all = get("");
        assertThat(all.instance()).isEqualTo(counters.instanceId());
        assertThat(all.versions()).extracting(v -> v.function() + ":" + v.version())
                .contains("judged:$LATEST", "judged:1");

        OutcomeReport judged = get("?namespace=default&function=judged");
        assertThat(judged.versions()).extracting(OutcomeReport.VersionOutcomes::version)
                .containsExactly("$LATEST", "1");

        assertThat(get("?namespace=default&function=judged&version=1").versions())
                .singleElement().satisfies(v -> assertThat(v.outcomes().invocations()).isPositive());
        assertThat(get("?namespace=team-z").versions()).isEmpty();
    }

    private static InvokeResponse invoke(String qualifier, String payload) {
        return lambda.invoke(b -> b.functionName("judged").qualifier(qualifier).payload(json(payload)));
    }

    /** One version's outcomes as the endpoint serves them ({@link Outcomes#NONE} when not invoked yet). */
    private static Outcomes read(String function, String version) throws IOException, InterruptedException {
        return get("?namespace=default&function=" + function + "&version=" + version.replace("$", "%24"))
                .versions().stream().map(OutcomeReport.VersionOutcomes::outcomes).findFirst().orElse(Outcomes.NONE);
    }

    private static OutcomeReport get(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(Gateway.endpoint() + OutcomesApi.PATH + query)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return OutcomeReport.fromJson(response.body());
    }
}
