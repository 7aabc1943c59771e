package dev.lamina.gateway;

import static dev.lamina.gateway.Gateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/** The account (namespace) concurrency limit, set to 4, applies to functions without reserved concurrency. */
@QuarkusTest
@TestProfile(LocalModeProfile.AccountLimit.class)
class AccountLimitTest {

    @Test
    void callsBeyondTheAccountLimitAreThrottledWithItsReason() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TooManyRequestsException>> calls = new ArrayList<>();
        try (LambdaClient lambda = Gateway.lambda(); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    try {
                        lambda.invoke(b -> b.functionName("limited").payload(json("{\"sleep\":1}")));
                        return null;
                    } catch (TooManyRequestsException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            int served = 0;
            for (Future<TooManyRequestsException> call : calls) {
                TooManyRequestsException throttle = call.get(60, TimeUnit.SECONDS);
                if (throttle == null) {
                    served++;
                } else {
                    assertThat(throttle.reason()).isEqualTo(ThrottleReason.CONCURRENT_INVOCATION_LIMIT_EXCEEDED);
                }
            }
            assertThat(served).isBetween(1, 4);
        }
    }
}
