package dev.lamina.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The gateway's settings ({@code lamina.gateway.*}). */
@ConfigMapping(prefix = "lamina.gateway")
public interface GatewayConfig {

    /**
     * The default namespace: plain function names of callers that are no ServiceAccount resolve in it, and it is
     * the account {@link #accountId()} (other namespaces' account ids are derived, see {@link Accounts}).
     */
    @WithDefault("default")
    String namespace();

    /** The default namespace's account id in ARNs (12 digits). */
    @WithDefault("000000000000")
    String accountId();

    /**
     * The domain of host-based Function URLs, {@code <url-id>.lambda-url.<domain>}, for gateways reached through
     * wildcard DNS; without it, Function URLs are given in their path-based form ({@code <gateway>/lambda-url/<url-id>/}).
     * Both forms are always served.
     */
    Optional<String> urlDomain();

    /**
     * Who may call the Invoke API and the control-plane reads in a cluster: {@code kubernetes} (a bearer token the
     * Kubernetes API accepts, allowed by RBAC: verb {@code invoke} on {@code functions}, see
     * {@link InvokePermissions}) or {@code none} (anyone who reaches the port). Local mode checks nobody.
     */
    @WithDefault("kubernetes")
    InvokeAuth invokeAuth();

    /** How long the Kubernetes API's answers about a token and a caller's permission are kept. */
    @WithDefault("10s")
    Duration authCacheTtl();

    /** The values of {@link #invokeAuth()}. */
    enum InvokeAuth { KUBERNETES, NONE }

    /** Region in ARNs. */
    @WithDefault("us-east-1")
    String region();

    /** Concurrent invocations per namespace (Lambda's account concurrency limit). */
    @WithDefault("1000")
    int accountConcurrencyLimit();

    /**
     * How long an invocation may wait for a slot (environments start a few at a time, see
     * {@code scaling.max-starting}); after that it is throttled, unless an environment is still starting.
     */
    @WithDefault("30s")
    Duration maxSlotWait();

    /**
     * How long an invocation may wait while an environment of its version is still starting (a pod pulling its image,
     * a slow init); the wait for a slot is extended up to this, then the invocation is throttled.
     */
    @WithDefault("2m")
    Duration maxStartWait();

    /** Retry-After sent with a throttle. */
    @WithDefault("1s")
    Duration retryAfter();

    /** Autoscaler numbers. */
    Scaling scaling();

    /** Limits on the gateway's HTTP connections, for every door of its server. */
    Http http();

    /** Distributions (Lambda@Edge): {@code lamina.gateway.edge.*}. */
    Edge edge();

    interface Edge {
        /**
         * Bytes of origin answers this replica keeps cached for all its distributions together (least recently used
         * go first). Each replica has its own cache, as each CloudFront edge location has.
         */
        @WithDefault("67108864")
        long cacheMaxBytes();

        /** The largest request body a distribution takes (it is read whole before the chain runs); 413 beyond. */
        @WithDefault("10485760")
        int maxRequestBodyBytes();
    }

    /**
     * How long and how many clients may hold a connection without completing a request
     * ({@code lamina.gateway.http.*}); see {@link HttpConnectionGuard}.
     */
    interface Http {
        /**
         * How long a client has to send a request's complete headers, from connecting (or, on a kept-alive connection,
         * from the first byte of its next request); then it is answered 408 and the connection closed.
         */
        @WithDefault("10s")
        Duration headerTimeout();

        /**
         * How long a client has to send a request's whole body once its headers are in (6 MB at 1 Mbit/s takes 48 s);
         * then it is answered 408, unless it was answered already, and the connection closed.
         */
        @WithDefault("60s")
        Duration bodyTimeout();

        /**
         * Connections waiting for a request's headers at the same time (half-open); a new connection beyond them is
         * closed at once.
         */
        @WithDefault("1000")
        int maxHalfOpenConnections();
    }

    /** Knative-style autoscaler windows ({@code lamina.gateway.scaling.*}). */
    interface Scaling {
        @WithDefault("60s")
        Duration stableWindow();

        @WithDefault("6s")
        Duration panicWindow();

        @WithDefault("2.0")
        double panicThreshold();

        @WithDefault("1s")
        Duration tick();

        /** Environments of one version initialising at the same time. */
        @WithDefault("10")
        int maxStarting();

        /**
         * How long an invocation waits for a busy environment before more environments are started for it (with
         * none initialised, they are started at once).
         */
        @WithDefault("100ms")
        Duration scaleUpPatience();
    }
}
