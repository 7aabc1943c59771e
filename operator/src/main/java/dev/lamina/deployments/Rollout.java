package dev.lamina.deployments;

import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentCounts;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The deployment rules, the same in both modes: given where an alias's deployment stands and what was observed,
 * the next state and what to do. A new version (the alias's changed {@code functionVersion}, or with
 * {@code followLatest} the newest published one) goes through {@code PreTraffic} (its hook, and one ready
 * environment), {@code Shifting} (the type's steps), {@code PostTraffic} (its hook) to {@code Succeeded}; an alarm,
 * a failed or silent hook or an abort sends all traffic back ({@code RolledBack}), and a version that cannot run
 * ends it ({@code Failed}). Everything needed to resume lives in the returned status, so whoever evaluates next
 * (another controller after a failover) goes on from there. Pure: time and observations come in.
 */
public final class Rollout {

    /** How often an alias in a deployment is evaluated: a rollback takes effect within this. */
    public static final Duration EVALUATION_INTERVAL = Duration.ofSeconds(1);

    /** How long a new version may take to get a ready environment before its deployment fails. */
    static final Duration WARM_TIMEOUT = Duration.ofMinutes(15);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private Rollout() {
    }

    /**
     * What is known at one evaluation.
     *
     * @param spec          the alias's spec (with a deployment)
     * @param generation    the alias's metadata.generation
     * @param desired       the version the alias should end at, null when there is none yet
     * @param current       the deployment status so far, null at first
     * @param targetWarm    whether the current target has a ready environment
     * @param targetProblem why the current target cannot run, null when it can
     * @param seen          the target's outcomes since its deployment began, from every replica
     * @param window        the target's outcomes over the rollback window
     * @param hookReport    what the hook being waited for reported, null when nothing yet
     * @param hookFailure   why invoking that hook failed, null when it did not
     * @param action        a promote or abort asked by hand, null when none
     */
    public record Situation(AliasSpec spec, long generation, String desired, DeploymentStatus current, Instant now,
                            boolean targetWarm, String targetProblem, Outcomes seen, Outcomes window,
                            HookReports.HookStatus hookReport, String hookFailure, ManualAction action) {
    }

    /** What to tell people: a Kubernetes Event in a cluster, a console line locally. */
    public record Notice(boolean warning, String reason, String message) {
    }

    /**
     * The next status and what to say of it. A hook is not invoked here: the status names it
     * ({@code hookExecutionId}), and the evaluator invokes it once that status is kept (see {@link Deployments}).
     */
    public record Decision(DeploymentStatus status, List<Notice> notices) {
    }

    public static Decision advance(Situation s) {
        Step step = new Step(s);
        DeploymentStatus current = s.current();
        if (current != null && current.inProgress()) {
            if (s.desired() != null && !s.desired().equals(current.targetVersion())) {
                step.notice(false, "DeploymentSuperseded", "version " + s.desired() + " replaces version "
                        + current.targetVersion() + " while it was being deployed; traffic returns to version "
                        + current.fromVersion());
                return step.decide(step.start(current.fromVersion()));
            }
            return step.decide(step.evaluate(current, true));
        }
        String stable = stable(current);
        if (s.desired() == null || s.desired().equals(stable)) {
            return step.decide(current);
        }
        boolean triedAlready = current != null && s.desired().equals(current.targetVersion())
                && current.observedGeneration() != null && current.observedGeneration() == s.generation();
        if (triedAlready) {
            return step.decide(current);
        }
        if (stable == null) {
            DeploymentStatus first = new DeploymentStatus(DeploymentStatus.SUCCEEDED, null, null, s.desired(), 1.0,
                    0, step.now(), step.now(), null, null, null, "routes version " + s.desired()
                    + ": there was no version to shift from", s.generation());
            step.notice(false, "DeploymentSucceeded", first.message());
            return step.decide(first);
        }
        return step.decide(step.start(stable));
    }

    /** The version with all the traffic outside a deployment: the target once it succeeded, else where it came from. */
    private static String stable(DeploymentStatus status) {
        if (status == null) {
            return null;
        }
        return DeploymentStatus.SUCCEEDED.equals(status.phase()) ? status.targetVersion() : status.fromVersion();
    }

    /** One evaluation: builds the next status and collects effects. */
    private static final class Step {
        final Situation s;
        final AliasSpec.DeploymentPreference preference;
        final DeploymentType type;
        final List<Notice> notices = new ArrayList<>();

        Step(Situation s) {
            this.s = s;
            this.preference = s.spec().deployment();
            this.type = DeploymentType.of(preference);
        }

        String now() {
            return s.now().truncatedTo(ChronoUnit.MILLIS).toString();
        }

        Decision decide(DeploymentStatus status) {
            return new Decision(status, List.copyOf(notices));
        }

        void notice(boolean warning, String reason, String message) {
            notices.add(new Notice(warning, reason, message));
        }

        DeploymentStatus start(String from) {
            String id = deploymentId();
            String pre = hooks().preTraffic();
            DeploymentStatus started = new DeploymentStatus(DeploymentStatus.PRE_TRAFFIC, id, from, s.desired(), 0.0,
                    0, now(), now(), null, pre == null ? null : UUID.randomUUID().toString(), counts(Outcomes.NONE),
                    "deploying version " + s.desired() + " (from version " + from + ") by " + preference.type(),
                    s.generation());
            notice(false, "DeploymentStarted", started.message());
            // The observations still describe whatever was deployed before: judge nothing this time.
            return evaluate(started, false);
        }

        DeploymentStatus evaluate(DeploymentStatus st, boolean judge) {
            if (judge) {
                st = with(st, st.phase(), st.targetWeight(), st.step(), st.since(), st.nextStepAt(),
                        st.hookExecutionId(), counts(s.seen()), st.message());
            }
            ManualAction action = s.action();
            boolean forTarget = action != null && action.version().equals(st.targetVersion());
            if (forTarget && action.kind() == ManualAction.Kind.ABORT) {
                return rolledBack(st, "aborted by hand (" + ManualAction.ANNOTATION + ")");
            }
            if (s.targetProblem() != null) {
                return ended(st, DeploymentStatus.FAILED, "version " + st.targetVersion() + " cannot run: "
                        + s.targetProblem());
            }
            if (judge && !DeploymentStatus.PRE_TRAFFIC.equals(st.phase())) {
                Optional<String> alarm = alarm(preference.rollback(), s.window());
                if (alarm.isPresent()) {
                    return rolledBack(st, alarm.get());
                }
            }
            return switch (st.phase()) {
                case DeploymentStatus.PRE_TRAFFIC -> {
                    if (st.hookExecutionId() != null) {
                        Optional<DeploymentStatus> waiting = hookOutcome(st, hooks().preTraffic(), "pre-traffic");
                        if (waiting.isPresent()) {
                            yield waiting.get();
                        }
                        // Warming is timed from here.
                        st = with(st, st.phase(), 0.0, 0, now(), null, null, st.counts(),
                                "pre-traffic hook " + hooks().preTraffic() + " succeeded");
                    }
                    if (!s.targetWarm()) {
                        if (s.now().isAfter(Instant.parse(st.since()).plus(WARM_TIMEOUT))) {
                            yield ended(st, DeploymentStatus.FAILED, "no environment of version "
                                    + st.targetVersion() + " became ready within " + WARM_TIMEOUT.toMinutes()
                                    + " minutes");
                        }
                        yield with(st, st.phase(), 0.0, 0, st.since(), null, null, st.counts(),
                                "waiting for a ready environment of version " + st.targetVersion());
                    }
                    yield shift(st, 1);
                }
                case DeploymentStatus.SHIFTING -> {
                    boolean promoted = forTarget && action.kind() == ManualAction.Kind.PROMOTE;
                    boolean due = st.nextStepAt() == null || !s.now().isBefore(Instant.parse(st.nextStepAt()));
                    yield promoted ? shift(st, Integer.MAX_VALUE) : due ? shift(st, st.step() + 1) : st;
                }
                case DeploymentStatus.POST_TRAFFIC -> {
                    if (st.hookExecutionId() != null) {
                        Optional<DeploymentStatus> waiting = hookOutcome(st, hooks().postTraffic(), "post-traffic");
                        if (waiting.isPresent()) {
                            yield waiting.get();
                        }
                    }
                    yield ended(st, DeploymentStatus.SUCCEEDED, "version " + st.targetVersion()
                            + " gets all traffic");
                }
                default -> st;
            };
        }

        /** Moves traffic to step {@code step}'s share; at 100 % the post-traffic phase begins. */
        DeploymentStatus shift(DeploymentStatus st, int step) {
            double weight = type.weightAfter(step);
            if (weight >= 1.0) {
                String post = hooks().postTraffic();
                String execution = post == null ? null : UUID.randomUUID().toString();
                DeploymentStatus all = with(st, DeploymentStatus.POST_TRAFFIC, 1.0, st.step() + 1, now(), null,
                        execution, st.counts(), "version " + st.targetVersion() + " gets 100%"
                                + (post == null ? "" : "; post-traffic hook " + post + " invoked"));
                notice(false, "TrafficShifted", all.message());
                return post == null ? ended(all, DeploymentStatus.SUCCEEDED, "version " + st.targetVersion()
                        + " gets all traffic") : all;
            }
            String next = s.now().plus(type.interval()).truncatedTo(ChronoUnit.MILLIS).toString();
            DeploymentStatus shifted = with(st, DeploymentStatus.SHIFTING, weight, step,
                    DeploymentStatus.SHIFTING.equals(st.phase()) ? st.since() : now(), next, null, st.counts(),
                    "version " + st.targetVersion() + " gets " + percent(weight) + ", next step at " + next);
            notice(false, "TrafficShifted", shifted.message());
            return shifted;
        }

        /** Empty when the hook succeeded; else the status to keep: still waiting, or rolled back. */
        Optional<DeploymentStatus> hookOutcome(DeploymentStatus st, String hook, String which) {
            if (s.hookReport() == HookReports.HookStatus.Succeeded) {
                return Optional.empty();
            }
            if (s.hookReport() == HookReports.HookStatus.Failed) {
                return Optional.of(rolledBack(st, which + " hook " + hook + " reported Failed"));
            }
            if (s.hookFailure() != null) {
                return Optional.of(rolledBack(st, which + " hook " + hook + " failed: " + s.hookFailure()));
            }
            Duration timeout = Durations.parse(hooks().timeout());
            if (s.now().isAfter(Instant.parse(st.since()).plus(timeout))) {
                return Optional.of(rolledBack(st, which + " hook " + hook + " did not report its status within "
                        + hooks().timeout()));
            }
            return Optional.of(st);
        }

        DeploymentStatus rolledBack(DeploymentStatus st, String reason) {
            return ended(st, DeploymentStatus.ROLLED_BACK, "version " + st.targetVersion() + " rolled back to version "
                    + st.fromVersion() + ": " + reason);
        }

        DeploymentStatus ended(DeploymentStatus st, String phase, String message) {
            boolean succeeded = DeploymentStatus.SUCCEEDED.equals(phase);
            DeploymentStatus end = new DeploymentStatus(phase, st.deploymentId(), st.fromVersion(),
                    st.targetVersion(), succeeded ? 1.0 : 0.0, st.step(), st.started(), now(), null, null,
                    st.counts(), message, s.generation());
            notice(!succeeded, succeeded ? "DeploymentSucceeded" : DeploymentStatus.FAILED.equals(phase)
                    ? "DeploymentFailed" : "DeploymentRolledBack", message);
            return end;
        }

        AliasSpec.Hooks hooks() {
            return preference.hooks() == null ? new AliasSpec.Hooks(null, null, null) : preference.hooks();
        }
    }

    /** Why the window's outcomes call for a rollback, if they do. */
    static Optional<String> alarm(AliasSpec.Rollback rollback, Outcomes window) {
        if (rollback == null) {
            return Optional.empty();
        }
        boolean throttles = rollback.countThrottles();
        long judged = window.invocations() + (throttles ? window.throttles() : 0);
        if (judged < rollback.minInvocations()) {
            return Optional.empty();
        }
        double rate = window.errorRate(throttles);
        if (rollback.maxErrorRate() != null && rate > rollback.maxErrorRate()) {
            return Optional.of(String.format(Locale.ROOT, "error rate %.3f over %d invocations (%d function errors,"
                            + " %d platform errors%s) exceeds maxErrorRate %s", rate, judged, window.functionErrors(),
                    window.platformErrors(), throttles ? ", " + window.throttles() + " throttles" : "",
                    rollback.maxErrorRate()));
        }
        if (rollback.maxP99DurationMillis() != null && window.p99Millis() > rollback.maxP99DurationMillis()) {
            return Optional.of("p99 duration " + window.p99Millis() + " ms over " + judged
                    + " invocations exceeds maxP99DurationMillis " + rollback.maxP99DurationMillis());
        }
        return Optional.empty();
    }

    private static DeploymentStatus with(DeploymentStatus st, String phase, Double weight, Integer step, String since,
                                         String nextStepAt, String hookExecutionId, DeploymentCounts counts,
                                         String message) {
        return new DeploymentStatus(phase, st.deploymentId(), st.fromVersion(), st.targetVersion(), weight, step,
                st.started(), since, nextStepAt, hookExecutionId, counts, message, st.observedGeneration());
    }

    static DeploymentCounts counts(Outcomes o) {
        return new DeploymentCounts(o.invocations(), o.functionErrors(), o.platformErrors(), o.throttles(),
                o.p99Millis());
    }

    private static String percent(double weight) {
        return BigDecimal.valueOf(weight * 100).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                + "%";
    }

    /** CodeDeploy's form: d- and nine capitals or digits. */
    private static String deploymentId() {
        StringBuilder id = new StringBuilder("d-");
        for (int i = 0; i < 9; i++) {
            id.append(ID_LETTERS.charAt(RANDOM.nextInt(ID_LETTERS.length())));
        }
        return id.toString();
    }
}
