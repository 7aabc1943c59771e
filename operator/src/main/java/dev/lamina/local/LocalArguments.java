package dev.lamina.local;

import dev.lamina.api.Alias;
import dev.lamina.api.Function;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code local <dir> [--port N]}: the directory to serve and the gateway's port. */
public record LocalArguments(Path dir, int port) {

    public static final int DEFAULT_PORT = 9000;

    public static LocalArguments parse(String... args) {
        Path dir = null;
        int port = DEFAULT_PORT;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--port")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("--port needs a number");
                }
                try {
                    port = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--port needs a number, not '" + args[i] + "'");
                }
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("--port must be 0..65535, not " + port);
                }
            } else if (dir == null && !args[i].startsWith("--")) {
                dir = Path.of(args[i]).toAbsolutePath().normalize();
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("local needs the directory of Function/Alias YAML to serve");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        return new LocalArguments(dir, port);
    }

    /** Configures the application for local mode: the gateway on loopback, no controller role, async on disk. */
    public void configure() {
        System.setProperty("lamina.local.dir", dir.toString());
        if (System.getProperty("lamina.async.data-dir") == null && System.getenv("LAMINA_ASYNC_DATA_DIR") == null) {
            // Accepted asynchronous events survive a restart of `local` on the same directory.
            System.setProperty("lamina.async.data-dir", dir.resolve(".lamina/async").toString());
        }
        System.setProperty("quarkus.http.port", Integer.toString(port));
        System.setProperty("quarkus.http.host", "127.0.0.1");
        System.setProperty("lamina.controller.enabled", "false");
        System.setProperty("quarkus.banner.enabled", "false");
        // Every runtime starting here shares this machine's cores: start at most that many at once per version.
        if (System.getProperty("lamina.gateway.scaling.max-starting") == null) {
            System.setProperty("lamina.gateway.scaling.max-starting",
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
    }
}
