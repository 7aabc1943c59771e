package dev.lamina.deployments;

import java.util.Map;

/**
 * Where a deployment reads how a version is doing: the cumulative {@link Outcomes} of one version on each gateway
 * replica that could be reached now, by the replica's instance id (new at each start, so a restarted replica's
 * counters are not mistaken for the old ones). Local mode is one replica; a cluster asks every gateway pod.
 */
@FunctionalInterface
public interface OutcomeSource {

    /** The name (CDI {@code @Named}) of the source that asks every gateway replica of a cluster. */
    String GATEWAY_REPLICAS = "gateway-replicas";

    Map<String, Outcomes> outcomes(String namespace, String function, String version);
}
