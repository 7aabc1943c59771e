package dev.lamina.shim.environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A process and its descendants, read from and signalled through /proc.
 * <p>
 * Memory is read from the tree's own files: its processes are found through the kernel's list of each thread's
 * children ({@code /proc/PID/task/TID/children}), so a sample costs the tree's size whatever else runs on the
 * machine. Every thread's list is read: a child belongs to the thread that forked it (and moves to another thread of
 * the process when that one ends). Killing, rare (a reset), lists descendants with the JDK, which walks all of /proc
 * but needs no kernel option ({@code CONFIG_PROC_CHILDREN}, without which a sample sees the root process only).
 */
public final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    private static final String PEAK_RSS = "VmHWM:";

    private ProcessTree() {
    }

    /**
     * SIGKILLs the roots and all their descendants; returns every process signalled, roots first. The descendants are
     * listed before anything is killed: once a parent dies its children are re-parented and can no longer be found
     * under it. Roots go first so that a shell loop cannot start new children while its current ones are being killed.
     */
    public static List<ProcessHandle> kill(Collection<ProcessHandle> roots) {
        List<ProcessHandle> tree = new ArrayList<>(roots);
        roots.forEach(root -> root.descendants().forEach(tree::add));
        tree.forEach(ProcessHandle::destroyForcibly);
        return tree;
    }

    /** Sum of the peak resident set sizes (VmHWM) of the roots and their live descendants, in bytes. */
    static long peakResidentBytes(Collection<ProcessHandle> roots) {
        long total = 0;
        for (long pid : pids(roots)) {
            total += peakResidentKilobytes(pid) * 1024;
        }
        return total;
    }

    /** The pids of the roots and their descendants, each parent before its children; processes gone are left out. */
    static List<Long> pids(Collection<ProcessHandle> roots) {
        List<Long> tree = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> pending = new ArrayDeque<>();
        roots.forEach(root -> pending.add(root.pid()));
        while (!pending.isEmpty()) {
            long pid = pending.poll();
            if (seen.add(pid) && addChildren(pid, pending)) {
                tree.add(pid);
            }
        }
        return tree;
    }

    /** Adds the children of every thread of the process; false when the process is gone. */
    private static boolean addChildren(long pid, Collection<Long> children) {
        Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                readPids(thread.resolve("children"), children);
            }
            return true;
        } catch (IOException | DirectoryIteratorException gone) {
            return false;
        }
    }

    private static void readPids(Path file, Collection<Long> into) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException threadGone) {
            return;
        }
        long pid = -1;
        for (byte b : text) {
            if (b >= '0' && b <= '9') {
                pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
            } else if (pid >= 0) {
                into.add(pid);
                pid = -1;
            }
        }
        if (pid >= 0) {
            into.add(pid);
        }
    }

    /** The process's VmHWM from /proc/PID/status (the only file that holds the peak); 0 when gone or a zombie. */
    private static long peakResidentKilobytes(long pid) {
        String status;
        try {
            status = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("status")),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException gone) {
            return 0;
        }
        int at = status.indexOf(PEAK_RSS);
        if (at < 0) {
            return 0;
        }
        long kilobytes = 0;
        for (int i = at + PEAK_RSS.length(); i < status.length(); i++) {
            char c = status.charAt(i);
            if (c >= '0' && c <= '9') {
                kilobytes = kilobytes * 10 + (c - '0');
            } else if (c != ' ' && c != '\t') {
                break;
            }
        }
        return kilobytes;
    }
}
