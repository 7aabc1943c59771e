package dev.lamina.local;

import dev.lamina.api.AliasSpec;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.Labels;
import dev.lamina.deployments.DeploymentType;
import dev.lamina.deployments.Durations;
import dev.lamina.versions.AliasRouting;
import dev.lamina.versions.FunctionVersions;
import java.util.Map;
import java.util.Optional;

/**
 * The checks the CRDs' schema and rules make when a resource is applied to a cluster, which local mode has no API
 * server for: a resource failing one is reported with the reason and not used.
 */
final class LocalChecks {
    private LocalChecks() {
    }

    /** Why a Function spec (or a version's snapshot) cannot be used, if it cannot. */
    static Optional<String> function(FunctionSpec spec) {
        if ((spec.image() == null) == (spec.code() == null)) {
            return Optional.of("set exactly one of image (a container image) or code (runtime + code packaging)");
        }
        if ((spec.code() == null) != (spec.runtime() == null)) {
            return Optional.of("runtime is required with code, and only with code");
        }
        if (spec.code() != null && spec.handler() == null && !spec.runtime().startsWith("provided")) {
            return Optional.of("handler is required for the " + spec.runtime() + " runtime");
        }
        if (spec.code() != null) {
            int sources = (spec.code().configMap() != null ? 1 : 0) + (spec.code().url() != null ? 1 : 0)
                    + (spec.code().image() != null ? 1 : 0) + (spec.code().path() != null ? 1 : 0);
            if (sources != 1) {
                return Optional.of("code names exactly one of configMap, url, image or path");
            }
            if (spec.code().image() != null) {
                return Optional.of("code from an image needs a container engine, which local mode does not have");
            }
            if ((spec.code().url() == null) != (spec.code().sha256() == null)) {
                return Optional.of("a code url needs its sha256, and sha256 goes with a url");
            }
        }
        return Optional.empty();
    }

    /** Why an alias cannot route, if it cannot. */
    static Optional<String> alias(AliasSpec spec) {
        if (spec.name() == null || FunctionVersions.isNumber(spec.name())
                || !spec.name().matches("[a-zA-Z0-9_-]{1,128}")) {
            return Optional.of("the alias name must be letters, digits, - and _, and not a number");
        }
        AliasSpec.DeploymentPreference deployment = spec.deployment();
        boolean follows = deployment != null && deployment.followLatest();
        if ((spec.functionVersion() == null) != follows) {
            return Optional.of("an alias names its functionVersion, or follows the latest version"
                    + " (deployment.followLatest), not both");
        }
        if (deployment != null) {
            if (spec.routingConfig() != null) {
                return Optional.of("routingConfig and deployment exclude each other: a deployment sets the weights"
                        + " itself");
            }
            if (Labels.LATEST.equals(spec.functionVersion())) {
                return Optional.of("a deployment moves between published versions: functionVersion cannot be"
                        + " $LATEST");
            }
            boolean custom = "Canary".equals(deployment.type()) || "Linear".equals(deployment.type());
            if (custom != (deployment.stepPercent() != null && deployment.interval() != null)) {
                return Optional.of("stepPercent and interval go with type Canary or Linear (the predefined types"
                        + " name their own)");
            }
            try {
                DeploymentType.of(deployment);
                if (deployment.hooks() != null) {
                    Durations.parse(deployment.hooks().timeout());
                }
                if (deployment.rollback() != null && deployment.rollback().window() != null) {
                    Durations.parse(deployment.rollback().window());
                }
            } catch (IllegalArgumentException e) {
                return Optional.of("deployment: " + e.getMessage());
            }
        }
        if (spec.functionVersion() == null) {
            return Optional.empty();
        }
        Map<String, Double> weights = spec.routingConfig() == null ? null
                : spec.routingConfig().additionalVersionWeights();
        if (weights != null && !weights.isEmpty()) {
            if (weights.size() > 1) {
                return Optional.of("additionalVersionWeights may name one version only");
            }
            Map.Entry<String, Double> w = weights.entrySet().iterator().next();
            if (spec.functionVersion().equals(Labels.LATEST) || w.getKey().equals(Labels.LATEST)) {
                return Optional.of("weighted routing needs published versions, not $LATEST");
            }
            if (w.getKey().equals(spec.functionVersion())) {
                return Optional.of("additionalVersionWeights must not name the alias's own functionVersion");
            }
            if (w.getValue() == null || w.getValue() < 0 || w.getValue() > 1) {
                return Optional.of("a routing weight is between 0.0 and 1.0");
            }
        }
        for (String version : AliasRouting.table(spec).keySet()) {
            if (!version.equals(Labels.LATEST) && !FunctionVersions.isNumber(version)) {
                return Optional.of("version " + version + " is not a version number (an alias cannot point at an"
                        + " alias)");
            }
        }
        return Optional.empty();
    }
}
