package dev.lamina.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Lambda's concurrency limits per namespace (= account): a function with reserved concurrency runs at most that many
 * invocations at once; all other functions share what the account limit leaves after every reservation.
 *
 * <p>With one gateway (local mode) each limit is counted here whole. With several ({@link #shared}), each limit is
 * split into shares the controller grants ({@link ShareLedger}): this replica admits no more than its share, the
 * shares of all replicas never add up to more than the limit, and a share not renewed in time lapses to zero.
 */
public final class ConcurrencyLimits {

    public static final String RESERVED_LIMIT_EXCEEDED = "ReservedFunctionConcurrentInvocationLimitExceeded";
    public static final String ACCOUNT_LIMIT_EXCEEDED = "ConcurrentInvocationLimitExceeded";

    private final int accountLimit;
    /** Null when this gateway counts every limit whole. */
    private final LongSupplier nanoClock;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    /** Limits counted whole here: this gateway is the only one. */
    public ConcurrencyLimits(int accountLimit) {
        this(accountLimit, null);
    }

    private ConcurrencyLimits(int accountLimit, LongSupplier nanoClock) {
        this.accountLimit = accountLimit;
        this.nanoClock = nanoClock;
    }

    /**
     * Limits shared with other gateways: nothing is admitted before a share is {@link #grant granted}.
     *
     * @param nanoClock monotonic time, for when a share lapses
     */
    public static ConcurrencyLimits shared(int accountLimit, LongSupplier nanoClock) {
        return new ConcurrencyLimits(accountLimit, nanoClock);
    }

    /** Whether other gateways share these limits: this replica admits only the shares it was granted. */
    public boolean shared() {
        return nanoClock != null;
    }

    public Account account(String namespace) {
        return accounts.computeIfAbsent(namespace, Account::new);
    }

    /**
     * Applies the shares the controller granted this replica, valid for {@code validNanos} from now: every limit it
     * names gets its share, every other limit none. Then reports every limit's use, with the shares now in force.
     */
    public List<ShareUse> grant(Map<ShareKey, Integer> shares, long validNanos) {
        if (!shared()) {
            throw new IllegalStateException("these limits are counted whole, not shared");
        }
        long until = nanoClock.getAsLong() + validNanos;
        for (Account account : accounts.values()) {
            account.share.set(shares.getOrDefault(account.poolKey(), 0), until);
            for (FunctionLimit f : account.functions.values()) {
                f.share.set(shares.getOrDefault(f.key(), 0), until);
            }
        }
        return uses();
    }

    /** Every limit's use and share on this replica, without changing a share. */
    public List<ShareUse> uses() {
        List<ShareUse> uses = new ArrayList<>();
        for (Account account : accounts.values()) {
            uses.add(account.share.use(account.poolKey(), account.unreservedLimit(),
                    account.unreservedInFlight.get()));
            for (FunctionLimit f : account.functions.values()) {
                Integer r = f.reserved;
                if (r != null) {
                    uses.add(f.share.use(f.key(), r, f.inFlight.get()));
                }
            }
        }
        return uses;
    }

    /**
     * This replica's part of one limit. Whole (the limit itself) without sharing; else what was last granted, and
     * nothing once it lapsed.
     */
    private final class Share {
        private volatile int granted;
        private volatile long validUntil;
        /** Invocations refused since the last report: demand this share did not cover. */
        private final AtomicInteger refused = new AtomicInteger();

        int allowed(int limit) {
            if (nanoClock == null) {
                return limit;
            }
            return nanoClock.getAsLong() - validUntil < 0 ? Math.min(limit, granted) : 0;
        }

        void set(int granted, long validUntil) {
            this.granted = granted;
            this.validUntil = validUntil;
        }

        ShareUse use(ShareKey key, int limit, int inFlight) {
            int share = allowed(limit);
            return new ShareUse(key, limit, share, inFlight, inFlight + refused.getAndSet(0));
        }
    }

    /** The result of asking to start one invocation. */
    public sealed interface Admission permits Permit, Throttle {
    }

    /** Admitted: release exactly once when the invocation is answered. */
    public static final class Permit implements Admission {
        private final FunctionLimit function;
        private final boolean fromUnreserved;
        private final AtomicInteger released = new AtomicInteger();

        private Permit(FunctionLimit function, boolean fromUnreserved) {
            this.function = function;
            this.fromUnreserved = fromUnreserved;
        }

        public void release() {
            if (released.compareAndSet(0, 1)) {
                function.inFlight.decrementAndGet();
                if (fromUnreserved) {
                    function.account.unreservedInFlight.decrementAndGet();
                }
            }
        }
    }

    /** Refused, with Lambda's reason. */
    public record Throttle(String reason) implements Admission {
    }

    /** One namespace's shared pool. */
    public final class Account {
        private final String namespace;
        private final AtomicInteger unreservedInFlight = new AtomicInteger();
        private final Share share = new Share();
        private final Map<String, Integer> reservations = new ConcurrentHashMap<>();
        private final Map<String, FunctionLimit> functions = new ConcurrentHashMap<>();
        private volatile int reservedTotal;

        private Account(String namespace) {
            this.namespace = namespace;
        }

        /** The limit for one function in this account; {@code reserved} null = shares the unreserved pool. */
        public FunctionLimit function(String name, Integer reserved) {
            FunctionLimit limit = new FunctionLimit(this);
            limit.reserve(name, reserved);
            return limit;
        }

        private ShareKey poolKey() {
            return ShareKey.unreserved(namespace);
        }

        /** Concurrency left to functions without a reservation. */
        public int unreservedLimit() {
            return Math.max(0, accountLimit - reservedTotal);
        }

        private synchronized void reservation(String function, FunctionLimit limit, Integer reserved) {
            if (reserved == null) {
                reservations.remove(function);
            } else {
                reservations.put(function, reserved);
            }
            if (limit == null) {
                functions.remove(function);
            } else {
                functions.put(function, limit);
            }
            reservedTotal = reservations.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** One function's limit and its invocations in flight. Survives configuration changes of the function. */
    public final class FunctionLimit {
        private final Account account;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Share share = new Share();
        private volatile String name;
        private volatile Integer reserved;

        private FunctionLimit(Account account) {
            this.account = account;
        }

        /** Changes (or removes, with null) the reservation; invocations in flight stay admitted. */
        public void reserve(String name, Integer reserved) {
            this.name = name;
            this.reserved = reserved;
            account.reservation(name, this, reserved);
        }

        /** Forgets the function's reservation (the function was deleted). */
        public void remove() {
            account.reservation(name, null, null);
        }

        private ShareKey key() {
            return ShareKey.reserved(account.namespace, name);
        }

        public Integer reserved() {
            return reserved;
        }

        /** Invocations of this function admitted and not yet answered (Lambda's ConcurrentExecutions). */
        public int inFlight() {
            return inFlight.get();
        }

        /** The most invocations this function may run at once now. */
        public int maxConcurrency() {
            Integer r = reserved;
            return r != null ? r : account.unreservedLimit();
        }

        public Admission tryAdmit() {
            Integer r = reserved;
            if (r != null) {
                if (!increment(inFlight, () -> share.allowed(r))) {
                    share.refused.incrementAndGet();
                    return new Throttle(RESERVED_LIMIT_EXCEEDED);
                }
                return new Permit(this, false);
            }
            if (!increment(account.unreservedInFlight, () -> account.share.allowed(account.unreservedLimit()))) {
                account.share.refused.incrementAndGet();
                return new Throttle(ACCOUNT_LIMIT_EXCEEDED);
            }
            inFlight.incrementAndGet();
            return new Permit(this, true);
        }

        /**
         * Counts one more unless the limit is reached. The limit is read again after counting: a share that shrank
         * meanwhile was reported with this count in it or is seen here, so no replica ever runs more than it
         * reported.
         */
        private static boolean increment(AtomicInteger counter, IntSupplier limit) {
            while (true) {
                int n = counter.get();
                if (n >= limit.getAsInt()) {
                    return false;
                }
                if (counter.compareAndSet(n, n + 1)) {
                    if (n < limit.getAsInt()) {
                        return true;
                    }
                    counter.decrementAndGet();
                    return false;
                }
            }
        }
    }
}
