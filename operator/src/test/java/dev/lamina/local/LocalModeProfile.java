package dev.lamina.local;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the application in local mode on a directory, as {@code local <dir>} does, with short autoscaler windows so
 * that scaling is observable in a test. One application start per profile (Quarkus restarts between profiles).
 */
public abstract class LocalModeProfile implements QuarkusTestProfile {

    /** The directory to serve. */
    protected abstract Path directory();

    /** Settings a profile adds. */
    protected Map<String, String> extra() {
        return Map.of();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(Map.of(
                "lamina.local.dir", directory().toString(),
                "lamina.local.poll-interval", "200ms",
                "lamina.local.function-logs", "false",
                "lamina.controller.enabled", "false",
                "lamina.gateway.scaling.stable-window", "2s",
                "lamina.gateway.scaling.panic-window", "1s",
                "lamina.gateway.scaling.tick", "200ms",
                "quarkus.http.test-port", "0",
                "quarkus.http.host", "127.0.0.1",
                "quarkus.kubernetes-client.devservices.enabled", "false"));
        config.put("lamina.async.data-dir", asyncDataDir().toString());
        config.putAll(extra());
        return config;
    }

    /** The examples/ directory of the repository, exactly what the README serves. */
    public static final class Examples extends LocalModeProfile {
        @Override
        protected Path directory() {
            return Path.of("..", "examples").toAbsolutePath().normalize();
        }
    }

    /** A writable copy of a test resource directory, for tests that edit files; deleted when the tests end. */
    static Path copyOf(String resourceDir) {
        try {
            Path source = Path.of("src", "test", "resources", resourceDir);
            Path target = Files.createTempDirectory("lamina-" + resourceDir + "-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(target)));
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh directory for the async event queue of one application start; deleted when the tests end. */
    static Path asyncDataDir() {
        try {
            Path dir = Files.createTempDirectory("lamina-async-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The functions of src/test/resources/local-scaling, in a writable copy. */
    public static final class Scaling extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-scaling");
        }
    }

    /** A function with a version declared by hand, editable. */
    public static final class Versions extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-versions");
        }
    }

    /** One function under an account concurrency limit of 4. */
    public static final class AccountLimit extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-account");
        }

        @Override
        protected Map<String, String> extra() {
            return Map.of("lamina.gateway.account-concurrency-limit", "4");
        }
    }
}
