package dev.lamina.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A CPU cgroup of the benchmark's own with a quota, as the kubelet makes one for a container's CPU limit: a limit of
 * L cores is a quota of L × 100 ms per 100 ms period. cgroup v2 ({@code cpu.max}) or v1 ({@code cpu.cfs_quota_us});
 * needs the right to make a cgroup (root, outside a container that hides them).
 */
final class CpuCgroup implements AutoCloseable {

    private static final long PERIOD_MICROS = 100_000;

    private final Path dir;
    private final boolean v2;

    private CpuCgroup(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** A new cgroup, or why there is none. */
    static Optional<CpuCgroup> create(String name, StringBuilder whyNot) {
        Path root = Path.of("/sys/fs/cgroup");
        boolean v2 = Files.exists(root.resolve("cgroup.controllers"));
        Path dir = v2 ? root.resolve(name) : root.resolve("cpu").resolve(name);
        try {
            Files.createDirectories(dir);
            CpuCgroup cgroup = new CpuCgroup(dir, v2);
            cgroup.limit(Optional.empty());
            return Optional.of(cgroup);
        } catch (IOException | RuntimeException e) {
            whyNot.append("cannot make the CPU cgroup ").append(dir).append(": ").append(e);
            return Optional.empty();
        }
    }

    /** Sets the quota to {@code millicores} per second, or none. */
    void limit(Optional<Integer> millicores) throws IOException {
        String quota = millicores.map(m -> Long.toString(m * PERIOD_MICROS / 1000)).orElse(v2 ? "max" : "-1");
        if (v2) {
            Files.writeString(dir.resolve("cpu.max"), quota + " " + PERIOD_MICROS);
        } else {
            Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
            Files.writeString(dir.resolve("cpu.cfs_quota_us"), quota);
        }
    }

    /** {@code command}, started inside this cgroup: a shell joins it, then becomes the command (same pid). */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$0\" \"$@\""));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Removes the cgroup (its processes must have ended). */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(dir);
    }
}
