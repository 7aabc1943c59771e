package dev.lamina.shim.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.ShimContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lamina-shim image as the build makes it: this module's Jib configuration run for real ({@code jib:buildTar},
 * no Docker), on a base image given as a tarball (no registry is needed: {@code -Djib.from.image=tar://...}),
 * and the image's configuration checked against what the operator's pods expect of it: arguments appended to the
 * entrypoint, a numeric non-root user (pods run with runAsNonRoot), the invoke port, the heap in JAVA_TOOL_OPTIONS
 * (which the operator sizes), and the staged runtime present and executable by any user.
 */
@Timeout(300)
class ShimImageIT {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path STAGED = MODULE.resolve("target/shim-image");

    @Test
    void jibBuildsTheShimImageToATarballThatRunsTheStagedRuntimeAsNonRoot(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(STAGED.resolve("lamina-shim.aot")),
                "target/shim-image is not staged (-Dshim.image.skip, or a JDK below 25): no image to build");
        Path base = dir.resolve("base.tar");
        ImageTarball.writeBase(base, "65532", Map.of("etc/passwd",
                "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"));
        Path image = dir.resolve("lamina-shim.tar");

        build(base, image, dir.resolve("build.log"));

        ImageTarball built = ImageTarball.read(image);
        JsonNode config = built.config().get("config");
        assertThat(strings(config.get("Entrypoint"))).containsExactly("/opt/lamina/jre/bin/java",
                "@/opt/lamina/jvm.options", "-XX:AOTCache=/opt/lamina/lamina-shim.aot", "-jar",
                "/opt/lamina/lamina-shim.jar");
        assertThat(config.path("Cmd").isMissingNode() || config.get("Cmd").isNull() || config.get("Cmd").isEmpty())
                .as("the pod's args (--port, --runtime-api-port) follow the entrypoint").isTrue();
        assertThat(config.get("User").asText()).as("numeric, so the kubelet can check runAsNonRoot")
                .matches("[0-9]+").isNotEqualTo("0");
        assertThat(config.get("ExposedPorts").has(ShimContract.INVOKE_PORT + "/tcp")).isTrue();
        assertThat(strings(config.get("Env"))).contains("JAVA_TOOL_OPTIONS=-Xms8m -Xmx32m");

        for (String file : List.of("/opt/lamina/jre/bin/java", "/opt/lamina/jre/lib/jspawnhelper")) {
            assertThat(built.fileModes()).as(file).containsKey(file);
            assertThat(built.fileModes().get(file) & 0555).as("%s readable and executable by any uid", file)
                    .isEqualTo(0555);
        }
        for (String file : List.of("/opt/lamina/lamina-shim.jar", "/opt/lamina/lamina-shim.aot",
                "/opt/lamina/jvm.options")) {
            assertThat(built.fileModes()).as(file).containsKey(file);
            assertThat(built.fileModes().get(file) & 0444).as("%s readable by any uid", file).isEqualTo(0444);
        }
        assertThat(built.fileModes()).as("the base image's layer is kept").containsKey("/etc/passwd");
    }

    /**
     * This module's {@code jib:buildTar} with the JDK running this test; not offline, because the build that runs
     * this test never runs a Jib goal, so a fresh local repository lacks the plugin (the base image is a tarball:
     * nothing else is fetched).
     */
    private static void build(Path base, Path image, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(MODULE.resolve("../mvnw").normalize().toString(),
                "-B", "-q", "jib:buildTar", "-Djib.from.image=tar://" + base,
                "-Djib.outputPaths.tar=" + image, "-Djib.to.image=lamina-shim:test"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(MODULE.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        boolean exited = maven.waitFor(240, TimeUnit.SECONDS);
        if (!exited) {
            maven.destroyForcibly();
        }
        assertThat(exited && maven.exitValue() == 0).as("jib:buildTar: %s", Files.readString(log)).isTrue();
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
