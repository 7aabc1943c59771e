package dev.lamina.deployments;

import dev.lamina.api.AliasSpec;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How traffic moves to a new version, step by step: CodeDeploy's AllAtOnce, canary (a share, then the rest after a
 * wait) and linear (an equal share more each interval) types, predefined by name or given as a step and interval.
 */
public sealed interface DeploymentType {

    /** The target's share after {@code step} steps (step 1 is the first move); 1.0 when traffic has fully moved. */
    double weightAfter(int step);

    /** The wait between steps. */
    Duration interval();

    record AllAtOnce() implements DeploymentType {
        @Override
        public double weightAfter(int step) {
            return 1.0;
        }

        @Override
        public Duration interval() {
            return Duration.ZERO;
        }
    }

    record Canary(int percent, Duration interval) implements DeploymentType {
        @Override
        public double weightAfter(int step) {
            return step <= 1 ? percent / 100.0 : 1.0;
        }
    }

    record Linear(int percent, Duration interval) implements DeploymentType {
        @Override
        public double weightAfter(int step) {
            return Math.min(100, (long) step * percent) / 100.0;
        }
    }

    Pattern CANARY = Pattern.compile("Canary(\\d+)Percent(\\d+)Minutes?");
    Pattern LINEAR = Pattern.compile("Linear(\\d+)PercentEvery(\\d+)Minutes?");

    /** The type a deployment preference names (the CRD's pattern admits only the names handled here). */
    static DeploymentType of(AliasSpec.DeploymentPreference preference) {
        String type = preference.type();
        Matcher canary = CANARY.matcher(type);
        Matcher linear = LINEAR.matcher(type);
        if (canary.matches()) {
            return new Canary(Integer.parseInt(canary.group(1)), Duration.ofMinutes(Long.parseLong(canary.group(2))));
        }
        if (linear.matches()) {
            return new Linear(Integer.parseInt(linear.group(1)), Duration.ofMinutes(Long.parseLong(linear.group(2))));
        }
        return switch (type) {
            case "Canary" -> new Canary(preference.stepPercent(), Durations.parse(preference.interval()));
            case "Linear" -> new Linear(preference.stepPercent(), Durations.parse(preference.interval()));
            default -> new AllAtOnce();
        };
    }
}
