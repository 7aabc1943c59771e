package dev.lamina.controller;

import dev.lamina.images.RegistrySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The controller's settings in application.properties / environment ({@code lamina.controller.*}). */
@ConfigMapping(prefix = "lamina.controller")
public interface ControllerConfig {

    /** Whether this process has the controller role (local mode, which has no cluster, turns it off). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Whether this replica runs for the controller role's Lease. A replica that does not is a gateway only: it serves
     * invocations in the cluster but never reconciles, polls event sources or scales environments down.
     */
    @WithDefault("true")
    boolean leaseCandidate();

    /** The lamina-shim sidecar. */
    Shim shim();

    /**
     * Runtime name → base image, replacing an AWS Lambda base image (for a mirror). A runtime Lambda has blocked stays
     * refused whatever its image. A replacement is started as the base image is: {@code /lambda-entrypoint.sh} with
     * the handler (custom runtimes: their bootstrap), under a {@code sh} wrapper that needs {@code mkfifo}.
     */
    Map<String, String> runtimes();

    /** Image for the init containers that fetch code from a URL and copy layers (needs sh, wget, sha256sum, unzip). */
    @WithDefault("alpine:3.22")
    String codeFetcherImage();

    /** Region reported to functions and used in ARNs. */
    @WithDefault("us-east-1")
    String region();

    /** Base URL of the gateway as users reach it (e.g. http://lamina.lamina-system:8080), for Function status. */
    Optional<String> gatewayUrl();

    /** uid functions run as unless a file system sets one. */
    @WithDefault("993")
    long runAsUser();

    /** gid functions run as unless a file system sets one. */
    @WithDefault("990")
    long runAsGroup();

    /** How soon a Function waiting for something the operator does not watch (a Secret) is looked at again. */
    @WithDefault("30s")
    Duration recheckInterval();

    /** Name of the Lease the replicas elect the controller role with (in the operator's namespace). */
    @WithDefault("lamina-controller")
    String leaseName();

    /** Whether a replica that loses the Lease exits (to be restarted); only tests, whose JVM lives on, say no. */
    @WithDefault("true")
    boolean exitOnLostLease();

    /** Label selector of the gateway replicas' pods, which the controller asks for versions' outcomes. */
    @WithDefault("app.kubernetes.io/name=lamina")
    String gatewaySelector();

    /** Namespace of the gateway replicas' pods; by default the operator's own. */
    Optional<String> gatewayNamespace();

    /** HTTP port of a gateway replica whose pod names no container port {@code http}. */
    @WithDefault("${quarkus.http.port:8080}")
    int gatewayPort();

    interface Shim {
        @WithDefault("lamina-shim:latest")
        String image();

        @WithDefault("128Mi")
        String memory();

        /**
         * CPU request of the shim, and of the init containers that fetch code: what a warm shim needs (scheduling
         * counts it for every environment).
         */
        @WithDefault("100m")
        String cpu();

        /**
         * CPU limit of the shim and of the init containers that fetch code, at least {@link #cpu()}: a cold start runs
         * at this speed (the shim's start took ~1.9 s to ready with a limit of 100m, ~0.15 s with 2; unpacking a 16 MB
         * zip 1.7 s against 0.2 s). Equal to {@code cpu}, with the function's own request equal to its limit, pods
         * are of the Guaranteed QoS class; above it, Burstable.
         */
        @WithDefault("2")
        String cpuLimit();
    }

    /**
     * @param urlDomain  the gateway's {@code lamina.gateway.url-domain}, which status URLs use too
     * @param registries {@code lamina.images.*}
     */
    default ControllerSettings toSettings(Optional<String> urlDomain, RegistrySettings registries) {
        return new ControllerSettings(shim().image(), shim().memory(), shim().cpu(), shim().cpuLimit(), runtimes(),
                codeFetcherImage(), region(), gatewayUrl(), urlDomain, runAsUser(), runAsGroup(), recheckInterval(),
                registries);
    }
}
