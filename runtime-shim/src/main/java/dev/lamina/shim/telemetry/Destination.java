package dev.lamina.shim.telemetry;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a subscriber listens: an {@code http://} URI with a port. Lambda's listeners bind {@code sandbox.localdomain},
 * the execution environment's own name; here that name means the loopback address.
 */
record Destination(String host, int port, String path, String hostHeader) {

    static final String SANDBOX_HOST = "sandbox.localdomain";

    /** The destination of a URI; {@link IllegalArgumentException} with Lambda's wording when it is none. */
    static Destination of(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException invalid) {
            throw new IllegalArgumentException("URI is invalid: " + invalid.getMessage());
        }
        if (!"http".equalsIgnoreCase(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException("URI must be an http:// URI with a host, got: " + uri);
        }
        if (parsed.getPort() < 0) {
            throw new IllegalArgumentException("URI port is not provided");
        }
        String host = parsed.getHost().equalsIgnoreCase(SANDBOX_HOST) ? "127.0.0.1" : parsed.getHost();
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        if (parsed.getRawQuery() != null) {
            path += "?" + parsed.getRawQuery();
        }
        return new Destination(host, parsed.getPort(), path, parsed.getHost() + ":" + parsed.getPort());
    }
}
