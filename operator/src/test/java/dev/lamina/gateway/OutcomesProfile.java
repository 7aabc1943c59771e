package dev.lamina.gateway;

import dev.lamina.local.LocalModeProfile;
import java.nio.file.Path;

/** Local mode serving src/test/resources/local-outcomes: a function that succeeds, fails or waits as asked. */
public final class OutcomesProfile extends LocalModeProfile {

    @Override
    protected Path directory() {
        return Path.of("src", "test", "resources", "local-outcomes").toAbsolutePath();
    }
}
