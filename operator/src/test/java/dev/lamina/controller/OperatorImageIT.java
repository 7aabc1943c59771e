package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.images.LocalRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lamina-operator image as the build makes it: Quarkus' Jib build (quarkus-container-image-jib) run for real,
 * offline and without Docker, from an empty base ({@code quarkus.jib.base-jvm-image=scratch}: no registry to pull
 * from here) and pushed to a real registry on loopback (Debian's {@code docker-registry}); its configuration is then
 * read back from the registry and checked against what the chart's pod expects: the numeric non-root user of
 * operator.runAsUser (pods run with runAsNonRoot), the gateway's port 8080 and an entrypoint that runs the application.
 */
@Timeout(600)
class OperatorImageIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quarkusJibBuildsTheOperatorImageAsTheChartRunsIt(@TempDir Path dir) throws Exception {
        assumeTrue(LocalRegistry.installed(), "docker-registry is not installed (.ci/run installs it): "
                + "no registry to push the operator image to");
        HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
        try (LocalRegistry registry = LocalRegistry.start(dir)) {
            String address = registry.address();
            build(address + "/lamina-operator:test", dir.resolve("build.log"));

            JsonNode manifest = get(http, address, "/v2/lamina-operator/manifests/test");
            JsonNode config = get(http, address, "/v2/lamina-operator/blobs/"
                    + manifest.get("config").get("digest").asText()).get("config");
            assertThat(config.get("User").asText()).as("numeric, the chart's operator.runAsUser")
                    .isEqualTo("185");
            assertThat(config.get("ExposedPorts").has("8080/tcp")).as("the gateway's port").isTrue();
            List<String> entrypoint = StreamSupport.stream(config.get("Entrypoint").spliterator(), false)
                    .map(JsonNode::asText).toList();
            assertThat(entrypoint).contains("-jar").last().asString().endsWith("quarkus-run.jar");
        }
    }

    /** The operator's package with the image built and pushed, offline, as a user would ask for it. */
    private static void build(String image, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-B", "-o", "-q",
                "-Dshim.image.skip=true", "-pl", "runtime-shim,examples/hello-java,examples/thumbnail,examples/edge,operator",
                "package", "-DskipTests", "-Dquarkus.container-image.build=true",
                "-Dquarkus.container-image.push=true", "-Dquarkus.container-image.insecure=true",
                "-Dquarkus.container-image.image=" + image, "-Dquarkus.jib.base-jvm-image=scratch")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        boolean exited = maven.waitFor(540, TimeUnit.SECONDS);
        if (!exited) {
            maven.destroyForcibly();
        }
        assertThat(exited && maven.exitValue() == 0).as("image build: %s", Files.readString(log)).isTrue();
    }

    private static JsonNode get(HttpClient http, String address, String path) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                        + "application/vnd.oci.image.manifest.v1+json")
                .timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
