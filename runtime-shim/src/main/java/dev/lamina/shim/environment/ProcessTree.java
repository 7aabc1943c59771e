package dev.lamina.shim.environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/** A process and its descendants, read from and signalled through /proc. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * SIGKILLs the roots and all their descendants. The descendants are listed before anything is killed: once a
     * parent dies its children are re-parented and can no longer be found under it. Roots go first so that a shell
     * loop cannot start new children while its current ones are being killed.
     */
    static void kill(Collection<ProcessHandle> roots) {
        List<ProcessHandle> descendants = roots.stream().flatMap(ProcessHandle::descendants).toList();
        roots.forEach(ProcessHandle::destroyForcibly);
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    static List<ProcessHandle> withDescendants(Collection<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>(roots);
        roots.forEach(root -> root.descendants().forEach(all::add));
        return all;
    }

    /** Sum of the peak resident set sizes (VmHWM) of the live processes, in bytes. */
    static long peakResidentBytes(Collection<ProcessHandle> processes) {
        long total = 0;
        for (ProcessHandle process : processes) {
            total += statusKilobytes(process.pid(), "VmHWM:") * 1024;
        }
        return total;
    }

    private static long statusKilobytes(long pid, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith(field))
                    .findFirst()
                    .map(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").strip()))
                    .orElse(0L);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
