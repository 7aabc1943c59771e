package dev.lamina.async;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** {@link DeliveryRulesTest}'s rules, with the events kept in a NATS JetStream stream. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NatsDeliveryRulesTest extends DeliveryRulesTest {

    private static NatsStreams nats;

    @BeforeAll
    static void startNats() {
        nats = NatsStreams.start();
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    Harness harness(AsyncSettings settings) {
        return nats.harness(settings);
    }
}
