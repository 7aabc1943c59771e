package dev.lamina.environments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SlotTableTest {

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger releases = new AtomicInteger();
    private final SlotTable<String> table = new SlotTable<>(clock::get, releases::incrementAndGet, false);

    private static Transport port(int port) {
        return new Transport.Http(new InetSocketAddress("127.0.0.1", port));
    }

    @Test
    void takesTheLeastLoadedReadyEnvironment() {
        table.add("a", port(1), 2, true);
        table.add("b", port(2), 2, true);
        Slot first = table.tryAcquire().orElseThrow();
        Slot second = table.tryAcquire().orElseThrow();
        assertThat(first.transport()).isNotEqualTo(second.transport());
        table.tryAcquire().orElseThrow();
        table.tryAcquire().orElseThrow();
        assertThat(table.tryAcquire()).isEmpty();
        assertThat(table.inFlight()).isEqualTo(4);
    }

    @Test
    void prefersReadyEnvironmentsAndFallsBackToStartingOnes() {
        SlotTable.Entry<String> starting = table.add("starting", port(1), 1, false);
        table.add("ready", port(2), 1, true);
        Slot slot = table.tryAcquire().orElseThrow();
        assertThat(slot.transport()).isEqualTo(port(2));
        assertThat(slot.mayWaitInEnvironment()).as("ready, and other gateways may send to it").isFalse();
        Slot early = table.tryAcquire().orElseThrow();
        assertThat(early.transport()).isEqualTo(port(1));
        assertThat(early.mayWaitInEnvironment()).as("waits for the runtime's init").isTrue();
        starting.markReady();
        assertThat(table.readyCount()).isEqualTo(2);
    }

    @Test
    @Timeout(60)
    void amongEquallyLoadedEnvironmentsTheOneOnTheCallersEventLoopWins() throws Exception {
        NioEventLoopGroup loops = new NioEventLoopGroup(2);
        EventLoop first = loops.next();
        EventLoop second = loops.next();
        // Shims whose runtime never connects: only the loop each one runs on matters here.
        try (Shim onFirst = idleShim(first); Shim onSecond = idleShim(second)) {
            SlotTable<Shim> shims = new SlotTable<>(clock::get, () -> { }, true);
            shims.add(onFirst, new Transport.Direct(onFirst), 1, true);
            shims.add(onSecond, new Transport.Direct(onSecond), 1, true);

            Slot taken = second.submit(() -> shims.tryAcquire().orElseThrow()).get(10, TimeUnit.SECONDS);
            assertThat(taken.transport()).isEqualTo(new Transport.Direct(onSecond));
            Slot next = second.submit(() -> shims.tryAcquire().orElseThrow()).get(10, TimeUnit.SECONDS);
            assertThat(next.transport()).as("the local one is busy: the other is free").isEqualTo(
                    new Transport.Direct(onFirst));
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Shim idleShim(EventLoop loop) {
        return Shim.start(ShimConfig.builder().functionName("idle").runtimeCommand("sleep", "60")
                .logSink(line -> { }).build(), loop);
    }

    @Test
    void theOnlySenderLetsEveryInvocationWaitInItsEnvironment() {
        SlotTable<String> only = new SlotTable<>(clock::get, () -> { }, true);
        only.add("a", port(1), 1, true);
        assertThat(only.tryAcquire().orElseThrow().mayWaitInEnvironment()).isTrue();
    }

    @Test
    void aReleasedSlotIsFreeAgainAndReleasingTwiceCountsOnce() {
        table.add("a", port(1), 1, true);
        Slot slot = table.tryAcquire().orElseThrow();
        assertThat(table.tryAcquire()).isEmpty();
        slot.release();
        slot.release();
        assertThat(releases).hasValue(1);
        assertThat(table.inFlight()).isZero();
        assertThat(table.tryAcquire()).isPresent();
    }

    @Test
    void retiresOnlyIdleEnvironmentsLongestIdleFirst() {
        table.add("busy", port(1), 1, true);
        table.add("recent", port(2), 1, true);
        table.add("old", port(3), 1, true);
        Slot busy = table.tryAcquire().orElseThrow();
        assertThat(busy.transport()).isEqualTo(port(1));
        clock.set(10);
        Slot recent = table.tryAcquire().orElseThrow();
        clock.set(20);
        recent.release();
        assertThat(table.retireIdle(1)).containsExactly("old");
        assertThat(table.retireIdle(5)).containsExactly("recent");
        assertThat(table.size()).isEqualTo(1);
        busy.release();
        assertThat(table.retireIdle(5)).containsExactly("busy");
        assertThat(table.tryAcquire()).isEmpty();
    }

    @Test
    void aSlotTakenBeforeRemovalStaysValid() {
        SlotTable.Entry<String> entry = table.add("a", port(1), 1, true);
        Slot slot = table.tryAcquire().orElseThrow();
        table.remove(entry);
        assertThat(table.size()).isZero();
        slot.release();
        assertThat(releases).hasValue(1);
    }
}
