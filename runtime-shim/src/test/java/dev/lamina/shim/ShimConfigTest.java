package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShimConfigTest {

    @Test
    void defaultsAreLambdas() {
        ShimConfig config = ShimConfig.builder().build();

        assertThat(config.functionVersion()).isEqualTo("$LATEST");
        assertThat(config.memoryMb()).isEqualTo(128);
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.accountId()).isEqualTo("000000000000");
        assertThat(config.concurrency()).isEqualTo(1);
        assertThat(config.invokePort()).isZero();
        assertThat(config.runtimeApiPort()).isZero();
        assertThat(config.invokeHost()).isEqualTo("127.0.0.1");
        assertThat(config.runtimeCommand()).isEmpty();
        assertThat(config.sidecar()).isTrue();
        assertThat(config.initializationType()).isEqualTo(InitializationType.ON_DEMAND);
        assertThat(config.initTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.defaultFunctionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:function");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        ShimConfig config = ShimConfig.builder().functionName("f").functionVersion("3").memoryMb(512)
                .runtimeCommand("bootstrap").concurrency(3).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void rejectsValuesLambdaWouldReject() {
        assertThatThrownBy(() -> ShimConfig.builder().functionName("has space").build())
                .hasMessageContaining("functionName");
        assertThatThrownBy(() -> ShimConfig.builder().functionVersion("latest").build())
                .hasMessageContaining("functionVersion");
        assertThatThrownBy(() -> ShimConfig.builder().memoryMb(64).build()).hasMessageContaining("memoryMb");
        assertThatThrownBy(() -> ShimConfig.builder().timeout(Duration.ofSeconds(901)).build())
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> ShimConfig.builder().concurrency(0).build()).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> ShimConfig.builder().accountId("123").build()).hasMessageContaining("accountId");
        assertThatThrownBy(() -> ShimConfig.builder().runtimeCommand((List<String>) null).build())
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void initializationTypeUsesLambdasWords() {
        assertThat(InitializationType.of("provisioned-concurrency")).isEqualTo(InitializationType.PROVISIONED_CONCURRENCY);
        assertThat(InitializationType.ON_DEMAND.value()).isEqualTo("on-demand");
        assertThatThrownBy(() -> InitializationType.of("snapstart")).hasMessageContaining("on-demand");
    }
}
