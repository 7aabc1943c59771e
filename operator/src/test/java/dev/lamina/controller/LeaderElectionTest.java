package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** With leader election on (as in production), the operator takes the controller Lease and then reconciles. */
@QuarkusTest
@TestProfile(LeaderElectionTest.ElectedOperator.class)
@WithKubernetesTestServer(crud = true, setup = LeaderElectionTest.LeaseAccess.class)
class LeaderElectionTest {

    public static class ElectedOperator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lamina.controller.enabled", "true",
                    "quarkus.operator-sdk.activate-leader-election-for-profiles", "test",
                    "lamina.controller.exit-on-lost-lease", "false",
                    "quarkus.http.test-port", "0");
        }
    }

    /** The operator SDK first asks the API server whether it may use Leases (the chart's Role allows it). */
    public static class LeaseAccess implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                    .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().addNewResourceRule()
                            .withApiGroups("coordination.k8s.io").withResources("leases")
                            .withVerbs("get", "create", "update").endResourceRule().withIncomplete(false)
                            .endStatus().build())
                    .always();
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void theElectedOperatorHoldsTheControllerLeaseAndReconciles() {
        Lease lease = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                () -> client.leases().inNamespace(client.getNamespace()).withName("lamina-controller").get(),
                l -> l != null && l.getSpec().getHolderIdentity() != null);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isPositive();

        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("elected").endMetadata()
                .build()).create();
        client.resource(Fixtures.imageFunction("elected", "hello")).create();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> client.apps().deployments().inNamespace("elected").withName("hello-latest").get() != null);
    }
}
