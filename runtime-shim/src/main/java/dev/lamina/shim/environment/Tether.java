package dev.lamina.shim.environment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ties a runtime's life to this JVM's. The runtime runs in a process group of its own ({@code setsid}) beside a
 * watcher that reads a pipe whose only writer is this JVM: when the pipe ends (this JVM closed it, or died, even by
 * SIGKILL) the watcher kills the whole group, the runtime's children included. A parent-death signal would not do:
 * it fires when the <em>thread</em> that forked exits, and runtimes are started from virtual threads whose carriers
 * come and go; it also reaches the runtime only, not its children.
 * <p>
 * The runtime is exec'd in place of the shell, so it keeps the pid, exit status and signals the JVM sees; the
 * watcher is forked twice, so it is no descendant of the runtime (its memory is not the function's). Without
 * {@code setsid} on the PATH the runtime is started as it is, and outlives a killed JVM.
 */
public final class Tether {

    private static final String WATCHED = "exec 3<&0; ( (read _ <&3; kill -KILL -$$) </dev/null >/dev/null 2>&1 & );"
            + " exec \"$@\" 0</dev/null 3<&-";
    private static final Path SETSID = find("setsid");
    private static final Path SH = find("sh");

    private Tether() {
    }

    /** Whether runtimes can be tethered on this machine. */
    public static boolean available() {
        return SETSID != null && SH != null;
    }

    /**
     * The command that starts {@code runtime} tethered; its standard input must be a pipe from this JVM. A program
     * that cannot be run fails here, as the JDK's start would, rather than as the shell's exit status.
     */
    public static List<String> command(List<String> runtime, Path workingDirectory) throws IOException {
        if (!available()) {
            return runtime;
        }
        String program = runtime.getFirst();
        Path executable = program.contains("/") ? workingDirectory.resolve(program) : find(program);
        if (executable == null || !Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new IOException("Cannot run program \"" + program + "\": "
                    + (executable != null && Files.exists(executable) ? "permission denied" : "no such file"));
        }
        List<String> command = new ArrayList<>(List.of(SETSID.toString(), SH.toString(), "-c", WATCHED,
                "lamina-runtime"));
        command.addAll(runtime);
        return command;
    }

    /** Where a tethered process's standard input comes from: the pipe it is tied by, else nothing. */
    public static ProcessBuilder.Redirect input() {
        return available() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null"));
    }

    /** Ends a process's tether: its watcher kills what is left of its process group. */
    public static void release(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // Closed either way.
        }
    }

    private static Path find(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
