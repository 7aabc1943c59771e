package dev.lamina.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.controller.Fixtures;
import dev.lamina.versions.AliasRouting;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RolloutTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final DeploymentStatus ON_3 = new DeploymentStatus(DeploymentStatus.SUCCEEDED, "d-OLD", "2", "3",
            1.0, 1, null, null, null, null, null, null, 1L);

    /** An alias now at version 4 (generation 2), deploying by these spec lines. */
    private static AliasSpec spec(String... deployment) {
        String[] lines = new String[deployment.length + 1];
        lines[0] = "deployment:";
        for (int i = 0; i < deployment.length; i++) {
            lines[i + 1] = "  " + deployment[i];
        }
        return Fixtures.alias("ns", "shop", "live", "4", lines).getSpec();
    }

    private static Rollout.Situation at(AliasSpec spec, DeploymentStatus current, Instant now) {
        return new Rollout.Situation(spec, 2, "4", current, now, true, null, Outcomes.NONE, Outcomes.NONE, null, null,
                null);
    }

    private static Rollout.Situation withOutcomes(Rollout.Situation s, Outcomes window) {
        return new Rollout.Situation(s.spec(), s.generation(), s.desired(), s.current(), s.now(), s.targetWarm(),
                s.targetProblem(), window, window, s.hookReport(), s.hookFailure(), s.action());
    }

    private static Rollout.Situation withHook(Rollout.Situation s, HookReports.HookStatus report, String failure) {
        return new Rollout.Situation(s.spec(), s.generation(), s.desired(), s.current(), s.now(), s.targetWarm(),
                s.targetProblem(), s.seen(), s.window(), report, failure, s.action());
    }

    private static Outcomes calls(long invocations, long errors) {
        return new Outcomes(invocations, errors, 0, 0, Outcomes.NONE.durationBuckets());
    }

    @Test
    void aCanaryGetsItsShareThenTheRestAfterTheWait() {
        AliasSpec spec = spec("type: Canary", "stepPercent: 10", "interval: 30s");
        DeploymentStatus started = Rollout.advance(at(spec, ON_3, T0)).status();
        assertThat(started.phase()).isEqualTo(DeploymentStatus.SHIFTING);
        assertThat(started.deploymentId()).matches("d-[A-Z0-9]{9}");
        assertThat(AliasRouting.table(spec, started)).containsExactly(Map.entry("3", 0.9), Map.entry("4", 0.1));
        assertThat(started.nextStepAt()).isEqualTo("2026-12-06T10:00:30Z");

        assertThat(Rollout.advance(at(spec, started, T0.plusSeconds(29))).status()).isEqualTo(started);
        DeploymentStatus done = Rollout.advance(at(spec, started, T0.plusSeconds(30))).status();
        assertThat(done.phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(AliasRouting.table(spec, done)).containsExactly(Map.entry("4", 1.0));
        assertThat(Rollout.advance(at(spec, done, T0.plusSeconds(60))).status()).isEqualTo(done);
    }

    @Test
    void linearStepsAddTheirShareEachInterval() {
        AliasSpec spec = spec("type: Linear10PercentEvery2Minutes");
        DeploymentStatus st = Rollout.advance(at(spec, ON_3, T0)).status();
        for (int step = 1; step < 10; step++) {
            assertThat(st.targetWeight()).isCloseTo(step / 10.0, org.assertj.core.data.Offset.offset(1e-9));
            st = Rollout.advance(at(spec, st, T0.plus(Duration.ofMinutes(2L * step)))).status();
        }
        assertThat(st.phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    void aBadVersionRollsBackOnceEnoughCallsWereJudgedAndIsNotTriedAgainUntilTheAliasChanges() {
        AliasSpec spec = spec("type: Linear", "stepPercent: 20", "interval: 10s",
                "rollback: {maxErrorRate: 0.1, minInvocations: 10}");
        DeploymentStatus shifting = Rollout.advance(at(spec, ON_3, T0)).status();
        DeploymentStatus few = Rollout.advance(withOutcomes(at(spec, shifting, T0.plusSeconds(1)), calls(9, 9)))
                .status();
        assertThat(few.phase()).as("9 invocations are not judged").isEqualTo(DeploymentStatus.SHIFTING);

        Rollout.Decision bad = Rollout.advance(withOutcomes(at(spec, few, T0.plusSeconds(2)), calls(20, 10)));
        assertThat(bad.status().phase()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(bad.status().message()).contains("error rate 0.500 over 20 invocations (10 function errors");
        assertThat(bad.status().counts().invocations()).isEqualTo(20);
        assertThat(bad.notices()).anyMatch(n -> n.warning() && n.reason().equals("DeploymentRolledBack"));
        assertThat(AliasRouting.table(spec, bad.status())).containsExactly(Map.entry("3", 1.0));

        assertThat(Rollout.advance(at(spec, bad.status(), T0.plusSeconds(60))).status()).isEqualTo(bad.status());
        Rollout.Situation edited = new Rollout.Situation(spec, 3, "4", bad.status(), T0.plusSeconds(61), true, null,
                Outcomes.NONE, Outcomes.NONE, null, null, null);
        assertThat(Rollout.advance(edited).status().deploymentId()).isNotEqualTo(bad.status().deploymentId());
    }

    @Test
    void aSlowVersionRollsBackOnItsP99() {
        AliasSpec spec = spec("type: Canary", "stepPercent: 50", "interval: 1m",
                "rollback: {maxP99DurationMillis: 100, minInvocations: 1}");
        DeploymentStatus shifting = Rollout.advance(at(spec, ON_3, T0)).status();
        long[] buckets = Outcomes.NONE.durationBuckets();
        buckets[Outcomes.bucket(1_500)] = 5;
        Outcomes slow = new Outcomes(5, 0, 0, 0, buckets);
        DeploymentStatus back = Rollout.advance(withOutcomes(at(spec, shifting, T0.plusSeconds(1)), slow)).status();
        assertThat(back.message()).contains("p99 duration 2000 ms");
    }

    @Test
    void trafficWaitsForThePreTrafficHookAndAReadyEnvironment() {
        AliasSpec spec = spec("type: AllAtOnce", "hooks: {preTraffic: check, postTraffic: smoke, timeout: 30s}");
        DeploymentStatus pre = Rollout.advance(at(spec, ON_3, T0)).status();
        assertThat(pre.phase()).isEqualTo(DeploymentStatus.PRE_TRAFFIC);
        assertThat(pre.hookExecutionId()).isNotNull();
        assertThat(AliasRouting.table(spec, pre)).containsExactly(Map.entry("3", 1.0));

        Rollout.Situation passed = withHook(at(spec, pre, T0.plusSeconds(1)), HookReports.HookStatus.Succeeded, null);
        Rollout.Situation cold = new Rollout.Situation(spec, 2, "4", pre, passed.now(), false, null, Outcomes.NONE,
                Outcomes.NONE, HookReports.HookStatus.Succeeded, null, null);
        DeploymentStatus waiting = Rollout.advance(cold).status();
        assertThat(waiting.phase()).isEqualTo(DeploymentStatus.PRE_TRAFFIC);
        assertThat(waiting.message()).contains("waiting for a ready environment of version 4");

        Rollout.Situation neverReady = new Rollout.Situation(spec, 2, "4", waiting,
                passed.now().plus(Rollout.WARM_TIMEOUT).plusSeconds(1), false, null, Outcomes.NONE, Outcomes.NONE,
                null, null, null);
        DeploymentStatus failed = Rollout.advance(neverReady).status();
        assertThat(failed.phase()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(failed.message()).isEqualTo("no environment of version 4 became ready within 15 minutes");
        assertThat(AliasRouting.table(spec, failed)).containsExactly(Map.entry("3", 1.0));

        DeploymentStatus post = Rollout.advance(passed).status();
        assertThat(post.phase()).isEqualTo(DeploymentStatus.POST_TRAFFIC);
        assertThat(post.hookExecutionId()).isNotEqualTo(pre.hookExecutionId());
        assertThat(AliasRouting.table(spec, post)).containsExactly(Map.entry("4", 1.0));

        DeploymentStatus silent = Rollout.advance(at(spec, post, T0.plusSeconds(32))).status();
        assertThat(silent.phase()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(silent.message()).contains("post-traffic hook smoke did not report its status within 30s");
    }

    @Test
    void aFailingHookRollsBack() {
        AliasSpec spec = spec("hooks: {preTraffic: check}");
        DeploymentStatus pre = Rollout.advance(at(spec, ON_3, T0)).status();
        assertThat(Rollout.advance(withHook(at(spec, pre, T0), HookReports.HookStatus.Failed, null)).status()
                .message()).endsWith("pre-traffic hook check reported Failed");
        assertThat(Rollout.advance(withHook(at(spec, pre, T0), null, "function error Unhandled: boom")).status()
                .phase()).isEqualTo(DeploymentStatus.ROLLED_BACK);
    }

    @Test
    void promoteAndAbortActOnTheVersionTheyName() {
        AliasSpec spec = spec("type: Canary10Percent30Minutes");
        DeploymentStatus canary = Rollout.advance(at(spec, ON_3, T0)).status();
        Rollout.Situation otherVersion = new Rollout.Situation(spec, 2, "4", canary, T0.plusSeconds(1), true, null,
                Outcomes.NONE, Outcomes.NONE, null, null, new ManualAction(ManualAction.Kind.ABORT, "3"));
        assertThat(Rollout.advance(otherVersion).status()).isEqualTo(canary);
        Rollout.Situation promote = new Rollout.Situation(spec, 2, "4", canary, T0.plusSeconds(1), true, null,
                Outcomes.NONE, Outcomes.NONE, null, null, ManualAction.parse("promote:4").orElseThrow());
        assertThat(Rollout.advance(promote).status().phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Rollout.Situation abort = new Rollout.Situation(spec, 2, "4", canary, T0.plusSeconds(1), true, null,
                Outcomes.NONE, Outcomes.NONE, null, null, ManualAction.parse("abort:4").orElseThrow());
        assertThat(Rollout.advance(abort).status().message()).endsWith("aborted by hand (" + ManualAction.ANNOTATION
                + ")");
    }

    @Test
    void theFirstVersionNeedsNoShiftAndANewerOneReplacesADeploymentUnderWay() {
        AliasSpec spec = spec("type: Canary10Percent5Minutes");
        DeploymentStatus first = Rollout.advance(at(spec, null, T0)).status();
        assertThat(first.phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(AliasRouting.table(spec, first)).containsExactly(Map.entry("4", 1.0));

        DeploymentStatus canary = Rollout.advance(at(spec, ON_3, T0)).status();
        Rollout.Situation newer = new Rollout.Situation(spec, 2, "5", canary, T0.plusSeconds(5), true, null,
                Outcomes.NONE, Outcomes.NONE, null, null, null);
        DeploymentStatus replaced = Rollout.advance(newer).status();
        assertThat(replaced.fromVersion()).isEqualTo("3");
        assertThat(replaced.targetVersion()).isEqualTo("5");
        assertThat(AliasRouting.table(spec, replaced)).containsExactly(Map.entry("3", 0.9), Map.entry("5", 0.1));
    }

    @Test
    void aTargetThatCannotRunFailsTheDeployment() {
        AliasSpec spec = spec("type: Canary10Percent5Minutes");
        DeploymentStatus canary = Rollout.advance(at(spec, ON_3, T0)).status();
        Rollout.Situation broken = new Rollout.Situation(spec, 2, "4", canary, T0.plusSeconds(5), false,
                "image not found", Outcomes.NONE, Outcomes.NONE, null, null, null);
        DeploymentStatus failed = Rollout.advance(broken).status();
        assertThat(failed.phase()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(AliasRouting.table(spec, failed)).containsExactly(Map.entry("3", 1.0));
    }

    @Test
    void readingsAddEveryReplicaAndSurviveARestartedOne() {
        Readings readings = new Readings(null, Duration.ofSeconds(1));
        readings.read(Map.of("a", calls(100, 1), "b", calls(50, 0)), T0);
        readings.read(Map.of("a", calls(110, 3), "b", calls(55, 1)), T0.plusSeconds(1));
        assertThat(readings.seen()).isEqualTo(calls(15, 3));
        // b restarted (a new instance, counting from zero); a did not answer this time.
        readings.read(Map.of("c", calls(4, 4)), T0.plusSeconds(2));
        assertThat(readings.seen()).isEqualTo(calls(19, 7));
        assertThat(readings.window(T0.plusSeconds(2))).isEqualTo(calls(4, 4));
    }
}
