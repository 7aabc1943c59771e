package dev.lamina.scaling;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** How the controller reaches one gateway replica's {@link ConcurrencyLimits} (over HTTP in a cluster). */
public interface ShareExchange {

    /**
     * Gives {@code replica} its shares, valid for {@code validNanos} (null shares: change nothing) and gets back what
     * it runs with them in force.
     */
    CompletionStage<List<ShareUse>> exchange(String replica, Map<ShareKey, Integer> shares, long validNanos);
}
