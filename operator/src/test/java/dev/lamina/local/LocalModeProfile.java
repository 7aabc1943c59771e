package dev.lamina.local;

import dev.lamina.testing.MotoServer;
import dev.lamina.testing.TestOrigin;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

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

    /**
     * The distributions of src/test/resources/local-edge, their origins on {@link TestOrigin}'s port (and a closed
     * one), with examples/edge's Java origin-response function.
     */
    public static final class Edge extends LocalModeProfile {
        @Override
        protected Path directory() {
            Path dir = copyOf("local-edge");
            Path file = dir.resolve("distribution.yaml");
            try {
                Files.writeString(file, Files.readString(file)
                        .replace("${ORIGIN_PORT}", Integer.toString(TestOrigin.shared().port()))
                        .replace("${CLOSED_PORT}", Integer.toString(TestOrigin.closedPort()))
                        .replace("${EDGE_ZIP}", Path.of("..", "examples", "edge", "target", "edge.zip")
                                .toAbsolutePath().normalize().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
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

    /** The function of src/test/resources/local-streaming, which streams its response. */
    public static final class Streaming extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-streaming");
        }
    }

    /** The same function in the default namespace and in team-a (src/test/resources/local-namespaces). */
    public static final class Namespaces extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-namespaces");
        }
    }

    /** The Function URLs of local-urls/, on a writable copy so a test can edit them. */
    public static final class Urls extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-urls");
        }
    }

    /** A function and the aliases deploying its versions (local-deployments/), editable. */
    public static final class Deployments extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-deployments");
        }
    }

    /** A function cheap enough to serve a steady load while its alias deploys (local-deployment-load/), editable. */
    public static final class DeploymentLoad extends LocalModeProfile {
        @Override
        protected Path directory() {
            return copyOf("local-deployment-load");
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
     * function recording what it gets in {@link #RECORDED}; and, where moto_server is installed, a Kinesis stream
     * served by it with three records, mapped (with credentials from a Secret of the directory) to a function
     * recording what it gets in {@link #CLICKS}.
     */
    public static final class Sources extends LocalModeProfile {
        public static final Path RECORDED = temporaryDirectory("lamina-recorded-").resolve("events.jsonl");
        public static final Path CLICKS = RECORDED.resolveSibling("clicks.jsonl");
        /** The records put into the stream, in order, as data. */
        public static final List<String> PUT = List.of("click-0", "click-1", "click-2");
        private static MotoServer moto;
        private static String streamArn;

        /** The stream's ARN, or null where moto_server is not installed. */
        public static synchronized String streamArn() {
            return streamArn;
        }

        @Override
        protected Path directory() {
            Path dir = copyOf("local-sources");
            try {
                Path yaml = dir.resolve("nightly.yaml");
                Files.writeString(yaml, Files.readString(yaml).replace("@OUT@", RECORDED.toString()));
                if (startStream()) {
                    Files.writeString(dir.resolve("clicks.yaml"), """
                            # A Kinesis stream served by moto, read with the keys of a Secret of this directory.
                            apiVersion: v1
                            kind: Secret
                            metadata: {name: moto-credentials}
                            stringData: {AWS_ACCESS_KEY_ID: test, AWS_SECRET_ACCESS_KEY: test}
                            ---
                            apiVersion: lamina.dev/v1alpha1
                            kind: Function
                            metadata: {name: clicks-recorder}
                            spec:
                              runtime: provided.al2023
                              handler: function.handler
                              code: {configMap: recorder-code}
                              environment: {OUT: "%s"}
                            ---
                            apiVersion: lamina.dev/v1alpha1
                            kind: EventSourceMapping
                            metadata: {name: clicks}
                            spec:
                              function: clicks-recorder
                              source:
                                kinesis:
                                  streamArn: "%s"
                                  endpoint: "%s"
                                  credentialsSecret: {name: moto-credentials}
                              startingPosition: TRIM_HORIZON
                            """.formatted(CLICKS, streamArn, moto.endpoint()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return dir;
        }

        /** Starts moto with the stream, once for the JVM; false where moto_server is not installed. */
        private static synchronized boolean startStream() throws IOException, InterruptedException {
            if (moto != null) {
                return true;
            }
            Path executable = MotoServer.executable().orElse(null);
            if (executable == null) {
                return false;
            }
            // moto answers Kinesis in JSON only; the SDK, local mode's included, speaks CBOR to Kinesis unless told.
            System.setProperty("aws.cborEnabled", "false");
            moto = MotoServer.start(executable, temporaryDirectory("lamina-moto-").resolve("moto.log"));
            MotoServer started = moto;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(moto.endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))).build()) {
                kinesis.createStream(b -> b.streamName("clicks").shardCount(1));
                streamArn = kinesis.describeStreamSummary(b -> b.streamName("clicks")).streamDescriptionSummary()
                        .streamARN();
                for (String data : PUT) {
                    kinesis.putRecord(b -> b.streamARN(streamArn).partitionKey("user-1")
                            .data(SdkBytes.fromUtf8String(data)));
                }
            }
            return true;
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
