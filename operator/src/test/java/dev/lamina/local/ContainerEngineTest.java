package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lamina.api.FunctionSpec;
import dev.lamina.shim.DirectInvocation;
import dev.lamina.shim.DirectReply;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command local mode runs a container-image function with. No Docker or Podman here: the command is checked as
 * built, and run by the real shim against a stand-in engine (a bash script that records its arguments and then acts
 * as the image's runtime over the Runtime API), which shows the container reaching the shim, getting the handler and
 * the function's variables, and being removed once its client is killed.
 */
@Timeout(60)
class ContainerEngineTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    /** {@code rm} is recorded; {@code run} is recorded, then serves events, answering with its last argument. */
    private static final String STAND_IN_ENGINE = """
            #!/bin/bash
            calls="$(dirname "$0")/calls"
            if [ "$1" = rm ]; then echo "$*" >> "$calls"; exit 0; fi
            echo "$*" >> "$calls"
            handler="${@: -1}"
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
            while true; do
              HEADERS="$(mktemp)"
              curl -sS -LD "$HEADERS" "$API/invocation/next" > /dev/null
              ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              curl -sS -o /dev/null "$API/invocation/$ID/response" \\
                -d "{\\"handler\\":\\"$handler\\",\\"greeting\\":\\"$GREETING\\"}"
              rm -f "$HEADERS"
            done
            """;

    @TempDir
    Path dir;

    @Test
    void theImageRunsWithItsEntrypointOnTheHostNetworkWithTheHandlerAsCmdAndItsMemory() throws Exception {
        List<String> command = new ContainerEngine("docker").command(spec("""
                image: public.ecr.aws/lambda/python:3.13
                handler: app.handler
                memoryMB: 256
                environment: {GREETING: hi}
                """), List.of("GREETING"));

        assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
        List<String> engineArguments = command.subList(4, command.size());
        assertThat(engineArguments.subList(0, 5)).containsExactly("docker", "--rm", "-i", "--network", "host");
        assertThat(String.join(" ", engineArguments))
                .contains("-e AWS_LAMBDA_RUNTIME_API ", "-e AWS_LAMBDA_FUNCTION_NAME ", "-e GREETING ", "-e _HANDLER ")
                .endsWith("--memory 256m --memory-swap 256m public.ecr.aws/lambda/python:3.13 app.handler")
                .doesNotContain("--entrypoint", "LAMBDA_TASK_ROOT");
        assertThat(new ContainerEngine("podman").command(spec("image: example.com/fn:1"), List.of()))
                .contains("podman").last().isEqualTo("example.com/fn:1");
    }

    @Test
    void imageConfigReplacesTheImagesEntrypointCmdAndWorkdir() throws Exception {
        List<String> command = new ContainerEngine("docker").command(spec("""
                image: example.com/fn:1
                imageConfig:
                  entryPoint: [/usr/bin/node, --enable-source-maps]
                  command: [app.handler]
                  workingDirectory: /srv
                """), List.of());

        assertThat(String.join(" ", command.subList(4, command.size())))
                .contains("--workdir /srv --entrypoint /usr/bin/node --memory 128m")
                .endsWith("example.com/fn:1 --enable-source-maps app.handler");
    }

    @Test
    void theShimServesTheContainerAndItIsRemovedOnceItsClientIsKilled() throws Exception {
        Path engine = dir.resolve("engine");
        Files.writeString(engine, STAND_IN_ENGINE);
        Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ContainerEngine(engine.toString()).command(spec("""
                image: example.com/greeter:1
                handler: greeter.handle
                environment: {GREETING: hello}
                """), List.of("GREETING"));

        try (Shim shim = Shim.start(ShimConfig.builder().functionName("greeter").handler("greeter.handle")
                .runtimeCommand(command).environment(Map.of("GREETING", "hello")).build())) {
            shim.readyFuture().get(30, TimeUnit.SECONDS);
            DirectReply reply = shim.invoke(new DirectInvocation("r-1", "{}".getBytes(StandardCharsets.UTF_8),
                    null, null, "arn:aws:lambda:us-east-1:000000000000:function:greeter", false, true),
                    Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

            assertThat(new String(reply.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"handler\":\"greeter.handle\",\"greeting\":\"hello\"}");
        }
        List<String> calls = Files.readAllLines(dir.resolve("calls"));
        String run = calls.getFirst();
        assertThat(run).startsWith("run --name lamina-").contains(" --network host ", " -e GREETING ");
        String name = run.split(" ")[2];
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(dir.resolve("calls"))
                .contains("rm -f " + name));
    }

    private static FunctionSpec spec(String yaml) throws Exception {
        return YAML.readValue(yaml, FunctionSpec.class);
    }
}
