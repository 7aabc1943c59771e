package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line behaves like the AWS emulator's: settings from its variables, plus a few options. */
class MainTest {

    @Test
    void defaultsAreLambdasAndTheEmulatorsPort() {
        ShimConfig config = Main.parse(List.of("/var/runtime/bootstrap"), Map.of());

        assertThat(config.invokePort()).isEqualTo(8080);
        assertThat(config.invokeHost()).isEqualTo("0.0.0.0");
        assertThat(config.runtimeApiPort()).as("any free port when the shim starts the runtime").isZero();
        assertThat(config.runtimeCommand()).containsExactly("/var/runtime/bootstrap");
        assertThat(config.functionName()).isEqualTo("function");
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.memoryMb()).isEqualTo(128);
        assertThat(config.concurrency()).isEqualTo(1);
        assertThat(config.sidecar()).isFalse();
    }

    @Test
    void readsTheEmulatorsVariables() {
        ShimConfig config = Main.parse(List.of("bootstrap"), Map.of(
                "AWS_LAMBDA_FUNCTION_TIMEOUT", "30",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                "AWS_LAMBDA_FUNCTION_NAME", "thumbnail",
                "AWS_LAMBDA_FUNCTION_VERSION", "7",
                "_HANDLER", "app.handler",
                "AWS_REGION", "eu-west-1",
                "AWS_LAMBDA_MAX_CONCURRENCY", "4",
                "AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency"));

        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.memoryMb()).isEqualTo(1024);
        assertThat(config.functionName()).isEqualTo("thumbnail");
        assertThat(config.functionVersion()).isEqualTo("7");
        assertThat(config.handler()).isEqualTo("app.handler");
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.concurrency()).isEqualTo(4);
        assertThat(config.initializationType()).isEqualTo(InitializationType.PROVISIONED_CONCURRENCY);
        assertThat(config.defaultFunctionArn()).isEqualTo("arn:aws:lambda:eu-west-1:000000000000:function:thumbnail:7");
    }

    @Test
    void optionsComeBeforeTheCommandAndEverythingAfterItIsTheRuntimes() {
        ShimConfig config = Main.parse(List.of("--port", "9000", "--host", "127.0.0.1", "--concurrency", "2",
                "--runtime-api-port", "9101", "java", "-cp", "x", "--port", "1"), Map.of());

        assertThat(config.invokePort()).isEqualTo(9000);
        assertThat(config.invokeHost()).isEqualTo("127.0.0.1");
        assertThat(config.concurrency()).isEqualTo(2);
        assertThat(config.runtimeApiPort()).isEqualTo(9101);
        assertThat(config.runtimeCommand()).containsExactly("java", "-cp", "x", "--port", "1");
    }

    @Test
    void doubleDashEndsTheOptions() {
        assertThat(Main.parse(List.of("--", "--weird-runtime-name"), Map.of()).runtimeCommand())
                .containsExactly("--weird-runtime-name");
    }

    @Test
    void withoutACommandItIsASidecarOnTheRuntimeApiPortOfAPod() {
        ShimConfig config = Main.parse(List.of("--sidecar-process-pattern", "java .*AWSLambda"), Map.of());

        assertThat(config.sidecar()).isTrue();
        assertThat(config.runtimeApiPort()).isEqualTo(9001);
        assertThat(config.sidecarProcessPattern()).hasValueSatisfying(
                pattern -> assertThat(pattern.pattern()).isEqualTo("java .*AWSLambda"));
        assertThat(config.runtimeOutput()).isNull();
    }

    @Test
    void aSidecarReadsTheRuntimesOutputFromTheNamedPipeItIsGiven() {
        ShimConfig config = Main.parse(List.of("--runtime-output", ShimContract.RUNTIME_OUTPUT_FIFO), Map.of());

        assertThat(config.runtimeOutput()).isEqualTo(java.nio.file.Path.of("/lamina/output/runtime"));
        assertThatThrownBy(() -> Main.parse(List.of("--runtime-output", "/tmp/p", "./bootstrap"), Map.of()))
                .hasMessageStartingWith("runtimeOutput is for sidecar mode");
    }

    @Test
    void badInputGetsAClearError() {
        assertThatThrownBy(() -> Main.parse(List.of("--port"), Map.of()))
                .hasMessage("--port needs a value");
        assertThatThrownBy(() -> Main.parse(List.of("--port", "eighty"), Map.of()))
                .hasMessage("--port must be a whole number, got: eighty");
        assertThatThrownBy(() -> Main.parse(List.of("--colour", "red"), Map.of()))
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> Main.parse(List.of("b"), Map.of("AWS_LAMBDA_FUNCTION_TIMEOUT", "0")))
                .hasMessageContaining("timeout must be 1..900 seconds");
        assertThatThrownBy(() -> Main.parse(List.of("--sidecar-process-pattern", "("), Map.of()))
                .hasMessageStartingWith("--sidecar-process-pattern is not a valid regular expression");
    }

    @Test
    void helpIsNotAConfiguration() {
        assertThat(Main.parse(List.of("--help"), Map.of())).isNull();
    }

    @Test
    void externalExtensionsComeFromOptExtensionsUnlessToldOtherwise() {
        assertThat(Main.parse(List.of("bootstrap"), Map.of()).extensionsDirectory())
                .isEqualTo(Path.of("/opt/extensions"));
        assertThat(Main.parse(List.of("--extensions-dir", "/layers/extensions", "bootstrap"), Map.of())
                .extensionsDirectory()).isEqualTo(Path.of("/layers/extensions"));
    }
}
