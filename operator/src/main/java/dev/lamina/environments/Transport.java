package dev.lamina.environments;

import dev.lamina.shim.Shim;
import java.net.InetSocketAddress;

/**
 * How invocations reach one execution environment; its pool chooses when it adds the environment, so sending needs
 * no look at what the environment is.
 */
public sealed interface Transport {

    /**
     * Whether an invocation sent from the calling thread stays on it: the environment's shim runs on this thread's
     * event loop.
     */
    boolean onCurrentThread();

    /** The environment's shim runs in this process (local mode): a direct call spares the HTTP round trip. */
    record Direct(Shim shim) implements Transport {
        @Override
        public boolean onCurrentThread() {
            return shim.onCurrentThread();
        }
    }

    /** The shim's invoke endpoint, elsewhere (a pod). */
    record Http(InetSocketAddress address) implements Transport {
        @Override
        public boolean onCurrentThread() {
            return false;
        }
    }
}
