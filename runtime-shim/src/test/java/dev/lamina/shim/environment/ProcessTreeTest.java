package dev.lamina.shim.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process tree: a bash root whose child holds 10 MB and whose grandchild holds 15 MB (each in a shell
 * variable), each waiting in a {@code sleep} of its own once it wrote its pid to a file.
 */
@Timeout(60)
class ProcessTreeTest {

    private static final long CHILD_BYTES = 10_000_000;
    private static final long GRANDCHILD_BYTES = 15_000_000;
    /** $0 is the directory for the pid files; {@code sleep & wait} keeps each shell, and its memory, alive. */
    private static final String TREE = """
            hold() { data=$(head -c "$1" /dev/zero | tr '\\0' x); echo "$BASHPID" > "$2.new"; mv "$2.new" "$2"; }
            (
              ( hold %d "$0/grandchild"; sleep 600 & wait ) &
              hold %d "$0/child"; sleep 600 & wait
            ) &
            wait
            """.formatted(GRANDCHILD_BYTES, CHILD_BYTES);

    @TempDir
    Path pids;

    private Process root;

    @BeforeEach
    void startTree() throws IOException {
        // Not the test JVM's output: a sleep that outlived its test would hold it open and stall the build.
        root = new ProcessBuilder("bash", "-c", TREE, pids.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @AfterEach
    void killTree() throws Exception {
        ProcessTree.kill(List.of(root.toHandle()));
        root.onExit().get(10, TimeUnit.SECONDS);
    }

    @Test
    void sumsThePeaksOfChildrenAndGrandchildren() throws Exception {
        long child = awaitPid("child");
        long grandchild = awaitPid("grandchild");

        assertThat(ProcessTree.pids(List.of(root.toHandle())))
                .startsWith(root.pid())
                .contains(child, grandchild);
        long tree = ProcessTree.peakResidentBytes(List.of(root.toHandle()));
        long grandchildOnly = ProcessTree.peakResidentBytes(List.of(ProcessHandle.of(grandchild).orElseThrow()));
        assertThat(tree).isGreaterThanOrEqualTo(CHILD_BYTES + GRANDCHILD_BYTES);
        assertThat(grandchildOnly).isGreaterThanOrEqualTo(GRANDCHILD_BYTES);
        assertThat(tree - grandchildOnly).as("the rest of the tree holds the child's memory")
                .isGreaterThanOrEqualTo(CHILD_BYTES);
    }

    @Test
    void killReachesTheGrandchildren() throws Exception {
        long child = awaitPid("child");
        long grandchild = awaitPid("grandchild");

        List<ProcessHandle> killed = ProcessTree.kill(List.of(root.toHandle()));

        assertThat(killed.getFirst().pid()).isEqualTo(root.pid());
        assertThat(killed).extracting(ProcessHandle::pid).contains(child, grandchild);
        CompletableFuture.allOf(killed.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void maxMemoryUsedKeepsTheGenerationsPeakAfterItsProcessesEnd() throws Exception {
        TreeMemory memory = new TreeMemory(() -> List.of(root.toHandle()), Long.MAX_VALUE);
        long grandchild = awaitPid("grandchild");
        awaitPid("child");

        memory.sample();
        long whileAlive = memory.peakBytes();
        ProcessHandle gone = ProcessHandle.of(grandchild).orElseThrow();
        ProcessTree.kill(List.of(gone));
        gone.onExit().get(10, TimeUnit.SECONDS);
        memory.sample();

        assertThat(whileAlive).isGreaterThanOrEqualTo(CHILD_BYTES + GRANDCHILD_BYTES);
        assertThat(memory.peakBytes()).isEqualTo(whileAlive);
        memory.reset();
        assertThat(memory.peakBytes()).as("a new generation starts from nothing").isZero();
        assertThat(memory.fresh()).as("its first REPORT samples").isFalse();
    }

    @Test
    void aRuntimeThatIsGoneLeavesTheGenerationUnsampled() {
        TreeMemory memory = new TreeMemory(List::of, Long.MAX_VALUE);

        memory.refresh();

        assertThat(memory.peakBytes()).isZero();
        assertThat(memory.fresh()).isFalse();
    }

    /** The pid a shell of the tree wrote once it holds its memory (bounded wait). */
    private long awaitPid(String name) throws IOException, InterruptedException {
        Path file = pids.resolve(name);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as(name + " wrote no pid in time").isLessThan(deadline);
            assertThat(root.isAlive()).as("the tree's root is running").isTrue();
            Thread.sleep(10);
        }
        return Long.parseLong(Files.readString(file).strip());
    }
}
