package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.gateway.InvokePermissions;
import dev.lamina.cluster.AliasHookReports;
import dev.lamina.cluster.KubernetesInvokePermissions;
import dev.lamina.cluster.PodInformers;
import dev.lamina.cluster.ReplicaOutcomes;
import dev.lamina.deployments.HookReports;
import dev.lamina.cluster.VersionPods;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ClusterRole the Helm chart installs allows every request the operator makes: runs every reconciler through its
 * paths, and the environments of a version up and down, against the mock API server, records the operator's requests
 * and checks each against the chart's rules.
 */
class OperatorRbacTest {
    static final Path RBAC = Path.of("../charts/lamina/templates/operator-rbac.yaml");
    private static final Pattern RESOURCE_PATH = Pattern.compile(
            "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/[^/]+)?/(?<resource>[^/?]+)"
                    + "(?:/(?<name>[^/?]+)(?:/(?<sub>[^/?]+))?)?(?:\\?(?<query>.*))?$");

    @Test
    void theChartsClusterRoleAllowsEveryRequestTheOperatorMakes() throws Exception {
        Set<String> needed = new TreeSet<>();
        try (MockCluster cluster = MockCluster.start(ControllerSettings.defaults())) {
            exerciseEveryReconciler(cluster);
            exerciseEnvironments(cluster);
            exerciseCallerChecks(cluster);
            exerciseDeployments(cluster);
            for (String request : cluster.operatorRequests()) {
                permission(request).ifPresent(needed::add);
            }
        }
        System.out.println("Permissions the operator used: " + needed);
        List<PolicyRule> rules = clusterRole().getRules();
        assertThat(needed).as("permissions the operator used").contains(
                "lamina.dev/functions list", "lamina.dev/functions/status patch", "lamina.dev/functionversions create",
                "apps/deployments create", "apps/deployments patch", "/pods watch", "/pods patch", "/secrets get",
                "/events create", "authentication.k8s.io/tokenreviews create",
                "authorization.k8s.io/subjectaccessreviews create", "lamina.dev/aliases patch", "/pods list");
        assertThat(needed).allSatisfy(permission -> assertThat(allowed(rules, permission))
                .as("%s is granted by %s", permission, RBAC).isTrue());
    }

    private static void exerciseEveryReconciler(MockCluster cluster) {
        KubernetesClient client = cluster.client();
        String ns = cluster.newNamespace("rbac");
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("layer").withNamespace(ns).endMetadata()
                .addToData("tool", "#!/bin/sh\n").build()).create();
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName("role").withNamespace(ns)
                .endMetadata().build()).create();
        client.resource(new SecretBuilder().withNewMetadata().withName("db").withNamespace(ns).endMetadata()
                .addToStringData("password", "x").build()).create();
        client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("shared").withNamespace(ns)
                .endMetadata().withNewSpec().withAccessModes("ReadWriteMany").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: all, namespace: %s}
                spec:
                  runtime: nodejs22.x
                  handler: index.handler
                  code: {url: "https://example.com/code.zip", sha256: "%s"}
                  layers: [{configMap: layer}]
                  secretEnvironment: [{name: DB, secretKeyRef: {name: db, key: password}}]
                  serviceAccountName: role
                  fileSystems: [{claimName: shared, mountPath: /mnt/shared}]
                  publish: true
                  versionHistoryLimit: 1
                """.formatted(ns, "c".repeat(64)))).create();
        eventually().until(() -> version(client, ns, "1") != null);
        client.resource(Fixtures.alias(ns, "all", "live", "1", "provisionedConcurrency: 1")).create();
        client.resource(Fixtures.mapping(ns, "tick", """
                function: all
                qualifier: missing
                source: {schedule: {expression: "rate(1 minute)"}}
                """)).create();
        client.resources(Alias.class).inNamespace(ns).withName("all-live").delete();
        client.configMaps().inNamespace(ns).withName("layer")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("tool", "#!/bin/sh\necho 2\n").build());
        eventually().until(() -> version(client, ns, "2") != null && version(client, ns, "1") == null);
        cluster.rollOut(ns);
        eventually().until(() -> version(client, ns, "2").getStatus() != null);
        client.resource(Fixtures.imageFunction(ns, "broken", "serviceAccountName: nobody")).create();
        eventually().until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "ServiceAccountNotFound".equals(e.getReason())));
    }

    /** What the gateway does in a cluster: follow a version's pods and scale its Deployment up and down. */
    private static void exerciseEnvironments(MockCluster cluster) throws Exception {
        KubernetesClient client = cluster.client();
        String ns = cluster.newNamespace("scale");
        client.resource(Fixtures.imageFunction(ns, "scaled")).create();
        eventually().until(() -> client.apps().deployments().inNamespace(ns).withName("scaled-latest").get() != null);
        try (PodInformers environments = new PodInformers(cluster.operatorClient());
             VersionPods latest = environments.version(ns, "scaled", Labels.LATEST, () -> { })) {
            eventually().until(() -> latest.wanted() == 0);
            latest.scaleTo(1, List.of());
            client.resource(new PodBuilder().withNewMetadata().withName("scaled-latest-1").withNamespace(ns)
                    .withLabels(Labels.forVersion("scaled", Labels.LATEST)).endMetadata().withNewSpec()
                    .addNewContainer().withName("function").withImage("fn").endContainer().endSpec().build()).create();
            eventually().until(() -> latest.environments().size() == 1);
            latest.scaleTo(0, List.of("scaled-latest-1"));
        }
    }

    /** What the gateway does in a cluster for a caller it checks: a TokenReview, then a SubjectAccessReview. */
    private static void exerciseCallerChecks(MockCluster cluster) throws Exception {
        cluster.server().expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReturn(201, new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withNewUser()
                        .withUsername("system:serviceaccount:rbac:caller").endUser().endStatus().build()).once();
        cluster.server().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReturn(201, new SubjectAccessReviewBuilder().withNewStatus().withAllowed(true).endStatus().build())
                .once();
        try (var permissions = new KubernetesInvokePermissions(cluster.operatorClient(), Duration.ofSeconds(10))) {
            assertThat(permissions.check("Bearer token", "rbac", "all").toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(InvokePermissions.Decision.Allowed.class);
        }
    }

    /**
     * What deployments need in a cluster: a gateway records a hook's report on the Alias, the controller lists the
     * gateway replicas to read their outcomes.
     */
    private static void exerciseDeployments(MockCluster cluster) {
        KubernetesClient client = cluster.client();
        String ns = cluster.newNamespace("deploy");
        Alias created = client.resource(Fixtures.alias(ns, "rolled", "live", "1")).create();
        Alias reconciled = eventually().until(() -> client.resource(created).get(),
                a -> a.getStatus() != null && a.getStatus().conditions() != null);
        AliasStatus status = reconciled.getStatus();
        reconciled.setStatus(new AliasStatus(status.observedGeneration(), status.conditions(), status.routing(),
                status.weights(), new AliasStatus.DeploymentStatus("PreTraffic", "d-RBAC", "1", "2", 0.0,
                0, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, "pre-1", null, null, 1L), status.functionUrl()));
        Alias deploying = client.resource(reconciled).updateStatus();
        assertThat(new AliasHookReports(cluster.operatorClient(), id -> List.of(deploying))
                .report("d-RBAC", "pre-1", HookReports.HookStatus.Succeeded))
                .isEqualTo(new HookReports.Result.Accepted());
        try (ReplicaOutcomes replicas = new ReplicaOutcomes(cluster.operatorClient(), ns,
                "app.kubernetes.io/name=lamina", 8080)) {
            assertThat(replicas.outcomes(ns, "rolled", "2")).isEmpty();
        }
    }

    private static FunctionVersion version(KubernetesClient client, String ns, String number) {
        return client.resources(FunctionVersion.class).inNamespace(ns)
                .withName(Labels.functionVersionName("all", number)).get();
    }

    /** "group/resource[/sub] verb" for a request on a resource; empty for discovery requests. */
    static java.util.Optional<String> permission(String request) {
        String method = request.substring(0, request.indexOf(' '));
        Matcher m = RESOURCE_PATH.matcher(request.substring(request.indexOf(' ') + 1));
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        String group = m.group("group") == null ? "" : m.group("group");
        String resource = m.group("resource") + (m.group("sub") == null ? "" : "/" + m.group("sub"));
        boolean named = m.group("name") != null;
        String query = m.group("query") == null ? "" : m.group("query");
        String verb = switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return java.util.Optional.of(group + "/" + resource + " " + verb);
    }

    private static boolean allowed(List<PolicyRule> rules, String permission) {
        String groupResource = permission.substring(0, permission.indexOf(' '));
        String verb = permission.substring(permission.indexOf(' ') + 1);
        String group = groupResource.substring(0, groupResource.indexOf('/'));
        String resource = groupResource.substring(groupResource.indexOf('/') + 1);
        return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(group)
                && rule.getResources().contains(resource) && rule.getVerbs().contains(verb));
    }

    /** The chart's RBAC template for a release called {@code release} in {@code namespace}. */
    static String renderedRbac(String release, String namespace) throws IOException {
        return Files.readString(RBAC)
                .replace("{{ .Release.Name }}", release)
                .replace("{{ .Release.Namespace }}", namespace);
    }

    /** The ClusterRole of the chart template, rendered with a release called lamina in lamina-system. */
    static ClusterRole clusterRole() throws IOException {
        for (String document : renderedRbac("lamina", "lamina-system").split("(?m)^---$")) {
            if (document.contains("kind: ClusterRole\n")) {
                return Fixtures.YAML.unmarshal(document, ClusterRole.class);
            }
        }
        throw new AssertionError("no ClusterRole in " + RBAC);
    }
}
