package dev.lamina.shim.environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * Finds the runtime's processes in a shared process namespace (sidecar mode): either the processes whose command
 * line matches a configured pattern, or those whose environment points {@code AWS_LAMBDA_RUNTIME_API} at this shim's
 * port. The shim's own process, ancestors and children never match.
 */
final class RuntimeProcessFinder {

    private static final String RUNTIME_API = "AWS_LAMBDA_RUNTIME_API=";

    private final Optional<Pattern> commandLine;
    private final IntSupplier runtimeApiPort;

    /** The port is asked for when processes are looked for: the Runtime API binds after this is made. */
    RuntimeProcessFinder(Optional<Pattern> commandLine, IntSupplier runtimeApiPort) {
        this.commandLine = commandLine;
        this.runtimeApiPort = runtimeApiPort;
    }

    String describe() {
        return commandLine.map(pattern -> "command line matching '" + pattern + "'")
                .orElse(RUNTIME_API + "<host>:" + runtimeApiPort.getAsInt() + " in its environment");
    }

    /** The topmost matching processes: those whose parent does not match too. */
    List<ProcessHandle> roots() {
        Set<Long> own = ownProcesses();
        List<ProcessHandle> matching = ProcessHandle.allProcesses()
                .filter(process -> !own.contains(process.pid()))
                .filter(this::matches)
                .toList();
        Set<Long> matchingPids = matching.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        return matching.stream()
                .filter(process -> process.parent().map(parent -> !matchingPids.contains(parent.pid())).orElse(true))
                .toList();
    }

    private boolean matches(ProcessHandle process) {
        try {
            return commandLine.isPresent()
                    ? commandLine.get().matcher(read(process, "cmdline").replace('\0', ' ').strip()).find()
                    : pointsAtThisShim(read(process, "environ"));
        } catch (IOException | SecurityException unreadable) {
            return false;
        }
    }

    private boolean pointsAtThisShim(String environ) {
        String port = ":" + runtimeApiPort.getAsInt();
        for (String variable : environ.split("\0")) {
            if (variable.startsWith(RUNTIME_API) && variable.endsWith(port)) {
                return true;
            }
        }
        return false;
    }

    private static String read(ProcessHandle process, String file) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file)),
                StandardCharsets.UTF_8);
    }

    private static Set<Long> ownProcesses() {
        Set<Long> own = new HashSet<>();
        ProcessHandle self = ProcessHandle.current();
        own.add(self.pid());
        self.descendants().forEach(child -> own.add(child.pid()));
        for (Optional<ProcessHandle> parent = self.parent(); parent.isPresent(); parent = parent.get().parent()) {
            own.add(parent.get().pid());
        }
        return own;
    }
}
