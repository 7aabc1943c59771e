package dev.lamina.async;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What the delivery tests share: a fresh store and harness per test, and a webhook to receive records. */
abstract class HarnessFixture {

    @TempDir
    Path dir;
    Harness async;
    Webhook hook;

    @BeforeEach
    void startHarness() {
        async = new Harness(dir);
        hook = new Webhook();
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
