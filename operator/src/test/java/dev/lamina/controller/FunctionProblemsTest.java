package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Condition;
import dev.lamina.api.Conditions;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a user sees when a Function refers to something missing or unfit: a condition, an Event, nothing broken. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FunctionProblemsTest {
    private static MockCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        ControllerSettings defaults = ControllerSettings.defaults();
        cluster = MockCluster.start(new ControllerSettings(defaults.shimImage(), defaults.shimMemory(),
                defaults.shimCpu(), defaults.shimCpuLimit(), defaults.runtimeImages(), defaults.codeFetcherImage(), defaults.region(),
                defaults.gatewayUrl(), defaults.urlDomain(), defaults.runAsUser(), defaults.runAsGroup(),
                Duration.ofMillis(500), defaults.registries()));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aMissingSecretStallsTheFunctionUntilTheSecretExists() {
        String ns = cluster.newNamespace("secret");
        client.resource(Fixtures.imageFunction(ns, "db", "secretEnvironment: [{name: DB_PASSWORD, secretKeyRef: {name: db, key: password}}]")).create();

        Condition stalled = stalledWith(ns, "db", "SecretNotFound");
        assertThat(stalled.message()).isEqualTo("Secret db (for DB_PASSWORD) does not exist in this namespace");
        assertThat(ready(ns, "db")).satisfies(c -> {
            assertThat(c.isTrue()).isFalse();
            assertThat(c.reason()).isEqualTo("SecretNotFound");
        });
        assertThat(warnings(ns, "db")).extracting(Event::getReason).containsExactly("SecretNotFound");
        assertThat(deployment(ns, "db-latest")).as("nothing runs on a spec that cannot start").isNull();

        client.resource(new SecretBuilder().withNewMetadata().withName("db").withNamespace(ns).endMetadata()
                .addToStringData("user", "admin").build()).create();
        Condition noKey = stalledWith(ns, "db", "SecretKeyNotFound");
        assertThat(noKey.message()).isEqualTo("Secret db has no key password (for DB_PASSWORD)");

        client.secrets().inNamespace(ns).withName("db")
                .edit(s -> new SecretBuilder(s).addToData("password", "czNjcjN0").build());
        eventually().until(() -> deployment(ns, "db-latest") != null);
        eventually().until(() -> !condition(ns, "db", Condition.STALLED).isTrue());
    }

    @Test
    void environmentAndSecretsOverLambdasFourKilobytesStallTheFunction() {
        String ns = cluster.newNamespace("envsize");
        client.resource(new SecretBuilder().withNewMetadata().withName("api").withNamespace(ns).endMetadata()
                .addToStringData("token", "t".repeat(1100)).build()).create();
        client.resource(Fixtures.imageFunction(ns, "big", "environment: {CONFIG: " + "c".repeat(3000) + "}",
                "secretEnvironment: [{name: TOKEN, secretKeyRef: {name: api, key: token}}]")).create();

        assertThat(stalledWith(ns, "big", "EnvironmentTooLarge").message()).isEqualTo("Lambda was unable to"
                + " configure your environment variables because the environment variables you have provided"
                + " exceeded the 4KB limit. Measured: 4124 bytes of at most 4096.");
        assertThat(warnings(ns, "big")).extracting(Event::getReason).containsExactly("EnvironmentTooLarge");
        assertThat(deployment(ns, "big-latest")).as("nothing runs with an environment Lambda refuses").isNull();
        assertThat(client.resources(FunctionVersion.class).inNamespace(ns).list().getItems())
                .as("nothing is published").isEmpty();
    }

    @Test
    void codeFromALocalPathIsRefusedInACluster() {
        String ns = cluster.newNamespace("path");
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: dev, namespace: %s}
                spec:
                  runtime: java21
                  handler: example.Hello::handleRequest
                  code: {path: target/hello.jar}
                """.formatted(ns))).create();

        assertThat(stalledWith(ns, "dev", "CodePathNotSupported").message())
                .contains("path", "local mode only");
        assertThat(warnings(ns, "dev")).extracting(Event::getReason).containsExactly("CodePathNotSupported");
        assertThat(deployment(ns, "dev-latest")).as("nothing runs on code the cluster cannot reach").isNull();
    }

    @Test
    void aMissingConfigMapIsReportedAndPickedUpWhenCreated() {
        String ns = cluster.newNamespace("configmap");
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: hello, namespace: %s}
                spec:
                  runtime: python3.13
                  handler: app.handler
                  code: {configMap: hello-code}
                """.formatted(ns))).create();

        assertThat(stalledWith(ns, "hello", "ConfigMapNotFound").message())
                .isEqualTo("ConfigMap hello-code (code) does not exist in this namespace");
        assertThat(warnings(ns, "hello")).extracting(Event::getReason).containsExactly("ConfigMapNotFound");

        client.resource(new ConfigMapBuilder().withNewMetadata().withName("hello-code").withNamespace(ns)
                .endMetadata().addToData("app.py", "def handler(e, c): return e\n").build()).create();
        Deployment latest = eventually().until(() -> deployment(ns, "hello-latest"), d -> d != null);
        assertThat(latest.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                .isEqualTo("public.ecr.aws/lambda/python:3.13");
    }

    @Test
    void aMissingServiceAccountIsReported() {
        String ns = cluster.newNamespace("sa");
        client.resource(Fixtures.imageFunction(ns, "role", "serviceAccountName: thumbnail")).create();
        assertThat(stalledWith(ns, "role", "ServiceAccountNotFound").message())
                .isEqualTo("ServiceAccount thumbnail (serviceAccountName) does not exist in this namespace");
        assertThat(warnings(ns, "role")).extracting(Event::getReason).containsExactly("ServiceAccountNotFound");

        client.resource(new ServiceAccountBuilder().withNewMetadata().withName("thumbnail").withNamespace(ns)
                .endMetadata().build()).create();
        Deployment latest = eventually().until(() -> deployment(ns, "role-latest"), d -> d != null);
        assertThat(latest.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("thumbnail");
    }

    @Test
    void aFileSystemNeedsAnExistingReadWriteManyClaim() {
        String ns = cluster.newNamespace("efs");
        client.resource(Fixtures.imageFunction(ns, "efs",
                "fileSystems: [{claimName: assets, mountPath: /mnt/assets, path: /thumbs, uid: 1000, gid: 1000}]"))
                .create();
        assertThat(stalledWith(ns, "efs", "ClaimNotFound").message())
                .isEqualTo("PersistentVolumeClaim assets (file system at /mnt/assets) does not exist in this namespace");

        client.resource(claim(ns, "assets", "ReadWriteOnce")).create();
        assertThat(stalledWith(ns, "efs", "ClaimNotReadWriteMany").message())
                .isEqualTo("PersistentVolumeClaim assets has access modes [ReadWriteOnce]: a file system is shared "
                        + "by all environments and needs ReadWriteMany");
        assertThat(warnings(ns, "efs")).extracting(Event::getReason)
                .containsExactlyInAnyOrder("ClaimNotFound", "ClaimNotReadWriteMany");

        client.persistentVolumeClaims().inNamespace(ns).withName("assets").delete();
        eventually().until(() -> client.persistentVolumeClaims().inNamespace(ns).withName("assets").get() == null);
        client.resource(claim(ns, "assets", "ReadWriteMany")).create();
        Deployment latest = eventually().until(() -> deployment(ns, "efs-latest"), d -> d != null);
        assertThat(latest.getSpec().getTemplate().getSpec().getSecurityContext().getFsGroup()).isEqualTo(1000L);
    }

    @Test
    void clashingMountPathsAndDifferentPosixUsersAreReported() {
        String ns = cluster.newNamespace("clash");
        client.resource(claim(ns, "a", "ReadWriteMany")).create();
        client.resource(claim(ns, "b", "ReadWriteMany")).create();
        client.resource(Fixtures.imageFunction(ns, "clash", "fileSystems:",
                "  - {claimName: a, mountPath: /mnt/data, uid: 1000, gid: 1000}",
                "  - {claimName: b, mountPath: /mnt/data, uid: 2000, gid: 1000}")).create();

        Condition stalled = stalledWith(ns, "clash", "MountPathConflict");
        assertThat(stalled.message()).contains("file systems mounted at /mnt/data and /mnt/data clash")
                .contains("every file system must use the same uid and gid");
        assertThat(warnings(ns, "clash")).extracting(Event::getReason)
                .containsExactlyInAnyOrder("MountPathConflict", "FileSystemUserConflict");
    }

    @Test
    void aRuntimeLambdaNoLongerAcceptsIsRefusedWithLambdasReason() {
        String ns = cluster.newNamespace("blocked");
        client.resource(codeFunction(ns, "old", "nodejs18.x")).create();

        assertThat(stalledWith(ns, "old", "RuntimeNotSupported").message()).startsWith("The runtime parameter of"
                + " nodejs18.x is no longer supported for creating or updating AWS Lambda functions (deprecated"
                + " 2025-09-01, blocked since 2026-03-09). Versions already running keep running. Use nodejs");
        assertThat(warnings(ns, "old")).extracting(Event::getReason).containsExactly("RuntimeNotSupported");
        assertThat(deployment(ns, "old-latest")).as("nothing runs on a runtime Lambda refuses").isNull();
    }

    @Test
    void aDeprecatedRuntimeRunsWithAWarningCondition() {
        String ns = cluster.newNamespace("deprecated");
        client.resource(codeFunction(ns, "legacy", "dotnet9")).create();

        Deployment latest = eventually().until(() -> deployment(ns, "legacy-latest"), d -> d != null);
        assertThat(latest.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                .isEqualTo("public.ecr.aws/lambda/dotnet:9");
        Condition deprecated = eventually().until(() -> condition(ns, "legacy", Condition.RUNTIME_DEPRECATED),
                c -> c != null);
        assertThat(deprecated.isTrue()).isTrue();
        assertThat(deprecated.message()).startsWith("The runtime dotnet9 is deprecated since 2026-11-10")
                .endsWith("Use dotnet10 instead.");
        assertThat(condition(ns, "legacy", Condition.STALLED).isTrue()).isFalse();
        assertThat(warnings(ns, "legacy")).extracting(Event::getReason).containsOnly("RuntimeDeprecated");
    }

    private static Function codeFunction(String ns, String name, String runtime) {
        return Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: %s, namespace: %s}
                spec:
                  runtime: %s
                  handler: app.handler
                  code: {url: "https://example.com/code.zip", sha256: "%s"}
                """.formatted(name, ns, runtime, "a".repeat(64)));
    }

    @Test
    void aBrokenEditLeavesTheRunningVersionsAsTheyWere() {
        String ns = cluster.newNamespace("keep");
        client.resource(Fixtures.imageFunction(ns, "keep", "publish: true", "memoryMB: 256")).create();
        eventually().until(() -> deployment(ns, "keep-v1") != null && deployment(ns, "keep-latest") != null);
        Deployment before = deployment(ns, "keep-latest");

        Fixtures.editSpec(client, ns, "keep", "publish: true", "memoryMB: 512",
                "secretEnvironment: [{name: TOKEN, secretKeyRef: {name: nope, key: t}}]");

        stalledWith(ns, "keep", "SecretNotFound");
        assertThat(deployment(ns, "keep-latest").getSpec()).isEqualTo(before.getSpec());
        assertThat(deployment(ns, "keep-v1")).isNotNull();
        assertThat(client.resources(FunctionVersion.class).inNamespace(ns).list().getItems()).hasSize(1);
        Function function = client.resources(Function.class).inNamespace(ns).withName("keep").get();
        assertThat(function.getStatus().latestVersion()).isEqualTo("1");
        assertThat(function.getStatus().observedGeneration()).isEqualTo(function.getMetadata().getGeneration());
    }

    private static io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim(String ns, String name, String mode) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withAccessModes(mode).withNewResources().addToRequests("storage",
                        new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec().build();
    }

    private static Condition stalledWith(String ns, String name, String reason) {
        return eventually().until(() -> condition(ns, name, Condition.STALLED),
                c -> c != null && c.isTrue() && reason.equals(c.reason()));
    }

    private static Condition ready(String ns, String name) {
        return condition(ns, name, Condition.READY);
    }

    private static Condition condition(String ns, String name, String type) {
        Function function = client.resources(Function.class).inNamespace(ns).withName(name).get();
        return function.getStatus() == null ? null
                : Conditions.find(function.getStatus().conditions(), type).orElse(null);
    }

    private static Deployment deployment(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    private static List<Event> warnings(String ns, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
                .toList();
    }
}
