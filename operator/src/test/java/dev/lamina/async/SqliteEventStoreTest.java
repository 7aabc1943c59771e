package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventStoreTest {

    @TempDir
    Path dir;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private AsyncEvent event(String id, Instant due) {
        return new AsyncEvent(id, new FunctionRef("default", "fn", "live"), ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                "Root=1-00000000-000000000000000000000000;Lineage=abcd0123:2", now.minusSeconds(5), due,
                new AsyncEvent.Invoking(1, 1, 0, ScriptedFunctions.error("boom"), null));
    }

    @Test
    void acceptedEventsSurviveReopeningWithTheirWholeState() {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("a", now)).join();
            store.add(event("b", now)).join();
        }
        try (var store = SqliteEventStore.open(dir)) {
            List<AsyncEvent> due = store.claimDue(now, 10);
            assertThat(due).extracting(AsyncEvent::requestId).containsExactly("a", "b");
            AsyncEvent a = due.getFirst();
            assertThat(new String(a.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"a\"}");
            assertThat(a.function()).isEqualTo(new FunctionRef("default", "fn", "live"));
            assertThat(a.traceHeader()).endsWith("Lineage=abcd0123:2");
            assertThat(a.acceptedAt()).isEqualTo(now.minusSeconds(5));
            assertThat(a.phase()).isInstanceOfSatisfying(AsyncEvent.Invoking.class, invoking -> {
                assertThat(invoking.invokeCount()).isEqualTo(1);
                assertThat(invoking.lastFailure()).isInstanceOf(AttemptOutcome.FunctionError.class);
                assertThat(InvocationRecords.errorMessage(invoking.lastFailure())).isEqualTo("boom");
            });
        }
    }

    private AsyncEvent event(String id, String function, Instant due) {
        AsyncEvent event = event(id, due);
        return new AsyncEvent(id, new FunctionRef("default", function, null), event.payload(), event.traceHeader(),
                event.acceptedAt(), due, event.phase());
    }

    @Test
    void aClaimTakesNoMoreOfAFunctionsEventsThanItsRoomAndNextDueSkipsFullFunctions() {
        try (var store = SqliteEventStore.open(dir)) {
            for (String id : List.of("a1", "b1", "a2", "c1", "a3", "b2")) {
                store.add(event(id, id.substring(0, 1), now)).join();
            }
            assertThat(store.claimDue(now.plusSeconds(1), 10, Map.of("default/a", 2, "default/b", 0)))
                    .extracting(AsyncEvent::requestId).containsExactly("a1", "a2", "c1");
            assertThat(store.nextDue(Set.of("default/a", "default/b"))).isEmpty();
            assertThat(store.nextDue(Set.of("default/a"))).isPresent();
            assertThat(store.claimDue(now.plusSeconds(1), 10, Map.of("default/b", 1)))
                    .extracting(AsyncEvent::requestId).containsExactly("b1", "a3");
        }
    }

    @Test
    void eventsStoredWithoutAFunctionColumnGetOneWhenTheStoreOpens() throws Exception {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("old", "a", now)).join();
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteEventStore.FILE_NAME));
             Statement sql = db.createStatement()) {
            sql.executeUpdate("ALTER TABLE events DROP COLUMN function_key");
        }
        try (var store = SqliteEventStore.open(dir)) {
            assertThat(store.claimDue(now, 10, Map.of("default/a", 0))).isEmpty();
            assertThat(store.claimDue(now, 10, Map.of("default/a", 1))).extracting(AsyncEvent::requestId)
                    .containsExactly("old");
        }
    }

    @Test
    void anEventHandedOutIsNotHandedOutAgainUntilItIsUpdated() {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("a", now)).join();
            assertThat(store.claimDue(now, 10)).hasSize(1);
            assertThat(store.claimDue(now, 10)).isEmpty();
            assertThat(store.nextDue()).isEmpty();

            store.update(event("a", now.plusSeconds(60))).join();
            assertThat(store.claimDue(now, 10)).isEmpty();
            assertThat(store.nextDue()).contains(now.plusSeconds(60));
            assertThat(store.claimDue(now.plusSeconds(60), 10)).extracting(AsyncEvent::requestId).containsExactly("a");
        }
    }

    @Test
    void eventsHandedOutButNotSettledWhenTheProcessStopsAreDueAgainAfterRestart() {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("a", now)).join();
            assertThat(store.claimDue(now, 10)).hasSize(1);
        }
        try (var store = SqliteEventStore.open(dir)) {
            assertThat(store.claimDue(now, 10)).extracting(AsyncEvent::requestId).containsExactly("a");
        }
    }

    @Test
    void onlyDueEventsAreHandedOutEarliestFirstAndRemovedOnesAreGone() {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("later", now.plusSeconds(3600))).join();
            store.add(event("now", now)).join();
            store.add(event("earlier", now.minusSeconds(1))).join();
            store.add(event("removed", now.minusSeconds(2))).join();
            store.remove("removed").join();

            assertThat(store.claimDue(now, 1)).extracting(AsyncEvent::requestId).containsExactly("earlier");
            assertThat(store.claimDue(now, 10)).extracting(AsyncEvent::requestId).containsExactly("now");
            assertThat(store.nextDue()).contains(now.plusSeconds(3600));
        }
    }

    @Test
    void concurrentAddsAreAllStored() throws Exception {
        int writers = 64;
        int perWriter = 50;
        try (var store = SqliteEventStore.open(dir); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writes.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        store.add(event(writer + "-" + i, now)).join();
                    }
                }, pool));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        }
        try (var store = SqliteEventStore.open(dir)) {
            Set<String> ids = store.claimDue(now, 10_000).stream().map(AsyncEvent::requestId).collect(Collectors.toSet());
            assertThat(ids).hasSize(writers * perWriter).contains("0-0", "63-49");
        }
    }

    @Test
    void aSecondStoreOnTheSameDataDirectoryIsRefusedWithAClearMessage() {
        try (var store = SqliteEventStore.open(dir)) {
            store.add(event("a", now)).join();
            assertThatThrownBy(() -> SqliteEventStore.open(dir).close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another Lamina process");
            assertThat(store.claimDue(now, 10)).hasSize(1);
        }
    }

    @Test
    void aClosedStoreRefusesWritesInsteadOfLosingThemSilently() {
        var store = SqliteEventStore.open(dir);
        store.close();
        assertThat(store.add(event("late", now))).failsWithin(Duration.ofSeconds(5));
    }
}
