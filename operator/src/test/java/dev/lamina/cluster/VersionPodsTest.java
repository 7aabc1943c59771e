package dev.lamina.cluster;

import dev.lamina.controller.ControllerSettings;
import dev.lamina.controller.Fixtures;
import dev.lamina.controller.MockCluster;
import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.api.Labels;
import dev.lamina.cluster.VersionPods.Environment;
import dev.lamina.environments.Slot;
import dev.lamina.environments.Transport;
import dev.lamina.environments.VersionRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes side of execution environments: a version's pods as the gateway sees them (readiness set through
 * the API, as the kubelet would) and scaling of its Deployment, with the operator reconciling alongside.
 */
class VersionPodsTest {
    private static MockCluster cluster;
    private static KubernetesClient client;
    private static PodInformers environments;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start(ControllerSettings.defaults());
        client = cluster.client();
        environments = new PodInformers(client);
    }

    @AfterAll
    static void stop() {
        environments.close();
        cluster.close();
    }

    @Test
    void podsBecomeEnvironmentsAndReadyOnesCarryTheShimsAddress() throws Exception {
        String ns = cluster.newNamespace("pods");
        client.resource(Fixtures.imageFunction(ns, "api")).create();
        eventually().until(() -> deployment(ns, "api-latest") != null);
        AtomicInteger changes = new AtomicInteger();
        try (VersionPods latest = environments.version(ns, "api", Labels.LATEST, changes::incrementAndGet)) {
            assertThat(latest.environments()).isEmpty();

            Pod pod = client.resource(pod(ns, "api-latest-7d9f-abcde", "api", Labels.LATEST)).create();
            eventually().until(() -> latest.environments().size() == 1);
            assertThat(latest.environments().getFirst())
                    .isEqualTo(new Environment("api-latest-7d9f-abcde", null, false, false));

            // The shim's startup probe passed: it takes invocations and holds them while the runtime inits.
            pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                    .withPodIP("10.42.0.17").addNewInitContainerStatus().withName("lamina-shim").withStarted(true)
                    .endInitContainerStatus().build());
            pod = client.resource(pod).updateStatus();
            eventually().until(() -> latest.environments().getFirst().listening());
            assertThat(latest.environments().getFirst().ready()).isFalse();

            setReady(pod, "10.42.0.17");
            eventually().until(() -> latest.environments().getFirst().ready());
            assertThat(latest.environments().getFirst().address()).isEqualTo(new InetSocketAddress("10.42.0.17", 8080));
            assertThat(changes).hasValueGreaterThanOrEqualTo(2);

            try (VersionPods v1 = environments.version(ns, "api", "1", () -> { })) {
                client.resource(pod(ns, "other-latest-1", "other", Labels.LATEST)).create();
                client.resource(pod(ns, "api-v1-1", "api", "1")).create();
                eventually().until(() -> v1.environments().size() == 1);
                assertThat(latest.environments()).extracting(Environment::pod)
                        .containsExactly("api-latest-7d9f-abcde");
            }
        }
    }

    @Test
    void scalingUpFromZeroSetsReplicasAndTheOperatorKeepsThem() throws Exception {
        String ns = cluster.newNamespace("up");
        client.resource(Fixtures.imageFunction(ns, "burst")).create();
        eventually().until(() -> deployment(ns, "burst-latest") != null);
        try (VersionPods latest = environments.version(ns, "burst", Labels.LATEST, () -> { })) {
            scaleWhenSeen(latest, 3);
            eventually().until(() -> replicas(ns, "burst-latest") == 3 && latest.wanted() == 3);

            // A spec change makes the operator update the Deployment: the count the autoscaler set stays.
            Fixtures.editSpec(client, ns, "burst", "memoryMB: 512");
            eventually().until(() -> Fixtures.memoryOf(deployment(ns, "burst-latest")).equals("512Mi"));
            assertThat(replicas(ns, "burst-latest")).isEqualTo(3);
        }
    }

    @Test
    void scalingDownMarksTheIdlePodsToGoFirst() throws Exception {
        String ns = cluster.newNamespace("down");
        client.resource(Fixtures.imageFunction(ns, "calm")).create();
        eventually().until(() -> deployment(ns, "calm-latest") != null);
        try (VersionPods latest = environments.version(ns, "calm", Labels.LATEST, () -> { })) {
            scaleWhenSeen(latest, 3);
            for (int i = 1; i <= 3; i++) {
                setReady(client.resource(pod(ns, "calm-latest-" + i, "calm", Labels.LATEST)).create(), "10.0.0." + i);
            }
            eventually().until(() -> latest.environments().stream().filter(Environment::ready).count() == 3);

            // calm-latest-2 runs an invocation: the autoscaler names only the idle ones, longest idle first.
            latest.scaleTo(1, List.of("calm-latest-3", "calm-latest-1"));

            eventually().until(() -> replicas(ns, "calm-latest") == 1);
            assertThat(deletionCost(ns, "calm-latest-1")).isEqualTo("-1000");
            assertThat(deletionCost(ns, "calm-latest-3")).isEqualTo("-1000");
            assertThat(deletionCost(ns, "calm-latest-2")).as("the busy pod stays").isNull();
        }
    }

    @Test
    void thePoolNeverScalesAwayAPodRunningAnInvocationAndOnlyTheControllerScalesDown() throws Exception {
        String ns = cluster.newNamespace("pool");
        client.resource(Fixtures.imageFunction(ns, "busy")).create();
        eventually().until(() -> deployment(ns, "busy-latest") != null);
        VersionRef ref = new VersionRef(ns, "busy", Labels.LATEST);
        AtomicBoolean leads = new AtomicBoolean(false);
        PodEnvironmentPool pool = new PodEnvironmentPool(environments, ref, 1, leads::get);
        try {
            pool.scaleTo(2, 0);
            eventually().until(() -> replicas(ns, "busy-latest") == 2 && pool.state().environments() == 2);
            setReady(client.resource(pod(ns, "busy-latest-a", "busy", Labels.LATEST)).create(), "10.0.1.1");
            setReady(client.resource(pod(ns, "busy-latest-b", "busy", Labels.LATEST)).create(), "10.0.1.2");
            eventually().until(() -> pool.state().ready() == 2);
            Slot running = pool.tryAcquire().orElseThrow();
            InetSocketAddress busyAddress = ((Transport.Http) running.transport()).address();
            String busyPod = busyAddress.getHostString().endsWith(".1") ? "busy-latest-a" : "busy-latest-b";
            String idlePod = busyPod.endsWith("a") ? "busy-latest-b" : "busy-latest-a";

            pool.scaleTo(0, 0);
            Thread.sleep(300); // gives a wrongly applied scale-down the chance to show; nothing should happen
            assertThat(replicas(ns, "busy-latest")).as("a replica without the controller role never scales down")
                    .isEqualTo(2);

            leads.set(true);
            pool.scaleTo(0, 0);
            eventually().until(() -> replicas(ns, "busy-latest") == 1);
            assertThat(deletionCost(ns, idlePod)).isEqualTo("-1000");
            assertThat(deletionCost(ns, busyPod)).isNull();
            running.release();
        } finally {
            pool.close();
        }
    }

    @Test
    void aVersionWithoutItsDeploymentCannotScale() throws Exception {
        String ns = cluster.newNamespace("nodeploy");
        try (VersionPods ghost = environments.version(ns, "ghost", "4", () -> { })) {
            assertThat(ghost.wanted()).isZero();
            assertThatThrownBy(() -> ghost.scaleTo(1, List.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Deployment ghost-v4 of ghost:4 does not exist in " + ns);
        }
    }

    private static Pod pod(String ns, String name, String function, String version) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(Labels.forVersion(function, version)).endMetadata()
                .withNewSpec().addNewContainer().withName("function").withImage("fn").endContainer().endSpec()
                .build();
    }

    /** What the kubelet reports once the shim's readiness probe passes. */
    private static void setReady(Pod pod, String ip) {
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
        client.resource(pod).updateStatus();
    }

    private static String deletionCost(String ns, String pod) {
        var annotations = client.pods().inNamespace(ns).withName(pod).get().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(VersionPods.DELETION_COST);
    }

    private static Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    private static int replicas(String ns, String name) {
        return deployment(ns, name).getSpec().getReplicas();
    }

    /** Scales once the pods' informers have seen the Deployment, which may lag behind the API server a moment. */
    private static void scaleWhenSeen(VersionPods pods, int environments) {
        eventually().until(() -> {
            pods.scaleTo(environments, List.of());
            return true;
        });
    }
}