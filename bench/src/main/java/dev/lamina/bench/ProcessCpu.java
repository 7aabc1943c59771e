package dev.lamina.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/** CPU time (user + system) that processes spent, as Linux's {@code /proc} counts it. */
final class ProcessCpu {

    /** USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every Linux architecture. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private ProcessCpu() {
    }

    /** A running process's CPU time; 0 once it is gone. */
    static long nanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    static long nanos(Collection<ProcessHandle> processes) {
        return processes.stream().mapToLong(ProcessCpu::nanos).sum();
    }

    /**
     * The CPU time of this process's children that exited and were waited for ({@code cutime + cstime}): the
     * only way to have a child's whole CPU time, as its own counters vanish with it.
     */
    static long reapedChildrenNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (in parentheses, which may hold spaces); cutime and cstime are the
            // 16th and 17th of the line, the 14th and 15th after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
