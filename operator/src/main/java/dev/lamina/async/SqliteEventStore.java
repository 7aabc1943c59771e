package dev.lamina.async;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * The embedded durable queue: one SQLite database in the data directory.
 *
 * <p>Why SQLite (xerial sqlite-jdbc): it is the most widely deployed embedded engine, its write-ahead log with
 * {@code synchronous=FULL} fsyncs every commit and is built to survive kill -9 and power loss, and a queue that is
 * scanned by due time is one indexed query. The alternatives weighed: RocksDB (native jar of ~60 MB and a
 * tombstone-heavy delete pattern for queues), LMDB (one fsync per write transaction with no better batching), H2
 * MVStore (its commit does not promise an fsync).
 *
 * <p>Group commit: one writer thread owns the connection. It takes every request queued since its last commit, runs
 * them in one transaction, commits (one fsync for all of them) and only then completes their futures. Many concurrent
 * intakes therefore share one fsync, and a 202 never precedes the fsync of its event. A transaction without new events
 * (claims, reschedules, removals) commits without waiting for an fsync: the next fsync of the write-ahead log makes it
 * durable too, and losing it in a crash only makes delivery repeat work (at-least-once), never lose an event.
 * The database is opened in exclusive locking mode, so a second process on the same data directory fails instead of
 * corrupting the queue.
 */
public final class SqliteEventStore implements EventStore {

    private static final Logger LOG = Logger.getLogger(SqliteEventStore.class);
    static final String FILE_NAME = "async-events.db";
    private static final int MAX_BATCH = 1000;

    private final Connection db;
    private final PreparedStatement insert;
    private final PreparedStatement updateState;
    private final PreparedStatement delete;
    private final PreparedStatement claim;
    private final PreparedStatement claimWithRoom;
    private final PreparedStatement earliestDue;
    private final Statement control;
    private boolean fsyncOnCommit = true;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Object lifecycle = new Object();
    private boolean closed;

    private SqliteEventStore(Connection db) throws SQLException {
        this.db = db;
        try (Statement schema = db.createStatement()) {
            schema.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS events (
                      seq        INTEGER PRIMARY KEY,
                      request_id TEXT    NOT NULL UNIQUE,
                      due_at     INTEGER NOT NULL,
                      claimed    INTEGER NOT NULL DEFAULT 0,
                      payload    BLOB    NOT NULL,
                      state      TEXT    NOT NULL,
                      function_key TEXT)""");
            schema.executeUpdate("CREATE INDEX IF NOT EXISTS events_due ON events (claimed, due_at, seq)");
            addFunctionColumn(schema);
            // Whatever was handed out when the last process stopped is due again now: at-least-once.
            schema.executeUpdate("UPDATE events SET claimed = 0 WHERE claimed = 1");
        }
        insert = db.prepareStatement(
                "INSERT INTO events (request_id, due_at, payload, state, function_key) VALUES (?, ?, ?, ?, ?)");
        updateState = db.prepareStatement("UPDATE events SET due_at = ?, state = ?, claimed = 0 WHERE request_id = ?");
        delete = db.prepareStatement("DELETE FROM events WHERE request_id = ?");
        claim = db.prepareStatement("""
                UPDATE events SET claimed = 1 WHERE seq IN (
                  SELECT seq FROM events WHERE claimed = 0 AND due_at <= ? ORDER BY due_at, seq LIMIT ?)
                RETURNING request_id, due_at, payload, state""");
        // The same, but at most the room given (a JSON object: function → count) of each function's events.
        claimWithRoom = db.prepareStatement("""
                UPDATE events SET claimed = 1 WHERE seq IN (
                  SELECT seq FROM (
                    SELECT seq, due_at, function_key,
                           ROW_NUMBER() OVER (PARTITION BY function_key ORDER BY due_at, seq) AS n
                    FROM events WHERE claimed = 0 AND due_at <= ?)
                  WHERE n <= coalesce((SELECT value FROM json_each(?) WHERE key = function_key), ?)
                  ORDER BY due_at, seq LIMIT ?)
                RETURNING request_id, due_at, payload, state""");
        earliestDue = db.prepareStatement("""
                SELECT MIN(due_at) FROM events
                WHERE claimed = 0 AND function_key NOT IN (SELECT value FROM json_each(?))""");
        // Transactions are begun and committed explicitly: the fsync setting may only change between them.
        control = db.createStatement();
        writer = Thread.ofPlatform().name("async-event-store").daemon().start(this::writeLoop);
    }

    /** Stores written before events kept their function in a column of its own get it from their state. */
    private static void addFunctionColumn(Statement schema) throws SQLException {
        boolean present = false;
        try (ResultSet columns = schema.executeQuery("PRAGMA table_info(events)")) {
            while (columns.next()) {
                present |= "function_key".equals(columns.getString("name"));
            }
        }
        if (!present) {
            schema.executeUpdate("ALTER TABLE events ADD COLUMN function_key TEXT");
        }
        schema.executeUpdate("""
                UPDATE events SET function_key = json_extract(state, '$.function.namespace') || '/'
                                             || json_extract(state, '$.function.name')
                WHERE function_key IS NULL""");
    }

    /** Opens (or creates) the queue in {@code directory}. */
    public static SqliteEventStore open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the async data directory " + directory, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
        config.setBusyTimeout(2_000);
        Path file = directory.resolve(FILE_NAME);
        try {
            return new SqliteEventStore(config.createConnection("jdbc:sqlite:" + file));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the async event store " + file
                    + " (is another Lamina process using this data directory?): " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Void> add(AsyncEvent event) {
        return submit(new Add(event, new CompletableFuture<>()));
    }

    @Override
    public List<AsyncEvent> claimDue(Instant now, int max, Map<String, Integer> room) {
        return join(submit(new Claim(now.toEpochMilli(), max, Map.copyOf(room), new CompletableFuture<>())));
    }

    @Override
    public CompletableFuture<Void> update(AsyncEvent event) {
        return submit(new Update(event, new CompletableFuture<>()));
    }

    @Override
    public CompletableFuture<Void> remove(String requestId) {
        return submit(new Remove(requestId, new CompletableFuture<>()));
    }

    @Override
    public Optional<Instant> nextDue(Set<String> skipped) {
        return join(submit(new NextDue(Set.copyOf(skipped), new CompletableFuture<>())));
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            requests.add(new Stop(new CompletableFuture<>()));
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> CompletableFuture<T> submit(Request request) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T> result = (CompletableFuture<T>) request.result();
        synchronized (lifecycle) {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("the async event store is closed"));
            } else {
                requests.add(request);
            }
        }
        return result;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private void writeLoop() {
        List<Request> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            batch.clear();
            try {
                batch.add(requests.take());
            } catch (InterruptedException e) {
                break;
            }
            requests.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.getLast() instanceof Stop;
            commit(batch);
        }
        try {
            db.close();
        } catch (SQLException e) {
            LOG.warnf("closing the async event store: %s", e.getMessage());
        }
    }

    /** Runs the batch in one transaction; if that fails, each request alone, so one bad request fails only itself. */
    private void commit(List<Request> batch) {
        boolean begun = false;
        try {
            fsyncOnCommit(batch.stream().anyMatch(Add.class::isInstance));
            control.execute("BEGIN");
            begun = true;
            List<Runnable> completions = new ArrayList<>(batch.size());
            for (Request request : batch) {
                completions.add(apply(request));
            }
            control.execute("COMMIT");
            completions.forEach(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            if (begun) {
                try {
                    control.execute("ROLLBACK");
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            if (batch.size() == 1) {
                LOG.errorf("async event store: %s failed: %s", batch.getFirst().getClass().getSimpleName(), e.getMessage());
                batch.getFirst().result().completeExceptionally(e);
            } else {
                batch.forEach(request -> commit(List.of(request)));
            }
        }
    }

    /** FULL: the commit returns after the write-ahead log is fsynced. NORMAL: it does not wait for that. */
    private void fsyncOnCommit(boolean fsync) throws SQLException {
        if (fsync != fsyncOnCommit) {
            control.execute(fsync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            fsyncOnCommit = fsync;
        }
    }

    /** Executes one request inside the open transaction; returns what completes its future after the commit. */
    private Runnable apply(Request request) throws SQLException {
        return switch (request) {
            case Add add -> {
                AsyncEvent event = add.event();
                insert.setString(1, event.requestId());
                insert.setLong(2, event.dueAt().toEpochMilli());
                insert.setBytes(3, event.payload());
                insert.setString(4, Json.write(StoredState.of(event)));
                insert.setString(5, event.function().unqualified());
                insert.executeUpdate();
                yield () -> add.result().complete(null);
            }
            case Update update -> {
                AsyncEvent event = update.event();
                updateState.setLong(1, event.dueAt().toEpochMilli());
                updateState.setString(2, Json.write(StoredState.of(event)));
                updateState.setString(3, event.requestId());
                updateState.executeUpdate();
                yield () -> update.result().complete(null);
            }
            case Remove remove -> {
                delete.setString(1, remove.requestId());
                delete.executeUpdate();
                yield () -> remove.result().complete(null);
            }
            case Claim claimRequest -> {
                PreparedStatement statement;
                if (claimRequest.room().isEmpty()) {
                    statement = claim;
                    claim.setLong(1, claimRequest.now());
                    claim.setInt(2, claimRequest.max());
                } else {
                    statement = claimWithRoom;
                    claimWithRoom.setLong(1, claimRequest.now());
                    claimWithRoom.setString(2, Json.write(claimRequest.room()));
                    claimWithRoom.setInt(3, claimRequest.max());
                    claimWithRoom.setInt(4, claimRequest.max());
                }
                List<AsyncEvent> events = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        StoredState state = Json.read(rows.getString(4), StoredState.class);
                        events.add(state.toEvent(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)), rows.getBytes(3)));
                    }
                }
                yield () -> claimRequest.result().complete(events);
            }
            case NextDue next -> {
                earliestDue.setString(1, Json.write(next.skipped()));
                Optional<Instant> due;
                try (ResultSet row = earliestDue.executeQuery()) {
                    long millis = row.next() ? row.getLong(1) : 0;
                    due = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
                }
                yield () -> next.result().complete(due);
            }
            case Stop stop -> () -> stop.result().complete(null);
        };
    }

    /** The stored columns besides request id, due time and payload. */
    private record StoredState(FunctionRef function, String traceHeader, Instant acceptedAt, AsyncEvent.Phase phase) {
        static StoredState of(AsyncEvent event) {
            return new StoredState(event.function(), event.traceHeader(), event.acceptedAt(), event.phase());
        }

        AsyncEvent toEvent(String requestId, Instant dueAt, byte[] payload) {
            return new AsyncEvent(requestId, function, payload, traceHeader, acceptedAt, dueAt, phase);
        }
    }

    private sealed interface Request {
        CompletableFuture<?> result();
    }

    private record Add(AsyncEvent event, CompletableFuture<Void> result) implements Request {
    }

    private record Update(AsyncEvent event, CompletableFuture<Void> result) implements Request {
    }

    private record Remove(String requestId, CompletableFuture<Void> result) implements Request {
    }

    private record Claim(long now, int max, Map<String, Integer> room, CompletableFuture<List<AsyncEvent>> result)
            implements Request {
    }

    private record NextDue(Set<String> skipped, CompletableFuture<Optional<Instant>> result) implements Request {
    }

    private record Stop(CompletableFuture<Void> result) implements Request {
    }
}
