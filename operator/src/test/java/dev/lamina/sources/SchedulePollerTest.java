package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.FunctionRef;
import dev.lamina.async.IntakeResult;
import dev.lamina.controller.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Schedules against a clock the test moves: each tick fires once through the event queue, ticks missed while nothing
 * ran fire once, and a mapping to a missing function waits and says why.
 */
class SchedulePollerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);
    private static final MappingKey KEY = new MappingKey("shop", "nightly");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T02:59:30Z"));
    private final List<String> queued = new CopyOnWriteArrayList<>();
    private final Map<MappingKey, Instant> ticks = new ConcurrentHashMap<>();
    private final Map<MappingKey, MappingState> states = new ConcurrentHashMap<>();
    private final AtomicBoolean functionExists = new AtomicBoolean(true);
    private EventSources sources;

    private EventSources start() {
        TickStore store = new TickStore() {
            @Override
            public Optional<Instant> lastFired(MappingKey schedule) {
                return Optional.ofNullable(ticks.get(schedule));
            }

            @Override
            public void fired(MappingKey schedule, Instant tick) {
                ticks.put(schedule, tick);
            }
        };
        SourceCollaborators with = new SourceCollaborators(
                ref -> functionExists.get() ? Optional.of(new AsyncFunction("arn:aws:lambda:us-east-1:000000000000"
                        + ":function:" + ref.name(), null, null)) : Optional.empty(),
                (ref, payload, requestId, trace) -> {
                    throw new AssertionError("schedules invoke asynchronously");
                },
                this::enqueue, (namespace, secret) -> {
                    throw new AssertionError("schedules need no credentials");
                }, (namespace, secret) -> {
                    throw new AssertionError("schedules read no Secrets");
                }, store, new MemoryCheckpointStore(), states::put, new SimpleMeterRegistry(), (InstantSource) now::get, "eu-west-1",
                namespace -> "123456789012");
        sources = new EventSources(with);
        return sources;
    }

    private CompletableFuture<IntakeResult> enqueue(FunctionRef function, byte[] payload) {
        queued.add(function + " " + new String(payload, StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(new IntakeResult.Accepted("id-" + queued.size()));
    }

    @AfterEach
    void stop() {
        if (sources != null) {
            sources.close();
        }
    }

    @Test
    void eachTickFiresOnceWithEventBridgesScheduledEvent() throws Exception {
        start().put(mapping("source: {schedule: {expression: 'cron(0 3 * * ? *)'}}", true));
        await().atMost(EVENTUALLY).until(() -> state() == MappingState.State.Enabled);
        assertThat(queued).isEmpty();

        now.set(Instant.parse("2026-12-05T03:00:00Z"));
        await().atMost(EVENTUALLY).until(() -> queued.size() == 1);
        JsonNode event = JSON.readTree(queued.getFirst().substring(queued.getFirst().indexOf(' ') + 1));
        assertThat(queued.getFirst()).startsWith("shop/cleanup ");
        assertThat(event.path("version").asText()).isEqualTo("0");
        assertThat(event.path("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.path("source").asText()).isEqualTo("aws.events");
        assertThat(event.path("account").asText()).isEqualTo("123456789012");
        assertThat(event.path("time").asText()).isEqualTo("2026-12-05T03:00:00Z");
        assertThat(event.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(event.path("resources").get(0).asText())
                .isEqualTo("arn:aws:events:eu-west-1:123456789012:rule/nightly");
        assertThat(event.path("detail").isObject()).isTrue();
        assertThat(ticks).containsEntry(KEY, Instant.parse("2026-12-05T03:00:00Z"));
        assertThat(states.get(KEY).lastProcessingResult()).isEqualTo(MappingState.OK);

        now.set(Instant.parse("2026-12-05T03:00:40Z"));
        Thread.sleep(1500);
        assertThat(queued).as("one firing per tick, however often the clock is read").hasSize(1);
    }

    @Test
    void ticksMissedWhileNothingRanFireOnceForTheLatest() {
        ticks.put(KEY, Instant.parse("2026-12-01T03:00:00Z"));
        now.set(Instant.parse("2026-12-05T10:00:00Z"));
        start().put(mapping("source: {schedule: {expression: 'cron(0 3 * * ? *)', input: '{\"job\":\"purge\"}'}}",
                true));
        await().atMost(EVENTUALLY).until(() -> queued.size() == 1);
        assertThat(queued.getFirst()).isEqualTo("shop/cleanup {\"job\":\"purge\"}");
        assertThat(ticks).containsEntry(KEY, Instant.parse("2026-12-05T03:00:00Z"));
    }

    @Test
    void aScheduleForAMissingFunctionWaitsAndSaysWhyThenFires() {
        functionExists.set(false);
        ticks.put(KEY, Instant.parse("2026-12-04T03:00:00Z"));
        now.set(Instant.parse("2026-12-05T10:00:00Z"));
        start().put(mapping("source: {schedule: {expression: 'cron(0 3 * * ? *)'}}", true));
        await().atMost(EVENTUALLY).until(() -> states.get(KEY) != null && states.get(KEY).problem() != null);
        assertThat(states.get(KEY).state()).isEqualTo(MappingState.State.Creating);
        assertThat(states.get(KEY).problem().reason()).isEqualTo("FunctionNotFound");
        assertThat(queued).isEmpty();

        functionExists.set(true);
        await().atMost(EVENTUALLY).until(() -> queued.size() == 1);
        assertThat(states.get(KEY).problem()).isNull();
    }

    @Test
    void disablingStopsTheScheduleAndEnablingResumesIt() {
        start().put(mapping("source: {schedule: {expression: 'rate(1 minute)'}}", false));
        await().atMost(EVENTUALLY).until(() -> state() == MappingState.State.Disabled);
        now.set(now.get().plus(Duration.ofMinutes(5)));
        sources.put(mapping("source: {schedule: {expression: 'rate(1 minute)'}}", true));
        await().atMost(EVENTUALLY).until(() -> state() == MappingState.State.Enabled);
        now.set(now.get().plus(Duration.ofMinutes(1)));
        await().atMost(EVENTUALLY).until(() -> queued.size() == 1);
    }

    @Test
    void anInvalidExpressionFailsTheMappingWithTheReason() {
        start().put(mapping("source: {schedule: {expression: 'cron(0 3 * * * *)'}}", true));
        await().atMost(EVENTUALLY).until(() -> state() == MappingState.State.Failed);
        assertThat(states.get(KEY).problem().reason()).isEqualTo("InvalidConfiguration");
    }

    private MappingState.State state() {
        MappingState state = states.get(KEY);
        return state == null ? null : state.state();
    }

    private static Mapping mapping(String specSourceLine, boolean enabled) {
        EventSourceMapping resource = Fixtures.mapping(KEY.namespace(), KEY.name(),
                "function: cleanup\nenabled: " + enabled + "\n" + specSourceLine);
        return new Mapping(KEY, 1, resource.getSpec());
    }
}
