package dev.lamina.controller;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * One replica holds the controller role: the operator SDK reconciles only while this process holds the Lease (in the
 * operator's namespace, named by {@code lamina.controller.lease-name}), and only it scales environments down
 * ({@link Leadership}); every replica keeps serving the gateway. The
 * election runs in the prod profile (quarkus.operator-sdk.activate-leader-election-for-profiles); a replica that
 * loses the Lease exits and is restarted, so two never reconcile at once (lamina.controller.exit-on-lost-lease is only
 * for tests, whose JVM must outlive the operator).
 */
public class LeaderElection {

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(ControllerConfig config, Leadership leadership) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
                .withExitOnStopLeading(config.exitOnLostLease())
                .withLeaderCallbacks(new LeaderCallbacks(leadership::leaseTaken, leadership::leaseLost, leader -> { }))
                .build();
    }
}
