package dev.lamina;

import dev.lamina.local.LocalArguments;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The application's entry point, for both modes. Without arguments it runs as in a cluster (controller and gateway
 * roles); {@code local <dir> [--port N]} serves the resources in a directory with local processes, no cluster needed.
 */
@QuarkusMain
public final class LaminaMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("local")) {
            try {
                LocalArguments.parse(args).configure();
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                System.err.println("usage: local <dir> [--port N]");
                System.exit(2);
                return;
            }
        } else if (args.length > 0) {
            System.err.println("error: unknown command '" + args[0] + "'");
            System.err.println("usage: local <dir> [--port N]   (no arguments: run as the cluster operator)");
            System.exit(2);
            return;
        }
        Quarkus.run(args);
    }
}
