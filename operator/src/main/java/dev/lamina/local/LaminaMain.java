package dev.lamina.local;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The application's entry point. Without arguments it runs as in a cluster; {@code local <dir> [--port N]} serves
 * the resources in a directory with local processes, no cluster needed.
 */
@QuarkusMain
public final class LaminaMain {

    static final int DEFAULT_PORT = 9000;

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("local")) {
            LocalArguments local;
            try {
                local = LocalArguments.parse(args);
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                System.err.println("usage: local <dir> [--port N]");
                System.exit(2);
                return;
            }
            System.setProperty("lamina.local.dir", local.dir().toString());
            if (System.getProperty("lamina.async.data-dir") == null && System.getenv("LAMINA_ASYNC_DATA_DIR") == null) {
                // Accepted asynchronous events survive a restart of `local` on the same directory.
                System.setProperty("lamina.async.data-dir", local.dir().resolve(".lamina/async").toString());
            }
            System.setProperty("quarkus.http.port", Integer.toString(local.port()));
            System.setProperty("quarkus.http.host", "127.0.0.1");
            System.setProperty("lamina.controller.enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            // Every runtime starting here shares this machine's cores: start at most that many at once per version.
            if (System.getProperty("lamina.gateway.scaling.max-starting") == null) {
                System.setProperty("lamina.gateway.scaling.max-starting",
                        Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
            }
        } else if (args.length > 0) {
            System.err.println("error: unknown command '" + args[0] + "'");
            System.err.println("usage: local <dir> [--port N]   (no arguments: run as the cluster operator)");
            System.exit(2);
            return;
        }
        Quarkus.run(args);
    }

    /** {@code local <dir> [--port N]}. */
    record LocalArguments(Path dir, int port) {

        static LocalArguments parse(String... args) {
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
    }
}
