package dev.lamina.scaling;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lambda's concurrency limits per namespace (= account): a function with reserved concurrency runs at most that many
 * invocations at once; all other functions share what the account limit leaves after every reservation.
 */
public final class ConcurrencyLimits {

    public static final String RESERVED_LIMIT_EXCEEDED = "ReservedFunctionConcurrentInvocationLimitExceeded";
    public static final String ACCOUNT_LIMIT_EXCEEDED = "ConcurrentInvocationLimitExceeded";

    private final int accountLimit;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    public ConcurrencyLimits(int accountLimit) {
        this.accountLimit = accountLimit;
    }

    public Account account(String namespace) {
        return accounts.computeIfAbsent(namespace, ns -> new Account());
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
        private final AtomicInteger unreservedInFlight = new AtomicInteger();
        private final Map<String, Integer> reservations = new ConcurrentHashMap<>();
        private volatile int reservedTotal;

        /** The limit for one function in this account; {@code reserved} null = shares the unreserved pool. */
        public FunctionLimit function(String name, Integer reserved) {
            FunctionLimit limit = new FunctionLimit(this);
            limit.reserve(name, reserved);
            return limit;
        }

        /** Concurrency left to functions without a reservation. */
        public int unreservedLimit() {
            return Math.max(0, accountLimit - reservedTotal);
        }

        private synchronized void reservation(String function, Integer reserved) {
            if (reserved == null) {
                reservations.remove(function);
            } else {
                reservations.put(function, reserved);
            }
            reservedTotal = reservations.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** One function's limit and its invocations in flight. Survives configuration changes of the function. */
    public static final class FunctionLimit {
        private final Account account;
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile String name;
        private volatile Integer reserved;

        private FunctionLimit(Account account) {
            this.account = account;
        }

        /** Changes (or removes, with null) the reservation; invocations in flight stay admitted. */
        public void reserve(String name, Integer reserved) {
            this.name = name;
            this.reserved = reserved;
            account.reservation(name, reserved);
        }

        /** Forgets the function's reservation (the function was deleted). */
        public void remove() {
            account.reservation(name, null);
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
                if (!increment(inFlight, r)) {
                    return new Throttle(RESERVED_LIMIT_EXCEEDED);
                }
                return new Permit(this, false);
            }
            if (!increment(account.unreservedInFlight, account.unreservedLimit())) {
                return new Throttle(ACCOUNT_LIMIT_EXCEEDED);
            }
            inFlight.incrementAndGet();
            return new Permit(this, true);
        }

        private static boolean increment(AtomicInteger counter, int limit) {
            while (true) {
                int n = counter.get();
                if (n >= limit) {
                    return false;
                }
                if (counter.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }
    }
}
