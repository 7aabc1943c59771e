package dev.lamina.edge;

import dev.lamina.api.DistributionSpec;
import dev.lamina.api.FunctionSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What makes a distribution runnable, one rule for both modes' status and for the door: each associated function
 * version exists and its configuration is within Lambda@Edge's limits for its event type, and each Function URL
 * origin has a URL.
 */
public final class DistributionChecks {

    /** What a mode knows of one published version of a function: its configuration, or nothing. */
    @FunctionalInterface
    public interface Versions {
        Optional<FunctionSpec> configuration(String function, String version);
    }

    /** What a mode knows of Function URLs: whether a function (or its alias, when qualified) has one. */
    @FunctionalInterface
    public interface Urls {
        boolean exists(String function, String qualifier);
    }

    /** The function versions a distribution runs ({@code FUNCTION:VERSION}) and what is wrong with them. */
    public record Result(List<String> functionVersions, List<String> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private DistributionChecks() {
    }

    public static Result check(DistributionSpec spec, Versions versions, Urls urls) {
        Set<String> used = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (DistributionSpec.Origin origin : spec.origins()) {
            DistributionSpec.FunctionUrlOrigin target = origin.functionUrl();
            if (target != null && !urls.exists(target.function(), target.qualifier())) {
                problems.add("origin " + origin.id() + ": " + target.function()
                        + (target.qualifier() == null ? "" : ":" + target.qualifier()) + " has no Function URL");
            }
        }
        for (DistributionSpec.CacheBehavior behavior : spec.behaviorsInOrder()) {
            for (DistributionSpec.FunctionAssociation association : behavior.lambdaFunctionAssociations()) {
                String named = association.function() + ":" + association.functionVersion();
                used.add(named);
                EdgeEventType type = EdgeEventType.of(association.eventType());
                String where = (behavior.pathPattern() == null ? "the default behaviour"
                        : "behaviour " + behavior.pathPattern()) + ", " + type.wireName();
                versions.configuration(association.function(), association.functionVersion()).ifPresentOrElse(
                        configuration -> limitProblem(type, configuration).ifPresent(p -> problems.add(
                                where + ": " + named + " " + p)),
                        () -> problems.add(where + ": function version " + named + " does not exist"));
            }
        }
        return new Result(List.copyOf(used), List.copyOf(problems));
    }

    /** Why a version's configuration cannot run at an event type under Lambda@Edge's limits, if it cannot. */
    public static Optional<String> limitProblem(EdgeEventType type, FunctionSpec configuration) {
        if (configuration.timeoutSeconds() > type.maxTimeoutSeconds()) {
            return Optional.of("has timeoutSeconds " + configuration.timeoutSeconds() + "; " + type.wireName()
                    + " functions may run " + type.maxTimeoutSeconds() + " s at most");
        }
        if (configuration.memoryMB() > type.maxMemoryMB()) {
            return Optional.of("has memoryMB " + configuration.memoryMB() + "; " + type.wireName()
                    + " functions may have " + type.maxMemoryMB() + " MB at most");
        }
        return Optional.empty();
    }
}
