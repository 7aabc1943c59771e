package dev.lamina.shim.environment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionErrorTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void runtimesErrorDocumentIsPassedOnUnchanged() {
        byte[] document = utf8("{\"errorMessage\":\"m\",\"errorType\":\"T\",\"stackTrace\":[\"a\"],\"extra\":1}");

        FunctionError error = FunctionError.fromRuntime(document, "Runtime.UserException");

        assertThat(error.body()).isEqualTo(document);
        assertThat(error.errorType()).isEqualTo("T");
    }

    @Test
    void errorTypeHeaderFillsInWhenTheDocumentHasNone() {
        assertThat(FunctionError.fromRuntime(utf8("{\"errorMessage\":\"m\"}"), "Runtime.UserException").errorType())
                .isEqualTo("Runtime.UserException");
    }

    @Test
    void textThatIsNotJsonBecomesTheMessage() {
        FunctionError error = FunctionError.fromRuntime(utf8("  it broke \n"), null);

        assertThat(Json.readError(error.body())).contains(new Json.ErrorFields("Runtime.Unknown", "it broke"));
    }

    @Test
    void platformErrorsUseLambdasWords() {
        assertThat(Json.readError(FunctionError.timeout("r-0", Duration.ofMillis(2500)).body()))
                .contains(new Json.ErrorFields("Sandbox.Timedout", "RequestId: r-0 Error: Task timed out after 2.50 seconds"));
        assertThat(Json.readError(FunctionError.runtimeExit("r-1", ExitReasons.describe(2)).body()))
                .contains(new Json.ErrorFields("Runtime.ExitError",
                        "RequestId: r-1 Error: Runtime exited with error: exit status 2"));
        assertThat(Json.readError(FunctionError.outOfMemory("r-2", ExitReasons.KILLED).body()))
                .contains(new Json.ErrorFields("Runtime.OutOfMemory",
                        "RequestId: r-2 Error: Runtime exited with error: signal: killed"));
        assertThat(FunctionError.responseTooLarge(6291556).errorType()).isEqualTo("Function.ResponseSizeTooLarge");
    }

    @Test
    void exitValuesReadLikeLambdas() {
        assertThat(ExitReasons.describe(0)).isEqualTo("Runtime exited without providing a reason");
        assertThat(ExitReasons.describe(3)).isEqualTo("Runtime exited with error: exit status 3");
        assertThat(ExitReasons.describe(137)).isEqualTo("Runtime exited with error: signal: killed");
        assertThat(ExitReasons.describe(139)).isEqualTo("Runtime exited with error: signal: segmentation fault");
        assertThat(ExitReasons.describe(143)).isEqualTo("Runtime exited with error: signal: terminated");
    }

    @Test
    void readErrorRefusesAnythingButOneObject() {
        assertThat(Json.readError(utf8("[1]"))).isEmpty();
        assertThat(Json.readError(utf8("{\"errorType\":\"T\"} trailing"))).isEmpty();
        assertThat(Json.readError(utf8("{broken"))).isEmpty();
        assertThat(Json.isObject(utf8("{\"a\":{\"b\":[1]}}"))).isTrue();
        assertThat(Json.isObject(utf8("\"text\""))).isFalse();
    }
}
