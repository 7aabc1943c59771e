package dev.lamina.environments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * The slot bookkeeping every pool implementation shares: which environments exist, which are initialised, how many
 * invocations each runs. Taking a slot is lock-free (a compare-and-set on the chosen environment's counter), so the
 * gateway's event loops never wait on each other; membership changes copy the small array.
 *
 * @param <E> the implementation's handle on one environment (a process, a pod)
 */
public final class SlotTable<E> {

    private static final Entry<?>[] NONE = new Entry<?>[0];

    private final LongSupplier nanoClock;
    private final Runnable onRelease;
    private final boolean onlySender;
    private volatile Entry<E>[] entries = emptyEntries();

    /**
     * @param nanoClock  monotonic time, for how long an environment has been idle
     * @param onRelease  called after every released slot (the pool forwards it to its listener)
     * @param onlySender whether this table is the only one handing out slots of these environments (local mode);
     *                   see {@link Slot#mayWaitInEnvironment()}
     */
    public SlotTable(LongSupplier nanoClock, Runnable onRelease, boolean onlySender) {
        this.nanoClock = nanoClock;
        this.onRelease = onRelease;
        this.onlySender = onlySender;
    }

    /** Adds an environment that is starting (it already takes invocations) or already initialised. */
    public synchronized Entry<E> add(E environment, Transport transport, int slots, boolean ready) {
        Entry<E> entry = new Entry<>(this, environment, transport, slots, ready, nanoClock.getAsLong());
        Entry<E>[] grown = Arrays.copyOf(entries, entries.length + 1);
        grown[entries.length] = entry;
        entries = grown;
        return entry;
    }

    /** Removes an environment; slots already taken on it stay valid until released. */
    public synchronized void remove(Entry<E> entry) {
        entries = Arrays.stream(entries).filter(e -> e != entry).toArray(SlotTable::newArray);
    }

    /**
     * Takes a slot on the least-loaded initialised environment, else on the least-loaded starting one; among equals,
     * preferably one on the calling thread.
     */
    public Optional<Slot> tryAcquire() {
        Entry<E>[] current = entries;
        for (int attempt = 0; attempt < 4; attempt++) {
            Entry<E> best = leastLoaded(current, true);
            if (best == null) {
                best = leastLoaded(current, false);
            }
            if (best == null) {
                return Optional.empty();
            }
            if (best.tryTake()) {
                return Optional.of(new TakenSlot(best, onlySender || !best.ready));
            }
            current = entries;
        }
        return Optional.empty();
    }

    /**
     * Retires up to {@code count} environments that run no invocation, idle longest first. A retired environment
     * takes no new slot; the caller stops it.
     */
    public synchronized List<E> retireIdle(int count) {
        List<Entry<E>> idle = new ArrayList<>();
        for (Entry<E> e : entries) {
            if (e.inFlight() == 0) {
                idle.add(e);
            }
        }
        idle.sort(Comparator.comparingLong(e -> e.idleSinceNanos));
        List<E> retired = new ArrayList<>();
        for (Entry<E> e : idle) {
            if (retired.size() == count) {
                break;
            }
            if (e.tryRetire()) {
                remove(e);
                retired.add(e.environment);
            }
        }
        return retired;
    }

    /** Every environment, for shutting them all down. */
    public synchronized List<E> removeAll() {
        List<E> all = Arrays.stream(entries).map(e -> e.environment).toList();
        entries = emptyEntries();
        return all;
    }

    public int size() {
        return entries.length;
    }

    public int readyCount() {
        int n = 0;
        for (Entry<E> e : entries) {
            if (e.ready) {
                n++;
            }
        }
        return n;
    }

    public int inFlight() {
        int n = 0;
        for (Entry<E> e : entries) {
            n += e.inFlight();
        }
        return n;
    }

    /**
     * Among equally loaded environments, one whose shim runs on the calling thread wins: the invocation then never
     * leaves the event loop it arrived on (no hand-over between threads, no wake-up).
     */
    private static <E> Entry<E> leastLoaded(Entry<E>[] entries, boolean ready) {
        Entry<E> best = null;
        int bestLoad = Integer.MAX_VALUE;
        boolean bestLocal = false;
        for (Entry<E> e : entries) {
            if (e.ready != ready) {
                continue;
            }
            int load = e.inFlight.get();
            if (load < 0 || load >= e.slots) {
                continue;
            }
            if (load < bestLoad) {
                best = e;
                bestLoad = load;
                bestLocal = e.transport.onCurrentThread();
            } else if (load == bestLoad && !bestLocal && e.transport.onCurrentThread()) {
                best = e;
                bestLocal = true;
            }
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private static <E> Entry<E>[] emptyEntries() {
        return (Entry<E>[]) NONE;
    }

    @SuppressWarnings("unchecked")
    private static <E> Entry<E>[] newArray(int size) {
        return (Entry<E>[]) new Entry<?>[size];
    }

    /** One environment's row. */
    public static final class Entry<E> {
        private final SlotTable<E> table;
        private final E environment;
        private final Transport transport;
        private final int slots;
        /** Slots taken; -1 once retired. */
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile boolean ready;
        private volatile long idleSinceNanos;

        private Entry(SlotTable<E> table, E environment, Transport transport, int slots, boolean ready, long now) {
            this.table = table;
            this.environment = environment;
            this.transport = transport;
            this.slots = slots;
            this.ready = ready;
            this.idleSinceNanos = now;
        }

        public E environment() {
            return environment;
        }

        public void markReady() {
            ready = true;
        }

        public int inFlight() {
            return Math.max(0, inFlight.get());
        }

        private boolean tryTake() {
            while (true) {
                int n = inFlight.get();
                if (n < 0 || n >= slots) {
                    return false;
                }
                if (inFlight.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        private void give() {
            if (inFlight.decrementAndGet() == 0) {
                idleSinceNanos = table.nanoClock.getAsLong();
            }
            table.onRelease.run();
        }

        private boolean tryRetire() {
            return inFlight.compareAndSet(0, -1);
        }
    }

    private static final class TakenSlot implements Slot {
        private static final AtomicIntegerFieldUpdater<TakenSlot> RELEASED =
                AtomicIntegerFieldUpdater.newUpdater(TakenSlot.class, "released");
        private final Entry<?> entry;
        private final boolean mayWait;
        private volatile int released;

        TakenSlot(Entry<?> entry, boolean mayWait) {
            this.entry = entry;
            this.mayWait = mayWait;
        }

        @Override
        public Transport transport() {
            return entry.transport;
        }

        @Override
        public boolean mayWaitInEnvironment() {
            return mayWait;
        }

        @Override
        public void release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                entry.give();
            }
        }
    }
}
