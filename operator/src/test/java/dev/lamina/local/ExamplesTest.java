package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;

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
        try (LambdaClient lambda = Gateway.lambda()) {
            InvokeResponse response = lambda.invoke(b -> b.functionName("hello-python")
                    .payload(Gateway.json("{\"name\":\"Ada\"}")));

            assertThat(response.functionError()).isNull();
            JsonNode answer = new ObjectMapper().readTree(response.payload().asUtf8String());
            assertThat(answer.at("/message").asText()).isEqualTo("Hello, Ada! (from hello-python version $LATEST)");
        }
    }

    @Test
    void theReferenceGreeterImportsFromItsLayerUnderOpt() {
        assumeTrue(NodeRuntime.find(System.getenv("PATH")) instanceof NodeRuntime.Found,
                "node is not on the PATH, so local mode cannot run the greeter");
        try (LambdaClient lambda = Gateway.lambda()) {
            InvokeResponse response = lambda.invoke(b -> b.functionName("greeter")
                    .payload(Gateway.json("{\"name\":\"Ada\"}")));

            assertThat(response.functionError()).isNull();
            assertThat(response.payload().asUtf8String()).isEqualTo("{\"greeting\":\"Hello, Ada!\"}");
        }
    }

    @Test
    void helloNodeAnswersThroughTheGatewayWithItsLogInTheTail() {
        assumeTrue(NodeRuntime.find(System.getenv("PATH")) instanceof NodeRuntime.Found,
                "node is not on the PATH, so local mode cannot run hello-node");
        try (LambdaClient lambda = Gateway.lambda()) {
            InvokeResponse response = lambda.invoke(b -> b.functionName("hello-node").logType(LogType.TAIL)
                    .payload(Gateway.json("{\"name\":\"Ada\"}")));

            assertThat(response.functionError()).isNull();
            assertThat(response.payload().asUtf8String())
                    .startsWith("{\"message\":\"Hello, Ada, from hello-node on Node.js v");
            assertThat(new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8))
                    .containsPattern("\\tINFO\\tgreeting Ada\n");
        }
    }
}
