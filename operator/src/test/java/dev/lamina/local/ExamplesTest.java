package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README serves examples/: every file in it must load in local mode as written. */
@QuarkusTest
@TestProfile(LocalModeProfile.Examples.class)
@Timeout(120)
class ExamplesTest {
    @Inject
    LocalMode localMode;

    @Test
    void everyExampleLoadsWithoutAProblem() {
        assertThat(localMode.startProblems()).isEmpty();
    }

    @Test
    void helloPythonGreetsWithTheMachinesPython() throws Exception {
        assumeTrue(PythonRuntime.onPath(Files.createTempDirectory("python-probe-")).interpreter("python3.12")
                instanceof PythonRuntime.Found, "hello-python runs with the machine's python3, and there is none");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(Gateway.endpoint()
                            .resolve("/2015-03-31/functions/hello-python/invocations"))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode answer = new ObjectMapper().readTree(response.body());
            assertThat(answer.at("/message").asText()).isEqualTo("Hello, Ada! (from hello-python version $LATEST)");
        }
    }
}
