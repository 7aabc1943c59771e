package dev.lamina.shim.environment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.ShimContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LambdaVariablesTest {

    @Test
    void theContractNamesEveryVariableTheShimSetsForARuntime() {
        ShimConfig config = ShimConfig.builder().functionName("f").handler("app.handler").concurrency(2).build();

        assertThat(LambdaVariables.reserved(config, "127.0.0.1:9001").keySet())
                .containsExactlyInAnyOrderElementsOf(ShimContract.RUNTIME_VARIABLES);
    }
}
