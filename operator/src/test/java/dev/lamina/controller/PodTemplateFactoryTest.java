package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.api.Function;
import dev.lamina.api.Labels;
import dev.lamina.shim.ShimContract;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PodTemplateFactoryTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/pod-template-every-field.yaml");
    private final PodTemplateFactory factory = new PodTemplateFactory(ControllerSettings.defaults()
            .withShimImage("registry.example.com/lamina-shim:0.1.0"));

    private PodTemplateSpec build(Function function, String version) {
        return factory.build(new VersionTarget(function.getMetadata().getName(), version, function.getSpec(),
                "c0de", 0));
    }

    /**
     * The whole pod of a Function that sets every field, compared with a reviewed file. After an intended change,
     * rerun with -Dlamina.golden.update=true and review the diff of the golden file.
     */
    @Test
    void podTemplateOfAFunctionUsingEveryFieldMatchesTheGoldenFile() throws IOException {
        Function function = Fixtures.functionResource("/functions/every-field.yaml");
        String actual = Fixtures.YAML.asYaml(build(function, "3"));
        if (Boolean.getBoolean("lamina.golden.update")) {
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }

    @Test
    void functionSeesTheLambdaEnvironmentAndReachesTheShimOnLoopback() {
        Function function = Fixtures.functionResource("/functions/every-field.yaml");
        Map<String, EnvVar> env = container(build(function, "3"), PodTemplateFactory.FUNCTION_CONTAINER).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("AWS_LAMBDA_RUNTIME_API").getValue()).isEqualTo("127.0.0.1:9001");
        assertThat(env.get("_HANDLER").getValue()).isEqualTo("example.Thumbnail::handleRequest");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_VERSION").getValue()).isEqualTo("3");
        assertThat(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").getValue()).isEqualTo("2048");
        assertThat(env.get("LAMBDA_TASK_ROOT").getValue()).isEqualTo("/var/task");
        assertThat(env.get("BUCKET").getValue()).isEqualTo("thumbs");
        assertThat(env.get("DB_PASSWORD").getValue()).isNull();
        assertThat(env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("db");
        assertThat(env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThat(env.get("AWS_LAMBDA_LOG_FORMAT").getValue()).isEqualTo("JSON");
        assertThat(env.get("AWS_LAMBDA_LOG_LEVEL").getValue()).isEqualTo("WARN");
        assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME").getValue()).isEqualTo("/media/thumbnail");
    }

    @Test
    void theShimWritesThePlatformsLinesInTheFunctionsLogFormat() {
        Container json = container(build(Fixtures.functionResource("/functions/every-field.yaml"), "3"),
                "lamina-shim");
        assertThat(json.getEnv()).extracting("name", "value").contains(
                org.assertj.core.groups.Tuple.tuple("AWS_LAMBDA_LOG_FORMAT", "JSON"),
                org.assertj.core.groups.Tuple.tuple("LAMINA_SYSTEM_LOG_LEVEL", "DEBUG"));

        Container text = container(build(Fixtures.imageFunction("ns", "plain"), Labels.LATEST), "lamina-shim");
        assertThat(text.getEnv()).extracting("name").doesNotContain("AWS_LAMBDA_LOG_FORMAT",
                "LAMINA_SYSTEM_LOG_LEVEL");
        assertThat(container(build(Fixtures.imageFunction("ns", "plain"), Labels.LATEST),
                PodTemplateFactory.FUNCTION_CONTAINER).getEnv()).extracting("name", "value")
                .contains(org.assertj.core.groups.Tuple.tuple("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/plain"))
                .extracting(tuple -> tuple.toArray()[0]).doesNotContain("AWS_LAMBDA_LOG_FORMAT");
    }

    @Test
    void memoryIsRequestAndLimitAndCpuFollowsLambdasRatioUpToSixCores() {
        assertThat(PodTemplateFactory.cpu(1769)).isEqualTo(new Quantity("1"));
        assertThat(PodTemplateFactory.cpu(128)).isEqualTo(new Quantity("73m"));
        assertThat(PodTemplateFactory.cpu(10240)).isEqualTo(new Quantity("5789m"));
        assertThat(PodTemplateFactory.cpu(12000)).isEqualTo(new Quantity("6"));
        assertThat(PodTemplateFactory.megabytes(1024)).isEqualTo(new Quantity("1Gi"));
        assertThat(PodTemplateFactory.megabytes(1536)).isEqualTo(new Quantity("1536Mi"));

        Function function = Fixtures.imageFunction("ns", "big", "memoryMB: 3538");
        var resources = container(build(function, Labels.LATEST), PodTemplateFactory.FUNCTION_CONTAINER)
                .getResources();
        assertThat(resources.getRequests()).isEqualTo(resources.getLimits());
        assertThat(resources.getLimits().get("memory")).isEqualTo(new Quantity("3538Mi"));
        assertThat(resources.getLimits().get("cpu")).isEqualTo(new Quantity("2"));
    }

    @Test
    void fileSystemsMountTheAccessPointDirectoryAsItsPosixUser() {
        PodTemplateSpec pod = build(Fixtures.functionResource("/functions/every-field.yaml"), "3");
        var mounts = container(pod, PodTemplateFactory.FUNCTION_CONTAINER).getVolumeMounts().stream()
                .collect(Collectors.toMap(m -> m.getMountPath(), m -> m));
        assertThat(mounts.get("/mnt/assets").getSubPath()).isEqualTo("thumbs");
        assertThat(mounts.get("/mnt/assets").getReadOnly()).isFalse();
        assertThat(mounts.get("/mnt/fonts").getSubPath()).isEqualTo("fonts");
        assertThat(mounts.get("/mnt/fonts").getReadOnly()).isTrue();
        assertThat(mounts.get("/mnt/models").getSubPath()).isNull();
        assertThat(mounts.get("/mnt/assets").getName()).isEqualTo(mounts.get("/mnt/fonts").getName());
        var security = pod.getSpec().getSecurityContext();
        assertThat(security.getRunAsUser()).isEqualTo(1000L);
        assertThat(security.getRunAsGroup()).isEqualTo(1000L);
        assertThat(security.getFsGroup()).isEqualTo(1000L);
    }

    @Test
    void everyContainerRunsRestricted() {
        PodTemplateSpec pod = build(Fixtures.functionResource("/functions/every-field.yaml"), "3");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var containers = new java.util.ArrayList<>(pod.getSpec().getContainers());
        containers.addAll(pod.getSpec().getInitContainers());
        assertThat(containers).hasSize(6).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        });
    }

    @Test
    void laminasOwnContainersStartAtTheirCpuLimitWhileTheFunctionKeepsItsShare() {
        PodTemplateSpec pod = build(Fixtures.functionResource("/functions/every-field.yaml"), "3");
        assertThat(pod.getSpec().getInitContainers()).as("the shim and the containers fetching code and layers")
                .hasSize(5).allSatisfy(c -> {
                    assertThat(c.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("100m"));
                    assertThat(c.getResources().getLimits().get("cpu")).isEqualTo(new Quantity("2"));
                });
        var function = container(pod, PodTemplateFactory.FUNCTION_CONTAINER).getResources();
        assertThat(function.getLimits()).isEqualTo(function.getRequests());
    }

    @Test
    void anImageFunctionRunsItsOwnImageWithoutCodeVolumes() {
        PodTemplateSpec pod = build(Fixtures.imageFunction("ns", "plain"), Labels.LATEST);
        Container function = container(pod, PodTemplateFactory.FUNCTION_CONTAINER);
        assertThat(function.getImage()).isEqualTo("registry.example.com/plain:1");
        assertThat(function.getArgs()).isEmpty();
        assertThat(pod.getSpec().getInitContainers()).extracting("name").containsExactly("lamina-shim");
        assertThat(function.getVolumeMounts()).extracting("mountPath").containsExactly("/tmp");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.VERSION, "LATEST");
    }

    @Test
    void configMapCodeIsMountedAtTheTaskRootAndACustomRuntimeRunsItsBootstrap() {
        Function function = Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: hello, namespace: ns}
                spec:
                  runtime: provided.al2023
                  handler: hello.handler
                  code: {configMap: hello-code}
                """);
        PodTemplateSpec pod = build(function, Labels.LATEST);
        Container container = container(pod, PodTemplateFactory.FUNCTION_CONTAINER);
        assertThat(container.getImage()).isEqualTo("public.ecr.aws/lambda/provided:al2023");
        assertThat(container.getCommand()).isEqualTo(ShimContract.wrapRuntime(ShimContract.RUNTIME_OUTPUT_FIFO,
                List.of("/bin/sh", "-c",
                        "if [ -x /var/task/bootstrap ]; then exec /var/task/bootstrap; fi; exec /opt/bootstrap")));
        var task = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("task")).findFirst().orElseThrow();
        assertThat(task.getConfigMap().getName()).isEqualTo("hello-code");
        assertThat(task.getConfigMap().getDefaultMode()).isEqualTo(0555);
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/task");
            assertThat(m.getName()).isEqualTo("task");
        });
    }

    @Test
    void aCodeFunctionsRuntimeWritesItsOutputThroughTheShimByAPipeInASharedVolume() {
        PodTemplateSpec pod = build(Fixtures.functionResource("/functions/every-field.yaml"), "3");
        Container function = container(pod, PodTemplateFactory.FUNCTION_CONTAINER);
        Container shim = container(pod, ShimContract.CONTAINER_NAME);

        assertThat(function.getCommand()).as("the base image's entrypoint and the handler, wrapped")
                .isEqualTo(ShimContract.wrapRuntime("/lamina/output/runtime",
                        List.of("/lambda-entrypoint.sh", "example.Thumbnail::handleRequest")));
        assertThat(function.getArgs()).isEmpty();
        assertThat(shim.getArgs()).containsExactly("--port", "8080", "--runtime-api-port", "9001",
                "--runtime-output", "/lamina/output/runtime");
        var output = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("runtime-output"))
                .findFirst().orElseThrow();
        assertThat(output.getEmptyDir()).isNotNull();
        for (Container container : List.of(function, shim)) {
            assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
                assertThat(mount.getName()).isEqualTo("runtime-output");
                assertThat(mount.getMountPath()).isEqualTo("/lamina/output");
                assertThat(mount.getReadOnly()).as("the wrapper makes the pipe").isNull();
            });
        }
        // Inside the pod only: no new port for the NetworkPolicy, probes and labels as before.
        assertThat(shim.getPorts()).extracting("name", "containerPort")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("invoke", 8080));
        assertThat(function.getPorts()).isEmpty();
        assertThat(shim.getStartupProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8080);
        assertThat(shim.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(shim.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/state");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "lamina-operator")
                .containsEntry("app.kubernetes.io/component", "function");
    }

    @Test
    void anImageFunctionKeepsItsEntrypointAndItsOutputInItsOwnContainer() {
        PodTemplateSpec pod = build(Fixtures.imageFunction("ns", "plain", "handler: app.handler"), Labels.LATEST);
        Container function = container(pod, PodTemplateFactory.FUNCTION_CONTAINER);

        assertThat(function.getCommand()).isEmpty();
        assertThat(function.getArgs()).containsExactly("app.handler");
        assertThat(container(pod, ShimContract.CONTAINER_NAME).getArgs()).doesNotContain("--runtime-output");
        assertThat(pod.getSpec().getVolumes()).extracting("name").doesNotContain("runtime-output");
    }

    @Test
    void anImagesOutputPassesTheShimWhereItsEntryPointAndCommandAreKnown() {
        Container configured = container(build(Fixtures.imageFunction("ns", "configured",
                "imageConfig: {entryPoint: [/app/run], command: [serve, --fast], workingDirectory: /app}"),
                Labels.LATEST), PodTemplateFactory.FUNCTION_CONTAINER);
        assertThat(configured.getCommand()).containsSequence("/bin/sh", "-c").endsWith("/app/run", "serve", "--fast");
        assertThat(configured.getArgs()).isEmpty();
        assertThat(configured.getWorkingDir()).isEqualTo("/app");
        assertThat(configured.getVolumeMounts()).extracting("mountPath").contains("/lamina/output");

        PodTemplateSpec awsBase = build(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: base, namespace: ns}
                spec:
                  image: public.ecr.aws/lambda/python:3.13
                  handler: app.handler
                """), Labels.LATEST);
        assertThat(container(awsBase, PodTemplateFactory.FUNCTION_CONTAINER).getCommand())
                .as("an AWS base image starts /lambda-entrypoint.sh with the handler")
                .endsWith("/lambda-entrypoint.sh", "app.handler");
        assertThat(container(awsBase, "lamina-shim").getArgs()).contains("--runtime-output");

        Container entryOnly = container(build(Fixtures.imageFunction("ns", "entry",
                "imageConfig: {entryPoint: [/app/run]}"), Labels.LATEST), PodTemplateFactory.FUNCTION_CONTAINER);
        assertThat(entryOnly.getCommand()).as("no command known: nothing to wrap").containsExactly("/app/run");
    }

    @Test
    void theShimIsANativeSidecarThatStartsBeforeTheFunctionAndGatesReadiness() {
        PodTemplateSpec pod = build(Fixtures.imageFunction("ns", "plain", "timeoutSeconds: 30",
                "concurrency: {perEnvironment: 4}"), Labels.LATEST);
        Container shim = pod.getSpec().getInitContainers().getFirst();
        assertThat(shim.getName()).isEqualTo("lamina-shim");
        assertThat(shim.getRestartPolicy()).isEqualTo("Always");
        assertThat(shim.getArgs()).containsExactly("--port", "8080", "--runtime-api-port", "9001");
        assertThat(shim.getStartupProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8080);
        assertThat(shim.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(shim.getEnv()).extracting("name", "value").contains(
                org.assertj.core.groups.Tuple.tuple("AWS_LAMBDA_FUNCTION_TIMEOUT", "30"),
                org.assertj.core.groups.Tuple.tuple("AWS_LAMBDA_MAX_CONCURRENCY", "4"),
                org.assertj.core.groups.Tuple.tuple("JAVA_TOOL_OPTIONS", "-Xms8m -Xmx80m"));
        assertThat(shim.getResources().getLimits().get("memory"))
                .as("16 MB more per slot beyond the first, for the payloads it holds")
                .isEqualTo(new Quantity("176Mi"));
        assertThat(shim.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("100m"));
        assertThat(shim.getResources().getLimits().get("cpu"))
                .as("a cold start runs the shim's start at its limit, not at its warm request")
                .isEqualTo(new Quantity("2"));
        assertThat(pod.getSpec().getShareProcessNamespace()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser())
                .as("one uid for shim and runtime: the shim signals the runtime's processes").isNotNull();
        assertThat(shim.getSecurityContext().getRunAsUser()).isNull();
    }

    @Test
    void aShimCpuLimitBelowItsRequestIsRefusedAtStartNotByEveryPod() {
        ControllerSettings defaults = ControllerSettings.defaults();
        assertThatThrownBy(() -> new ControllerSettings(defaults.shimImage(), defaults.shimMemory(), "500m", "250m",
                defaults.runtimeImages(), defaults.codeFetcherImage(), defaults.region(), defaults.gatewayUrl(),
                defaults.urlDomain(), defaults.runAsUser(), defaults.runAsGroup(), defaults.recheckInterval(),
                defaults.registries()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the shim's CPU limit (lamina.controller.shim.cpu-limit=250m) is below its request "
                        + "(lamina.controller.shim.cpu=500m)");
    }

    private static Container container(PodTemplateSpec pod, String name) {
        return java.util.stream.Stream.concat(pod.getSpec().getContainers().stream(),
                        pod.getSpec().getInitContainers().stream())
                .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }
}
