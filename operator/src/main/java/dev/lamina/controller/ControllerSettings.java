package dev.lamina.controller;

import dev.lamina.api.LambdaRuntime;
import dev.lamina.images.RegistrySettings;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the controller needs to know that is not in a Function: which images to run, the cluster's region, where the
 * gateway is reached. Built from {@link ControllerConfig} in the application, directly in tests.
 *
 * @param shimImage        the lamina-shim image run as the sidecar of every execution environment
 * @param shimMemory       memory request and limit of the shim container (a Kubernetes quantity)
 * @param shimCpu          CPU request of the shim container and of the code-fetching init containers (a Kubernetes
 *                         quantity): what a warm shim needs
 * @param shimCpuLimit     their CPU limit, at least {@code shimCpu}: the speed of every cold start (a 100m limit
 *                         made the shim's ready take ~1.9 s instead of ~0.15 s)
 * @param runtimeImages    Lambda runtime name (java21, python3.13, ...) → base image for code packaging: the
 *                         operator's replacements; every other runtime of {@link LambdaRuntime#ALL} runs in its AWS
 *                         base image
 * @param codeFetcherImage image with sh, wget, sha256sum, unzip and cp, used by init containers to fetch code
 * @param region           the region reported to functions (AWS_REGION) and used in ARNs
 * @param gatewayUrl       base URL of the gateway as users reach it, for status.invokeUrl; empty when unknown
 * @param urlDomain        domain of host-based Function URLs; empty: status shows path-based ones
 * @param runAsUser        uid functions run as when no file system asks for one
 * @param runAsGroup       gid functions run as when no file system asks for one
 * @param recheckInterval  how soon a Function stalled on something the operator does not watch (a Secret) is rechecked
 * @param registries       whether and how a published version's image tags are resolved to digests
 */
public record ControllerSettings(
        String shimImage,
        String shimMemory,
        String shimCpu,
        String shimCpuLimit,
        Map<String, String> runtimeImages,
        String codeFetcherImage,
        String region,
        Optional<String> gatewayUrl,
        Optional<String> urlDomain,
        long runAsUser,
        long runAsGroup,
        Duration recheckInterval,
        RegistrySettings registries) {

    public ControllerSettings {
        // Kubernetes refuses a pod whose limit is below its request, which would leave every Deployment without pods.
        if (Quantity.parse(shimCpuLimit).getNumericalAmount()
                .compareTo(Quantity.parse(shimCpu).getNumericalAmount()) < 0) {
            throw new IllegalArgumentException("the shim's CPU limit (lamina.controller.shim.cpu-limit=" + shimCpuLimit
                    + ") is below its request (lamina.controller.shim.cpu=" + shimCpu + ")");
        }
        Map<String, String> images = LambdaRuntime.ALL.stream()
                .collect(Collectors.toMap(LambdaRuntime::id, LambdaRuntime::image));
        images.putAll(runtimeImages);
        runtimeImages = Map.copyOf(images);
    }

    /**
     * Settings with the defaults of application.properties, for tests and tools, except that no registry is asked
     * for digests (there is none to ask): see {@link #withRegistries}.
     */
    public static ControllerSettings defaults() {
        return new ControllerSettings("lamina-shim:latest", "128Mi", "100m", "2", Map.of(), "alpine:3.22",
                "us-east-1", Optional.empty(), Optional.empty(), 993, 990, Duration.ofSeconds(30),
                RegistrySettings.off());
    }

    public ControllerSettings withGatewayUrl(String url) {
        return new ControllerSettings(shimImage, shimMemory, shimCpu, shimCpuLimit, runtimeImages, codeFetcherImage,
                region, Optional.of(url), urlDomain, runAsUser, runAsGroup, recheckInterval, registries);
    }

    public ControllerSettings withShimImage(String image) {
        return new ControllerSettings(image, shimMemory, shimCpu, shimCpuLimit, runtimeImages, codeFetcherImage,
                region, gatewayUrl, urlDomain, runAsUser, runAsGroup, recheckInterval, registries);
    }

    public ControllerSettings withRegistries(RegistrySettings settings) {
        return new ControllerSettings(shimImage, shimMemory, shimCpu, shimCpuLimit, runtimeImages, codeFetcherImage,
                region, gatewayUrl, urlDomain, runAsUser, runAsGroup, recheckInterval, settings);
    }
}
