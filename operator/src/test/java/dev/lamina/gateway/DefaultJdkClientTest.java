package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JDK {@code HttpClient} with default settings asks each new connection to upgrade to cleartext HTTP/2; the gateway
 * answers on HTTP/1.1 instead (upgraded requests were seen to go unanswered under load), and every call is answered.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Examples.class)
class DefaultJdkClientTest {

    @Test
    void aDefaultJdkClientGetsEveryAnswerOverHttp11() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (HttpClient client = HttpClient.newHttpClient()) {
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(client.sendAsync(HttpRequest.newBuilder(Gateway.endpoint().resolve("/q/metrics"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                    calls.add(client.sendAsync(HttpRequest.newBuilder(Gateway.endpoint()
                                    .resolve("/2015-03-31/functions/hello-bash/invocations"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> call : calls) {
                    // A bound instead of the client's default (none): an unanswered call fails here, not hangs.
                    HttpResponse<String> response = call.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
                }
            }
        }
    }
}
