package dev.lamina.async;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the delivery tests share: a fresh store and harness per test, and a webhook to receive records. The store is
 * the embedded one; a subclass may give another ({@link #harness}).
 */
abstract class HarnessFixture {

    @TempDir
    Path dir;
    Harness async;
    Webhook hook;

    @BeforeEach
    void startHarness() {
        async = harness(Harness.FAST);
        hook = new Webhook();
    }

    /** A harness on a store of its own: the embedded one here, in a new directory. */
    Harness harness(AsyncSettings settings) {
        return new Harness(dir.resolve("store-" + UUID.randomUUID()), settings);
    }

    @AfterEach
    void stopHarness() {
        async.close();
        hook.close();
    }

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }
}
