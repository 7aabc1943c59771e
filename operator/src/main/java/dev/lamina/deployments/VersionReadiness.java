package dev.lamina.deployments;

/** Whether a version can take traffic now: the gateway's view of its environments. */
@FunctionalInterface
public interface VersionReadiness {

    /**
     * @param warm    at least one environment of the version is ready
     * @param problem why the version cannot run, null when it can (a version that does not exist cannot)
     */
    record Readiness(boolean warm, String problem) {
    }

    Readiness of(String namespace, String function, String version);
}
