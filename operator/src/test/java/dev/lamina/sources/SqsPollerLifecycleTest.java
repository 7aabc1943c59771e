package dev.lamina.sources;

import static dev.lamina.sources.ScriptedFunction.error;
import static dev.lamina.sources.ScriptedFunction.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How an SQS mapping starts, stops, waits for what it lacks and survives a source it cannot read. */
class SqsPollerLifecycleTest extends ElasticMqFixture {
    private MappingState.State state(Mapping mapping) {
        MappingState state = sources.state(mapping);
        return state == null ? null : state.state();
    }

    private String problem(Mapping mapping) {
        MappingState state = sources.state(mapping);
        return state == null || state.problem() == null ? null : state.problem().reason();
    }

    @Test
    void startsWithNoRecordsProcessedThenOk() {
        String queue = mq.queue(name, 30);
        Mapping mapping = sqs(queue).mapping();

        running.put(mapping);

        await().atMost(WITHIN).until(() -> MappingState.of(MappingState.State.Enabled, MappingState.NO_RECORDS, 1)
                .equals(sources.state(mapping)));
        mq.send(queue, "one");
        await().atMost(WITHIN).until(() -> MappingState.of(MappingState.State.Enabled, MappingState.OK, 1)
                .equals(sources.state(mapping)));
        assertThat(sources.states(mapping)).extracting(MappingState::state).containsExactly(
                MappingState.State.Creating, MappingState.State.Enabled, MappingState.State.Enabled);
    }

    @Test
    void disablingStopsWithinSecondsAndEnablingResumes() {
        String queue = mq.queue(name, 2);
        Sources.Sqs sqs = sqs(queue);
        running.put(sqs.mapping());
        mq.send(queue, "one");
        await().atMost(WITHIN).until(() -> sources.function.bodies().contains("one"));

        Mapping disabled = sqs.enabled(false).mapping();
        running.put(disabled);

        await().atMost(Duration.ofSeconds(5)).until(() -> state(disabled) == MappingState.State.Disabled);
        // A long poll cut short by the stop may still take "two" on the server's side: it then comes back after the
        // visibility timeout, so it is on the queue, visible or not.
        mq.send(queue, "two");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> mq.count(queue) == 1
                && sources.function.bodies().equals(List.of("one")));

        running.put(sqs.mapping());

        await().atMost(WITHIN).until(() -> sources.function.bodies().contains("two") && mq.count(queue) == 0);
        assertThat(sources.function.bodies()).containsExactly("one", "two");
    }

    @Test
    void anUnreachableEndpointIsAProblemReportedOnce() {
        Mapping mapping = Sources.Sqs.of(name, "http://127.0.0.1:1/000000000000/" + name, "http://127.0.0.1:1")
                .mapping();

        running.put(mapping);

        await().atMost(WITHIN).until(() -> "SourceUnreachable".equals(problem(mapping)));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                sources.states(mapping).stream().filter(s -> s.problem() != null).count() == 1);
        assertThat(sources.state(mapping).state()).isEqualTo(MappingState.State.Enabled);
        assertThat(sources.state(mapping).lastProcessingResult()).startsWith("PROBLEM: ");
        assertThat(sources.function.events()).isEmpty();
    }

    @Test
    void aMissingQueueIsAProblemUntilItExists() {
        Mapping mapping = sqs(mq.url(name)).mapping();

        running.put(mapping);

        await().atMost(WITHIN).until(() -> "QueueNotFound".equals(problem(mapping)));
        String queue = mq.queue(name, 30);
        mq.send(queue, "late");
        await().atMost(Duration.ofSeconds(90)).until(() -> sources.function.bodies().contains("late"));
        await().atMost(WITHIN).until(() -> MappingState.of(MappingState.State.Enabled, MappingState.OK, 1)
                .equals(sources.state(mapping)));
    }

    @Test
    void anUnreadableCredentialsSecretIsAProblemUntilItCanBeRead() {
        String queue = mq.queue(name, 30);
        mq.send(queue, "waiting");
        sources.secretMissing = true;
        Mapping mapping = sqs(queue).mapping();

        running.put(mapping);

        await().atMost(WITHIN).until(() -> "AccessDenied".equals(problem(mapping)));
        assertThat(sources.state(mapping).problem().message())
                .isEqualTo("the credentials Secret sqs-credentials cannot be used: Secret team/sqs-credentials not found");
        sources.secretMissing = false;
        await().atMost(WITHIN).until(() -> sources.function.bodies().contains("waiting"));
    }

    @Test
    void aMissingFunctionIsWaitedForWithoutPolling() {
        String queue = mq.queue(name, 30);
        mq.send(queue, "early");
        sources.function.deployed = false;
        Mapping mapping = sqs(queue).mapping();

        running.put(mapping);

        await().atMost(WITHIN).until(() -> "FunctionNotFound".equals(problem(mapping)));
        assertThat(state(mapping)).isEqualTo(MappingState.State.Creating);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> mq.visible(queue) == 1);

        sources.function.deployed = true;

        await().atMost(WITHIN).until(() -> sources.function.bodies().contains("early"));
        await().atMost(WITHIN).until(() -> MappingState.of(MappingState.State.Enabled, MappingState.OK, 1)
                .equals(sources.state(mapping)));
    }

    @Test
    void aMappingClosedMidBatchFinishesTheBatchAndLosesNothing() throws InterruptedException {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 2);
        for (int i = 0; i < 25; i++) {
            mq.send(queue, "m" + i);
        }
        CountDownLatch invoked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sources.function.script = event -> {
            invoked.countDown();
            assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            return error();
        };
        SqsPoller poller = poller(sqs(queue).mapping());
        poller.start();
        assertThat(invoked.await(20, TimeUnit.SECONDS)).isTrue();

        Thread closing = Thread.ofVirtual().start(poller::close);
        await().atMost(WITHIN).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        assertThat(closing.join(WITHIN)).isTrue();
        assertThat(sources.function.events()).hasSize(1);
        await().atMost(WITHIN).until(() -> mq.visible(queue) == 25);
        assertThat(mq.drain(queue)).hasSize(25);
    }

    @Test
    void recordsGatheredButNotSentComeBackWhenTheMappingCloses() throws InterruptedException {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 2);
        SqsPoller poller = poller(sqs(queue).batchSize(100).window(60).mapping());
        poller.start();
        mq.send(queue, "a", "b", "c");
        await().atMost(WITHIN).until(() -> mq.visible(queue) == 0);

        Thread closing = Thread.ofVirtual().start(poller::close);

        assertThat(closing.join(Duration.ofSeconds(10))).isTrue();
        assertThat(sources.function.events()).isEmpty();
        await().atMost(WITHIN).until(() -> mq.visible(queue) == 3);
    }

    @Test
    void aSuccessfulBatchFinishingAfterCloseIsDeleted() throws InterruptedException {
        sources.function.reservedConcurrency = 1;
        String queue = mq.queue(name, 2);
        mq.send(queue, "a", "b");
        CountDownLatch invoked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sources.function.script = event -> {
            invoked.countDown();
            assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            return ok("");
        };
        SqsPoller poller = poller(sqs(queue).batchSize(10).window(1).mapping());
        poller.start();
        assertThat(invoked.await(20, TimeUnit.SECONDS)).isTrue();

        Thread closing = Thread.ofVirtual().start(poller::close);
        await().atMost(WITHIN).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        assertThat(closing.join(WITHIN)).isTrue();
        assertThat(sources.function.bodies()).containsExactlyInAnyOrder("a", "b");
        await().atMost(WITHIN).until(() -> mq.count(queue) == 0);
    }

    private SqsPoller poller(Mapping mapping) {
        return new SqsPoller(mapping, sources.with, new SourceMetrics(sources.with.registry(), mapping));
    }
}