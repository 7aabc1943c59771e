package dev.lamina.sources;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Whether a mapping's source can be read, shared by its batch loops and their supervisor: while it cannot, calls wait
 * out a backoff (1 s doubling to 1 min), and each distinct problem is logged once, so a queue that is gone or refuses
 * the credentials gives neither a crash loop nor a log flood.
 */
final class SourceHealth {
    private static final Logger LOG = Logger.getLogger(SourceHealth.class);

    private final String source;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
    private SourceProblem problem;
    private long retryAt;

    SourceHealth(String source) {
        this.source = source;
    }

    /** A call failed; the first failure of each round of retries lengthens the backoff. */
    synchronized void failed(SourceProblem failure, long nowNanos) {
        if (problem == null || nowNanos - retryAt >= 0) {
            retryAt = nowNanos + backoff.next().toNanos();
        }
        if (!failure.equals(problem)) {
            LOG.warnf("%s cannot be read (%s): %s; retrying with backoff", source, failure.reason(),
                    failure.message());
        }
        problem = failure;
    }

    /** The source answered a check. */
    synchronized void ok() {
        if (problem != null) {
            LOG.infof("%s answers again", source);
            problem = null;
        }
    }

    /**
     * A receive worked: the next failure starts the backoff over. A check alone does not, so that a source that
     * answers checks but refuses receives is retried ever more slowly.
     */
    synchronized void received() {
        ok();
        backoff.reset();
    }

    /** How long to wait before calling the source again: zero unless it is failing. */
    synchronized long waitNanos(long nowNanos) {
        return problem == null ? 0 : Math.max(0, retryAt - nowNanos);
    }
}
