package dev.lamina.local;

import dev.lamina.api.FunctionSpec;
import dev.lamina.shim.ShimContract;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A Docker or Podman engine, which runs a container-image function as the runtime of a local environment: the
 * image's entrypoint, CMD and WORKDIR unless its imageConfig replaces them (the handler is the CMD when the spec names
 * one, how AWS base images read it), the
 * container on the host's network so that it reaches the embedded shim's Runtime API on 127.0.0.1, and Lambda's
 * variables and the function's own handed over by name from the environment the shim gives the command.
 *
 * <p>The engine's client is the runtime process the shim sees; killing it (a reset, a stop) does not stop the
 * container, which would go on asking the Runtime API for events. So the client runs under a small {@code sh}
 * wrapper that names the container after the client's pid and leaves a watcher, outside the client's process tree,
 * that removes the container once the client is gone.
 *
 * @param executable the engine's command, {@code docker} or {@code podman}
 */
record ContainerEngine(String executable) {

    private static final List<String> ENGINES = List.of("docker", "podman");

    /**
     * {@code $1} the engine, then {@code run}'s arguments. {@code exec} keeps the pid, so the watcher watches the
     * client itself; it is started in a subshell that exits at once, so it is no descendant of the client.
     */
    static final String WRAPPER = """
            engine="$1"; shift
            name="lamina-$$"
            (setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" rm -f "$3" >/dev/null 2>&1' \
              lamina-container-watch "$$" "$engine" "$name" </dev/null >/dev/null 2>&1 &)
            exec "$engine" run --name "$name" "$@"
            """;

    /** The engine of this machine, looked for once: the first of docker and podman on the PATH that answers. */
    static Optional<ContainerEngine> onThisMachine() {
        return Detected.ENGINE;
    }

    /**
     * The command that runs the function's image as the runtime.
     *
     * @param variables the function's own variables (names only: their values come from the shim's environment)
     */
    List<String> command(FunctionSpec spec, Collection<String> variables) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "lamina-container", executable,
                "--rm", "-i", "--network", "host", "--label", "dev.lamina.local=true"));
        TreeSet<String> names = new TreeSet<>(ShimContract.RUNTIME_VARIABLES);
        names.addAll(variables);
        for (String name : names) {
            command.addAll(List.of("-e", name));
        }
        FunctionSpec.ImageConfig imageConfig = spec.imageConfig();
        List<String> entryPoint = imageConfig == null ? null : imageConfig.entryPoint();
        if (imageConfig != null && imageConfig.workingDirectory() != null) {
            command.addAll(List.of("--workdir", imageConfig.workingDirectory()));
        }
        if (entryPoint != null) {
            // The engine takes the entry point's program alone; the rest of it goes before the command.
            command.addAll(List.of("--entrypoint", entryPoint.isEmpty() ? "" : entryPoint.getFirst()));
        }
        String memory = spec.memoryMB() + "m";
        command.addAll(List.of("--memory", memory, "--memory-swap", memory, spec.image()));
        if (entryPoint != null && entryPoint.size() > 1) {
            command.addAll(entryPoint.subList(1, entryPoint.size()));
        }
        if (imageConfig != null && imageConfig.command() != null) {
            command.addAll(imageConfig.command());
        } else if (spec.handler() != null) {
            command.add(spec.handler());
        }
        return List.copyOf(command);
    }

    private static final class Detected {
        static final Optional<ContainerEngine> ENGINE = ENGINES.stream()
                .filter(Detected::answers)
                .findFirst()
                .map(ContainerEngine::new);

        /** On the PATH and its daemon (or, for Podman, its storage) answers {@code version} within a few seconds. */
        private static boolean answers(String engine) {
            String path = System.getenv("PATH");
            boolean onPath = path != null && Arrays.stream(path.split(File.pathSeparator))
                    .map(dir -> Path.of(dir, engine))
                    .anyMatch(Files::isExecutable);
            if (!onPath) {
                return false;
            }
            try {
                Process version = new ProcessBuilder(engine, "version")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!version.waitFor(5, TimeUnit.SECONDS)) {
                    version.destroyForcibly();
                    return false;
                }
                return version.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
