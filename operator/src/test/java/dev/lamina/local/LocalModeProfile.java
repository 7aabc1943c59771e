package dev.lamina.local;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
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
        config.put("lamina.async.data-dir", temporaryDirectory("lamina-async-").toString());
        config.put("lamina.local.state-dir", stateDirectory().toString());
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

    /** Where local mode keeps its state (fired schedule ticks); fresh unless a profile prepares one. */
    protected Path stateDirectory() {
        return temporaryDirectory("lamina-state-");
    }

    /** A fresh directory; deleted when the tests end. */
    static Path temporaryDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path dir) {
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

    /**
     * A schedule whose last tick was recorded days ago (so it fires once at start, for the latest missed tick) and a
     * function recording what it gets in {@link #RECORDED}.
     */
    public static final class Sources extends LocalModeProfile {
        public static final Path RECORDED = temporaryDirectory("lamina-recorded-").resolve("events.jsonl");

        @Override
        protected Path directory() {
            Path dir = copyOf("local-sources");
            try {
                Path yaml = dir.resolve("nightly.yaml");
                Files.writeString(yaml, Files.readString(yaml).replace("@OUT@", RECORDED.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        }

        @Override
        protected Path stateDirectory() {
            Path state = temporaryDirectory("lamina-state-");
            try {
                Path tick = Files.createDirectories(state.resolve("schedules/default")).resolve("nightly");
                Files.writeString(tick, Instant.now().minus(Duration.ofDays(3)) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return state;
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
