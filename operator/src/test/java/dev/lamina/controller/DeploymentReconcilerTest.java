package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.deployments.HookReports;
import dev.lamina.deployments.Outcomes;
import dev.lamina.deployments.VersionReadiness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deployments in a cluster: the alias reconciler runs them from the Alias's status, with every gateway replica's
 * counts, hooks that report on the Alias, and a failover in the middle.
 */
@Timeout(120)
class DeploymentReconcilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Versions (namespace/function/version) without a ready environment. */
    private static final Set<String> COLD = ConcurrentHashMap.newKeySet();
    /** Each replica's cumulative counts of the versions, by namespace/function/version. */
    private static final Map<String, Map<String, Outcomes>> REPLICAS = new ConcurrentHashMap<>();
    /** What the hook functions report, by function name. */
    private static final Map<String, HookReports.HookStatus> HOOKS = new ConcurrentHashMap<>();
    private static MockCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start(ControllerSettings.defaults(), new MockCluster.AliasCollaborators(
                (ns, function, version) -> new VersionReadiness.Readiness(!COLD.contains(ns + "/" + function + "/"
                        + version), null),
                (ns, function, version) -> REPLICAS.getOrDefault(ns + "/" + function + "/" + version, Map.of()),
                DeploymentReconcilerTest::runHook));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A hook as a gateway replica sees its report: it annotates the Alias of the deployment in its event. */
    private static Optional<String> runHook(String ns, String function, byte[] event) {
        HookReports.HookStatus status = HOOKS.get(function);
        if (status == null) {
            return Optional.of("Function not found: " + function);
        }
        try {
            JsonNode e = JSON.readTree(event);
            String deploymentId = e.get("DeploymentId").asText();
            Alias alias = client.resources(Alias.class).inNamespace(ns).list().getItems().stream()
                    .filter(a -> a.getStatus() != null && a.getStatus().deployment() != null
                            && deploymentId.equals(a.getStatus().deployment().deploymentId()))
                    .findFirst().orElseThrow();
            client.resources(Alias.class).inNamespace(ns).withName(alias.getMetadata().getName())
                    .edit(a -> {
                        a.getMetadata().getAnnotations().put(HookReports.ANNOTATION_PREFIX
                                + e.get("LifecycleEventHookExecutionId").asText(), status.name());
                        return a;
                    });
            return Optional.empty();
        } catch (Exception failed) {
            return Optional.of(failed.toString());
        }
    }

    /** A function with versions 1 and 2 published, and an alias on version 1 deploying by these lines. */
    private static void aliasOnVersionOne(String ns, String... deployment) {
        client.resource(Fixtures.imageFunction(ns, "api", "publish: true", "memoryMB: 256")).create();
        eventually().until(() -> version(ns, "1") != null);
        Fixtures.editSpec(client, ns, "api", "publish: true", "memoryMB: 512");
        eventually().until(() -> version(ns, "2") != null);
        String[] lines = new String[deployment.length + 1];
        lines[0] = "deployment:";
        for (int i = 0; i < deployment.length; i++) {
            lines[i + 1] = "  " + deployment[i];
        }
        Alias alias = Fixtures.alias(ns, "api", "live", "1", lines);
        alias.getMetadata().setAnnotations(new HashMap<>());
        client.resource(alias).create();
        eventually().until(() -> deployment(ns), d -> d != null && DeploymentStatus.SUCCEEDED.equals(d.phase())
                && "1".equals(d.targetVersion()));
    }

    private static void moveTo(String ns, String version) {
        client.resources(Alias.class).inNamespace(ns).withName("api-live").edit(a -> {
            AliasSpec s = a.getSpec();
            a.setSpec(new AliasSpec(s.function(), s.name(), version, s.description(), s.routingConfig(),
                    s.provisionedConcurrency(), s.deployment(), s.url()));
            return a;
        });
    }

    @Test
    void aLinearShiftWaitsForAReadyEnvironmentAndGoesOnWhereItWasAfterAFailover() {
        String ns = cluster.newNamespace("failover");
        aliasOnVersionOne(ns, "type: Linear", "stepPercent: 25", "interval: 2s");
        COLD.add(ns + "/api/2");
        moveTo(ns, "2");

        DeploymentStatus warming = eventually().until(() -> deployment(ns), d -> "2".equals(d.targetVersion())
                && d.message().startsWith("waiting for a ready environment of version 2"));
        assertThat(warming.phase()).isEqualTo(DeploymentStatus.PRE_TRAFFIC);
        assertThat(alias(ns).getStatus().routing()).containsExactly(Map.entry("1", 1.0));
        eventually().until(() -> cluster.client().apps().deployments().inNamespace(ns).withName("api-v2").get()
                .getMetadata().getAnnotations().get(Labels.MIN_ENVIRONMENTS), "1"::equals);

        COLD.remove(ns + "/api/2");
        DeploymentStatus shifting = eventually().until(() -> deployment(ns),
                d -> DeploymentStatus.SHIFTING.equals(d.phase()) && d.step() == 1);
        assertThat(alias(ns).getStatus().routing()).containsExactly(Map.entry("1", 0.75), Map.entry("2", 0.25));

        cluster.failOver();
        DeploymentStatus done = eventually().until(() -> deployment(ns),
                d -> DeploymentStatus.SUCCEEDED.equals(d.phase()));
        assertThat(done.deploymentId()).as("the same deployment went on").isEqualTo(shifting.deploymentId());
        assertThat(done.step()).isEqualTo(4);
        assertThat(alias(ns).getStatus().routing()).containsExactly(Map.entry("2", 1.0));
        assertThat(events(ns)).filteredOn(e -> e.getReason().equals("DeploymentStarted")).hasSize(1);
    }

    @Test
    void errorsCountedOnTwoReplicasRollACanaryBack() {
        String ns = cluster.newNamespace("alarm");
        aliasOnVersionOne(ns, "type: Canary", "stepPercent: 10", "interval: 10m",
                "rollback: {maxErrorRate: 0.2, minInvocations: 10}");
        String key = ns + "/api/2";
        REPLICAS.put(key, Map.of("replica-a", calls(3, 0), "replica-b", calls(5, 0)));
        moveTo(ns, "2");
        eventually().until(() -> deployment(ns), d -> DeploymentStatus.SHIFTING.equals(d.phase()));

        // Each replica alone stays under minInvocations; together they are judged.
        REPLICAS.put(key, Map.of("replica-a", calls(9, 3), "replica-b", calls(11, 3)));
        DeploymentStatus back = eventually().until(() -> deployment(ns),
                d -> DeploymentStatus.ROLLED_BACK.equals(d.phase()));
        assertThat(back.message()).isEqualTo("version 2 rolled back to version 1: error rate 0.500 over 12"
                + " invocations (6 function errors, 0 platform errors) exceeds maxErrorRate 0.2");
        assertThat(back.counts().invocations()).isEqualTo(12);
        assertThat(alias(ns).getStatus().routing()).containsExactly(Map.entry("1", 1.0));
        assertThat(events(ns)).anyMatch(e -> e.getType().equals("Warning")
                && e.getReason().equals("DeploymentRolledBack") && e.getMessage().equals(back.message()));
    }

    @Test
    void hooksReportOnTheAliasAndAFailedOneRollsBack() {
        String ns = cluster.newNamespace("hooks");
        HOOKS.put("check", HookReports.HookStatus.Succeeded);
        HOOKS.put("smoke", HookReports.HookStatus.Failed);
        aliasOnVersionOne(ns, "type: AllAtOnce", "hooks: {preTraffic: check, postTraffic: smoke}");
        moveTo(ns, "2");

        DeploymentStatus back = eventually().until(() -> deployment(ns),
                d -> DeploymentStatus.ROLLED_BACK.equals(d.phase()));
        assertThat(back.message()).isEqualTo("version 2 rolled back to version 1: post-traffic hook smoke reported"
                + " Failed");
        assertThat(alias(ns).getMetadata().getAnnotations().keySet())
                .filteredOn(k -> k.startsWith(HookReports.ANNOTATION_PREFIX)).hasSize(2);
        assertThat(alias(ns).getStatus().routing()).containsExactly(Map.entry("1", 1.0));
    }

    private static Outcomes calls(long invocations, long errors) {
        return new Outcomes(invocations, errors, 0, 0, Outcomes.NONE.durationBuckets());
    }

    private static Alias alias(String ns) {
        return client.resources(Alias.class).inNamespace(ns).withName("api-live").get();
    }

    private static DeploymentStatus deployment(String ns) {
        Alias alias = alias(ns);
        return alias == null || alias.getStatus() == null ? null : alias.getStatus().deployment();
    }

    private static FunctionVersion version(String ns, String version) {
        return client.resources(FunctionVersion.class).inNamespace(ns)
                .withName(Labels.functionVersionName("api", version)).get();
    }

    private static List<Event> events(String ns) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "api-live".equals(e.getInvolvedObject().getName())).toList();
    }
}
