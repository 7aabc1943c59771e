package dev.lamina.controller;

import dev.lamina.api.CodeSource;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionSpec.FileSystemMount;
import dev.lamina.api.Labels;
import dev.lamina.api.LambdaRuntime;
import dev.lamina.shim.ShimContract;
import dev.lamina.shim.logs.LoggingConfig;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pod of one execution environment: the function's own container (its image, or the runtime's base image with
 * the code mounted at /var/task and layers at /opt) beside the lamina-shim sidecar that serves the Runtime API on
 * 127.0.0.1:9001 and the invoke endpoint on 8080 (sidecar mode, as runtime-shim/README.md describes it). Sized,
 * secured and wired like a Lambda environment. A code function's runtime is started by the shim's wrapper
 * ({@link ShimContract#wrapRuntime}), which sends its stdout and stderr through a named pipe in a shared volume to the
 * shim: the shim's log is then the environment's one log stream, as a Lambda log stream is. An image function keeps
 * its image's entrypoint, which the operator does not know; its output stays in its own container's log.
 */
final class PodTemplateFactory {
    static final String FUNCTION_CONTAINER = "function";
    /** Lambda gives a function one vCPU per 1769 MB of memory. */
    private static final int MB_PER_VCPU = 1769;
    private static final int MAX_MILLICORES = 6000;
    private static final String TASK_ROOT = "/var/task";
    private static final String STAGING = "/lamina";
    private static final int SHIM_HEAP_MB = 32;
    private static final int SHIM_HEAP_PER_SLOT_MB = 16;
    private static final String CUSTOM_RUNTIME =
            "if [ -x /var/task/bootstrap ]; then exec /var/task/bootstrap; fi; exec /opt/bootstrap";
    /** What AWS base images start, with the handler as their CMD. */
    private static final String RUNTIME_OUTPUT = "runtime-output";

    private final ControllerSettings settings;

    PodTemplateFactory(ControllerSettings settings) {
        this.settings = settings;
    }

    PodTemplateSpec build(VersionTarget target) {
        FunctionSpec spec = target.spec();
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> functionMounts = new ArrayList<>();
        // The shim is a native sidecar (an init container that keeps running): it starts first, and the function
        // container only starts once the Runtime API listens, because a runtime whose first /next is refused exits.
        List<Container> initContainers = new ArrayList<>();
        List<String> knownCommand = knownCommand(spec);
        boolean outputThroughShim = knownCommand != null;
        initContainers.add(shimContainer(target, outputThroughShim));

        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir()
                .withSizeLimit(megabytes(spec.ephemeralStorageMB())).endEmptyDir().build());
        functionMounts.add(mount("tmp", "/tmp", false));
        volumes.add(new VolumeBuilder().withName("shim-tmp").withNewEmptyDir()
                .withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
        if (outputThroughShim) {
            // Holds only the named pipe, whose data never reaches the disk.
            volumes.add(new VolumeBuilder().withName(RUNTIME_OUTPUT).withNewEmptyDir()
                    .withSizeLimit(new Quantity("1Mi")).endEmptyDir().build());
            functionMounts.add(mount(RUNTIME_OUTPUT, ShimContract.RUNTIME_OUTPUT_DIRECTORY, false));
        }

        if (spec.code() != null) {
            addCode(spec.code(), volumes, functionMounts, initContainers);
        }
        if (spec.layers() != null && !spec.layers().isEmpty()) {
            addLayers(spec.layers(), volumes, functionMounts, initContainers);
        }
        addFileSystems(spec, volumes, functionMounts);

        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Labels.CONTENT_DIGEST, target.contentDigest());

        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Labels.forVersion(target.function(), target.version()))
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                // The shim resets an environment after a timeout or crash by stopping the runtime's processes,
                // which it can only see when the pod shares one process namespace.
                .withShareProcessNamespace(true)
                .withEnableServiceLinks(false)
                .withServiceAccountName(spec.serviceAccountName())
                .withAutomountServiceAccountToken(spec.serviceAccountName() != null)
                .withTerminationGracePeriodSeconds((long) spec.timeoutSeconds() + 10)
                .withSecurityContext(podSecurity(spec))
                .withInitContainers(initContainers)
                .withContainers(functionContainer(target, knownCommand, functionMounts))
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /** @param knownCommand what it runs, when the operator knows it ({@link #knownCommand}) */
    private Container functionContainer(VersionTarget target, List<String> knownCommand, List<VolumeMount> mounts) {
        FunctionSpec spec = target.spec();
        String image = spec.image() != null ? spec.image() : settings.runtimeImages().get(spec.runtime());
        ResourceRequirements resources = new ResourceRequirementsBuilder()
                .addToRequests("memory", megabytes(spec.memoryMB()))
                .addToRequests("cpu", cpu(spec.memoryMB()))
                .addToLimits("memory", megabytes(spec.memoryMB()))
                .addToLimits("cpu", cpu(spec.memoryMB()))
                .build();
        ContainerBuilder container = new ContainerBuilder().withName(FUNCTION_CONTAINER).withImage(image);
        FunctionSpec.ImageConfig imageConfig = spec.imageConfig();
        if (imageConfig != null && imageConfig.workingDirectory() != null) {
            container.withWorkingDir(imageConfig.workingDirectory());
        }
        if (knownCommand != null) {
            container.withCommand(ShimContract.wrapRuntime(ShimContract.RUNTIME_OUTPUT_FIFO, knownCommand));
        } else if (imageConfig != null && imageConfig.entryPoint() != null) {
            // Without a command the image's CMD is dropped, as Docker's --entrypoint drops it.
            container.withCommand(imageConfig.entryPoint());
        } else if (imageCommand(spec) != null) {
            // The image's ENTRYPOINT with this CMD, as on Lambda.
            container.withArgs(imageCommand(spec));
        }
        return container
                .withEnv(functionEnvironment(target))
                .withResources(resources)
                .withVolumeMounts(mounts)
                .withSecurityContext(containerSecurity())
                .build();
    }

    /** What a code function's container runs: its runtime's base image's start. */
    /**
     * What the function container runs, where the operator knows it, so that a wrapper can pass the runtime's output
     * to the shim: a runtime image's start (code), or an image's entry point and command (its imageConfig, or an AWS
     * base image's entry point with the handler). Null where the image's own ENTRYPOINT or CMD is needed, which
     * Kubernetes cannot put a wrapper in front of.
     */
    private static List<String> knownCommand(FunctionSpec spec) {
        if (spec.code() != null) {
            return runtimeCommand(spec);
        }
        FunctionSpec.ImageConfig imageConfig = spec.imageConfig();
        List<String> entryPoint = imageConfig != null && imageConfig.entryPoint() != null ? imageConfig.entryPoint()
                : spec.image().startsWith(LambdaRuntime.ECR) ? List.of(LambdaRuntime.BASE_IMAGE_ENTRYPOINT) : null;
        List<String> command = imageCommand(spec);
        if (entryPoint == null || command == null) {
            return null;
        }
        List<String> known = new ArrayList<>(entryPoint);
        known.addAll(command);
        return known;
    }

    /** An image's command as the spec gives it (imageConfig.command, or the handler, which Lambda passes as CMD). */
    private static List<String> imageCommand(FunctionSpec spec) {
        if (spec.imageConfig() != null && spec.imageConfig().command() != null) {
            return spec.imageConfig().command();
        }
        return spec.handler() != null ? List.of(spec.handler()) : null;
    }

    private static List<String> runtimeCommand(FunctionSpec spec) {
        if (spec.runtime().startsWith("provided")) {
            // A custom runtime is the function's own bootstrap, found in the code or else in a layer, as on Lambda.
            return List.of("/bin/sh", "-c", CUSTOM_RUNTIME);
        }
        return spec.handler() != null
                ? List.of(LambdaRuntime.BASE_IMAGE_ENTRYPOINT, spec.handler()) : List.of(LambdaRuntime.BASE_IMAGE_ENTRYPOINT);
    }

    private List<EnvVar> functionEnvironment(VersionTarget target) {
        FunctionSpec spec = target.spec();
        List<EnvVar> env = new ArrayList<>();
        env.add(env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + ShimContract.SIDECAR_RUNTIME_API_PORT));
        if (spec.handler() != null) {
            env.add(env("_HANDLER", spec.handler()));
        }
        env.add(env("LAMBDA_TASK_ROOT", TASK_ROOT));
        env.add(env("LAMBDA_RUNTIME_DIR", "/var/runtime"));
        env.add(env("AWS_LAMBDA_FUNCTION_NAME", target.function()));
        env.add(env("AWS_LAMBDA_FUNCTION_VERSION", target.version()));
        env.add(env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMB())));
        LoggingConfig.fromVariables(spec.loggingVariables()).runtimeVariables(target.function()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).forEach(e -> env.add(env(e.getKey(), e.getValue())));
        env.add(new EnvVarBuilder().withName("AWS_LAMBDA_LOG_STREAM_NAME")
                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom()
                .build());
        env.add(env("AWS_REGION", settings.region()));
        env.add(env("AWS_DEFAULT_REGION", settings.region()));
        env.add(env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"));
        if (spec.runtime() != null) {
            env.add(env("AWS_EXECUTION_ENV", "AWS_Lambda_" + spec.runtime()));
        }
        env.add(env("TZ", ":UTC"));
        if (spec.environment() != null) {
            spec.environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> env.add(env(e.getKey(), e.getValue())));
        }
        if (spec.secretEnvironment() != null) {
            for (FunctionSpec.SecretEnvVar secret : spec.secretEnvironment()) {
                env.add(new EnvVarBuilder().withName(secret.name()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(secret.secretKeyRef().name()).withKey(secret.secretKeyRef().key())
                        .endSecretKeyRef().endValueFrom().build());
            }
        }
        return env;
    }

    private Container shimContainer(VersionTarget target, boolean outputThroughShim) {
        FunctionSpec spec = target.spec();
        // The shim buffers each running invocation's payload (up to 6 MB each way): as its README advises, every
        // slot beyond the first gets 16 MB more heap, and the container as much more memory.
        int extraSlots = spec.concurrency().perEnvironment() - 1;
        Quantity memory = plusMegabytes(new Quantity(settings.shimMemory()), SHIM_HEAP_PER_SLOT_MB * extraSlots);
        Quantity cpu = new Quantity(settings.shimCpu());
        Quantity cpuLimit = new Quantity(settings.shimCpuLimit());
        return new ContainerBuilder()
                .withName(ShimContract.CONTAINER_NAME)
                .withImage(settings.shimImage())
                .withRestartPolicy("Always")
                .withArgs(shimArguments(outputThroughShim))
                .addNewPort().withName(ShimContract.INVOKE_PORT_NAME).withContainerPort(ShimContract.INVOKE_PORT)
                .withProtocol("TCP").endPort()
                .withEnv(
                        env("AWS_LAMBDA_FUNCTION_NAME", target.function()),
                        env("AWS_LAMBDA_FUNCTION_VERSION", target.version()),
                        env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMB())),
                        env("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(spec.timeoutSeconds())),
                        env("AWS_LAMBDA_MAX_CONCURRENCY", Integer.toString(spec.concurrency().perEnvironment())),
                        env("AWS_REGION", settings.region()),
                        env("JAVA_TOOL_OPTIONS", "-Xms8m -Xmx" + (SHIM_HEAP_MB + SHIM_HEAP_PER_SLOT_MB * extraSlots)
                                + "m"))
                // The platform's lines follow the function's logging configuration.
                .addAllToEnv(spec.loggingVariables().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> env(e.getKey(), e.getValue())).toList())
                .withNewResources()
                .addToRequests("memory", memory).addToRequests("cpu", cpu)
                .addToLimits("memory", memory).addToLimits("cpu", cpuLimit)
                .endResources()
                .withNewStartupProbe()
                .withNewTcpSocket().withNewPort(ShimContract.INVOKE_PORT).endTcpSocket()
                .withPeriodSeconds(1).withFailureThreshold(120)
                .endStartupProbe()
                // Ready only once the runtime asked for its first event: its init is done.
                .withNewReadinessProbe()
                .withNewHttpGet().withPath(ShimContract.READY_PATH).withNewPort(ShimContract.INVOKE_PORT).endHttpGet()
                .withPeriodSeconds(1).withFailureThreshold(1).withSuccessThreshold(1).withTimeoutSeconds(1)
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewHttpGet().withPath(ShimContract.STATE_PATH).withNewPort(ShimContract.INVOKE_PORT).endHttpGet()
                .withPeriodSeconds(10).withFailureThreshold(3).withTimeoutSeconds(5)
                .endLivenessProbe()
                .withVolumeMounts(shimMounts(outputThroughShim))
                .withSecurityContext(containerSecurity())
                .build();
    }

    private static List<String> shimArguments(boolean outputThroughShim) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(ShimContract.INVOKE_PORT),
                "--runtime-api-port", Integer.toString(ShimContract.SIDECAR_RUNTIME_API_PORT)));
        if (outputThroughShim) {
            args.addAll(List.of("--runtime-output", ShimContract.RUNTIME_OUTPUT_FIFO));
        }
        return args;
    }

    private static List<VolumeMount> shimMounts(boolean outputThroughShim) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(mount("shim-tmp", "/tmp", false)));
        if (outputThroughShim) {
            mounts.add(mount(RUNTIME_OUTPUT, ShimContract.RUNTIME_OUTPUT_DIRECTORY, false));
        }
        return mounts;
    }

    private void addCode(CodeSource code, List<Volume> volumes, List<VolumeMount> mounts, List<Container> inits) {
        if (code.configMap() != null) {
            // Flat files straight from the ConfigMap, executable so a custom runtime's bootstrap can run.
            volumes.add(new VolumeBuilder().withName("task").withNewConfigMap().withName(code.configMap())
                    .withDefaultMode(0555).endConfigMap().build());
            mounts.add(mount("task", TASK_ROOT, true));
            return;
        }
        volumes.add(new VolumeBuilder().withName("task").withNewEmptyDir().endEmptyDir().build());
        mounts.add(mount("task", TASK_ROOT, true));
        String target = STAGING + "/task";
        if (code.url() != null) {
            inits.add(fetcher("fetch-code", fetchScript(target), code.url(), code.sha256(),
                    List.of(mount("task", target, false), mount("tmp", "/tmp", false))));
        } else {
            inits.add(copier("copy-code", code.image(), TASK_ROOT, target, List.of(mount("task", target, false))));
        }
    }

    private void addLayers(List<CodeSource> layers, List<Volume> volumes, List<VolumeMount> mounts,
                           List<Container> inits) {
        volumes.add(new VolumeBuilder().withName("opt").withNewEmptyDir().endEmptyDir().build());
        mounts.add(mount("opt", "/opt", true));
        String target = STAGING + "/opt";
        for (int i = 0; i < layers.size(); i++) {
            CodeSource layer = layers.get(i);
            String name = "layer-" + (i + 1);
            if (layer.url() != null) {
                inits.add(fetcher(name, fetchScript(target), layer.url(), layer.sha256(),
                        List.of(mount("opt", target, false), mount("tmp", "/tmp", false))));
            } else if (layer.image() != null) {
                inits.add(copier(name, layer.image(), "/opt", target, List.of(mount("opt", target, false))));
            } else {
                volumes.add(new VolumeBuilder().withName(name).withNewConfigMap().withName(layer.configMap())
                        .withDefaultMode(0555).endConfigMap().build());
                String source = STAGING + "/" + name;
                inits.add(copier(name, settings.codeFetcherImage(), source, target,
                        List.of(mount(name, source, true), mount("opt", target, false))));
            }
        }
    }

    /** Downloads a zip, refuses it unless its SHA-256 matches, and unpacks it into {@code target}. */
    private static String fetchScript(String target) {
        return "set -eu\n"
                + "wget -q -O /tmp/lamina-code.zip \"$CODE_URL\"\n"
                + "echo \"$CODE_SHA256  /tmp/lamina-code.zip\" | sha256sum -c -\n"
                + "unzip -o -q /tmp/lamina-code.zip -d " + target + "\n"
                + "rm /tmp/lamina-code.zip\n";
    }

    private Container fetcher(String name, String script, String url, String sha256, List<VolumeMount> mounts) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(settings.codeFetcherImage())
                .withCommand("sh", "-c", script)
                .withEnv(env("CODE_URL", url), env("CODE_SHA256", sha256))
                .withVolumeMounts(mounts)
                .withResources(initResources())
                .withSecurityContext(containerSecurity())
                .build();
    }

    /** Copies a directory out of an image (code or layer packaged as an image; needs sh and cp in it). */
    private Container copier(String name, String image, String source, String target, List<VolumeMount> mounts) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withCommand("sh", "-c", "set -eu\ncp -R -L " + source + "/. " + target + "/\n")
                .withVolumeMounts(mounts)
                .withResources(initResources())
                .withSecurityContext(containerSecurity())
                .build();
    }

    /** They run on every cold start, before the shim: the same CPU request and limit as the shim. */
    private ResourceRequirements initResources() {
        return new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("128Mi")).addToRequests("cpu", new Quantity(settings.shimCpu()))
                .addToLimits("memory", new Quantity("128Mi"))
                .addToLimits("cpu", new Quantity(settings.shimCpuLimit()))
                .build();
    }

    private static void addFileSystems(FunctionSpec spec, List<Volume> volumes, List<VolumeMount> mounts) {
        if (spec.fileSystems() == null) {
            return;
        }
        Map<String, String> volumeByClaim = new LinkedHashMap<>();
        for (FileSystemMount fs : spec.fileSystems()) {
            String volume = volumeByClaim.computeIfAbsent(fs.claimName(), claim -> {
                String name = "fs-" + volumeByClaim.size();
                volumes.add(new VolumeBuilder().withName(name).withNewPersistentVolumeClaim()
                        .withClaimName(claim).endPersistentVolumeClaim().build());
                return name;
            });
            // The access point's root becomes the mount's subPath: the function sees only that directory.
            String subPath = fs.path().replaceAll("^/+", "").replaceAll("/+$", "");
            mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(fs.mountPath())
                    .withSubPath(subPath.isEmpty() ? null : subPath).withReadOnly(fs.readOnly()).build());
        }
    }

    private io.fabric8.kubernetes.api.model.PodSecurityContext podSecurity(FunctionSpec spec) {
        Long uid = null;
        Long gid = null;
        if (spec.fileSystems() != null) {
            uid = spec.fileSystems().stream().map(FileSystemMount::uid).filter(Objects::nonNull).findFirst()
                    .orElse(null);
            gid = spec.fileSystems().stream().map(FileSystemMount::gid).filter(Objects::nonNull).findFirst()
                    .orElse(null);
        }
        PodSecurityContextBuilder security = new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(uid != null ? uid : settings.runAsUser())
                .withRunAsGroup(gid != null ? gid : settings.runAsGroup())
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
        if (gid != null) {
            // Files on the shared file system belong to the access point's group; only chown when the root differs.
            security.withFsGroup(gid).withFsGroupChangePolicy("OnRootMismatch");
        }
        return security.build();
    }

    private static SecurityContext containerSecurity() {
        Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withPrivileged(false)
                .withCapabilities(none)
                .build();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly ? true : null)
                .build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    /** Memory as the API server writes it back (1024Mi reads back as 1Gi), so desired and actual compare equal. */
    static Quantity megabytes(int megabytes) {
        return megabytes % 1024 == 0 ? new Quantity(megabytes / 1024 + "Gi") : new Quantity(megabytes + "Mi");
    }

    private static Quantity plusMegabytes(Quantity base, int megabytes) {
        if (megabytes == 0) {
            return base;
        }
        long bytes = Quantity.getAmountInBytes(base).longValue() + megabytes * 1024L * 1024L;
        return new Quantity((bytes + 1024 * 1024 - 1) / (1024 * 1024) + "Mi");
    }

    /** memoryMB / 1769 vCPU, in millicores, at most 6 cores. */
    static Quantity cpu(int memoryMb) {
        int millicores = Math.min(MAX_MILLICORES, (int) Math.ceil(memoryMb * 1000.0 / MB_PER_VCPU));
        return millicores % 1000 == 0 ? new Quantity(millicores / 1000 + "") : new Quantity(millicores + "m");
    }
}
