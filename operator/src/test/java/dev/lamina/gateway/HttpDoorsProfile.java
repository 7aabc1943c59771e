package dev.lamina.gateway;

import dev.lamina.local.LocalModeProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * Local mode serving examples/ with short HTTP deadlines and a small limit of half-open connections, so that the
 * guards of the server's connections act within a test's patience.
 */
public final class HttpDoorsProfile extends LocalModeProfile {

    static final int MAX_HALF_OPEN = 64;

    @Override
    protected Path directory() {
        return Path.of("..", "examples").toAbsolutePath().normalize();
    }

    @Override
    protected Map<String, String> extra() {
        return Map.of("lamina.gateway.http.header-timeout", "1s",
                "lamina.gateway.http.body-timeout", "1s",
                "lamina.gateway.http.max-half-open-connections", Integer.toString(MAX_HALF_OPEN));
    }
}
