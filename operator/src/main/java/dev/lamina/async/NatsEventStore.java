package dev.lamina.async;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The replicated durable queue: a NATS JetStream work-queue stream shared by every gateway replica.
 *
 * <ul>
 *   <li><b>Intake.</b> An event is published to {@code <stream>.<namespace>.<function>.<request id>} with its
 *       request id as {@code Nats-Msg-Id}; {@link #add} completes after the stream's PubAck, i.e. once the replicated
 *       write is kept. A publish that gets no answer (a leader election) is sent again: the id makes the repeat a
 *       no-op.</li>
 *   <li><b>Claiming.</b> All replicas pull from one durable consumer, so the server hands each message to one
 *       replica at a time. While an attempt runs, the message is kept from redelivery by {@code inProgress()} every
 *       third of the ack wait; a replica that dies stops doing that, and after the ack wait another replica gets the
 *       message: at-least-once, never two holders at a time while the holder is alive.</li>
 *   <li><b>Due times.</b> A message not yet due is given back with {@code nakWithDelay} until it is; so is one
 *       beyond a function's room ({@link Pacing}), after a short pause.</li>
 *   <li><b>State.</b> Messages cannot change, so a new state (an attempt counted, outputs left to send) is published
 *       as a new message on the event's subject (its id derived from the old one's sequence, so a repeat is dropped).
 *       The stream keeps one message per subject, so that write also deletes the old state: there is never a second
 *       copy of an event, even if the replica dies right after. The event's age counts from its stored acceptance
 *       time. {@link #remove} acknowledges, which deletes it from the work queue; that happens only once the outcome
 *       was sent.</li>
 * </ul>
 * A message is a 4-byte length, the event's state as JSON, then the payload as it came.
 */
public final class NatsEventStore implements EventStore {

    private static final Logger LOG = Logger.getLogger(NatsEventStore.class);
    private static final String CONSUMER = "lamina-delivery";
    /** The server's code for a stream that exists with another configuration. */
    private static final int STREAM_NAME_IN_USE = 10058;
    private static final Duration PUBLISH_PATIENCE = Duration.ofSeconds(30);
    private static final Duration PUBLISH_RETRY_PAUSE = Duration.ofMillis(250);
    /** An acknowledgement unanswered (a new consumer leader being elected) is sent again, this often. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);
    private static final int ACK_TRIES = 3;
    /** How long an event beyond its function's room waits before it is offered again. */
    private static final Duration NO_ROOM_PAUSE = Duration.ofMillis(100);
    /** How long a claim waits for the first event (it returns as soon as one is there). */
    private static final Duration LONG_POLL = Duration.ofSeconds(1);
    /** After the first event of a claim, how long to wait for the others. */
    private static final Duration FILL_WAIT = Duration.ofMillis(30);
    private static final int MAX_FETCH = 1000;

    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamSubscription subscription;
    private final NatsSettings settings;
    private final InstantSource clock;
    /** Messages handed out and not yet updated or removed, by request id. */
    private final Map<String, Message> held = new ConcurrentHashMap<>();
    private final ExecutorService publishers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread heartbeat;

    private NatsEventStore(Connection connection, NatsSettings settings, InstantSource clock)
            throws IOException, JetStreamApiException {
        this.connection = connection;
        this.settings = settings;
        this.clock = clock;
        JetStreamManagement management = connection.jetStreamManagement();
        StreamConfiguration stream = StreamConfiguration.builder()
                .name(settings.stream())
                .subjects(settings.stream() + ".>")
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File)
                .replicas(settings.replicas())
                .maxMessagesPerSubject(1)
                .build();
        try {
            management.addStream(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                throw e;
            }
            management.updateStream(stream);
        }
        management.addOrUpdateConsumer(settings.stream(), ConsumerConfiguration.builder()
                .durable(CONSUMER)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(settings.ackWait())
                .maxDeliver(-1)
                .maxAckPending(-1)
                .build());
        this.jetStream = connection.jetStream();
        this.subscription = jetStream.subscribe(null,
                PullSubscribeOptions.bind(settings.stream(), CONSUMER));
        this.heartbeat = Thread.ofVirtual().name("async-nats-heartbeat").start(this::beat);
    }

    /**
     * Connects to the servers and makes sure the stream and the shared consumer exist; {@code clock} is the one
     * delivery schedules due times by.
     */
    public static NatsEventStore connect(NatsSettings settings, InstantSource clock) {
        Options.Builder options = new Options.Builder()
                .servers(settings.servers().toArray(String[]::new))
                .connectionName("lamina-async")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250));
        settings.credentialsFile().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        Connection connection = null;
        try {
            connection = Nats.connect(options.build());
            return new NatsEventStore(connection, settings, clock);
        } catch (IOException | JetStreamApiException e) {
            closeQuietly(connection);
            throw new IllegalStateException("cannot open the async event stream " + settings.stream() + " on "
                    + settings.servers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public CompletableFuture<Void> add(AsyncEvent event) {
        return CompletableFuture.runAsync(() -> publish(event, event.requestId()), publishers);
    }

    @Override
    public List<AsyncEvent> claimDue(Instant now, int max, Map<String, Integer> room) {
        List<Message> messages = new ArrayList<>(subscription.fetch(1, LONG_POLL));
        if (messages.isEmpty()) {
            return List.of();
        }
        if (max > 1) {
            messages.addAll(subscription.fetch(Math.min(max - 1, MAX_FETCH), FILL_WAIT));
        }
        Map<String, Integer> left = new HashMap<>(room);
        List<AsyncEvent> due = new ArrayList<>(messages.size());
        for (Message message : messages) {
            AsyncEvent event;
            try {
                event = decode(message.getData());
            } catch (RuntimeException e) {
                LOG.errorf("Dropped an unreadable message from the async event stream: %s", e.getMessage());
                message.term();
                continue;
            }
            Duration wait = Duration.between(now, event.dueAt());
            String function = event.function().unqualified();
            if (!wait.isNegative() && !wait.isZero()) {
                message.nakWithDelay(wait);
            } else if (left.getOrDefault(function, 1) <= 0 || held.putIfAbsent(event.requestId(), message) != null) {
                // No room for the function, or its new state came back while this replica still gives the old one back.
                message.nakWithDelay(NO_ROOM_PAUSE);
            } else {
                left.computeIfPresent(function, (f, n) -> n - 1);
                due.add(event);
            }
        }
        return due;
    }

    /**
     * Gives the event back with its new state. Unchanged (a claim beyond its function's room): the message itself
     * comes back at the due time. Changed: the new state is published, which replaces the old message.
     */
    @Override
    public CompletableFuture<Void> update(AsyncEvent event) {
        Message old = held.get(event.requestId());
        if (old == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("event " + event.requestId() + " is not held"));
        }
        Duration delay = Duration.between(clock.instant(), event.dueAt());
        Duration back = delay.isNegative() ? Duration.ZERO : delay;
        try {
            if (StoredState.of(decode(old.getData())).json().equals(StoredState.of(event).json())) {
                old.nakWithDelay(back);
                return CompletableFuture.completedFuture(null);
            }
            try {
                publish(event, event.requestId() + "/" + old.metaData().streamSequence());
            } catch (RuntimeException e) {
                // The old state comes back at the intended time; the step is done again from there.
                old.nakWithDelay(back);
                return CompletableFuture.failedFuture(e);
            }
            // The new state replaced the old message; the acknowledgement only tidies the consumer up.
            old.ack();
            return CompletableFuture.completedFuture(null);
        } finally {
            held.remove(event.requestId(), old);
        }
    }

    @Override
    public CompletableFuture<Void> remove(String requestId) {
        Message message = held.get(requestId);
        if (message == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return acknowledge(requestId, message);
        } finally {
            held.remove(requestId, message);
        }
    }

    /** Acknowledges a held message (the heartbeat keeps it while this waits), which removes it from the stream. */
    private CompletableFuture<Void> acknowledge(String requestId, Message message) {
        for (int attempt = 1; ; attempt++) {
            try {
                message.ackSync(ACK_TIMEOUT);
                return CompletableFuture.completedFuture(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            } catch (Exception e) {
                if (attempt == ACK_TRIES) {
                    LOG.warnf("Could not acknowledge asynchronous event %s (it will be delivered again): %s",
                            requestId, e.getMessage());
                    return CompletableFuture.failedFuture(e);
                }
            }
        }
    }

    /** The stream does not tell; {@link #claimDue} waits for new events itself, so the answer is: look now. */
    @Override
    public Optional<Instant> nextDue(Set<String> skipped) {
        return Optional.of(Instant.EPOCH);
    }

    @Override
    public void close() {
        heartbeat.interrupt();
        publishers.close();
        // Whatever is still held comes back to another replica at once instead of after the ack wait.
        held.values().forEach(Message::nak);
        held.clear();
        closeQuietly(connection);
    }

    /** Publishes until the stream confirms (a repeat with the same id is dropped by the server's duplicate window). */
    private void publish(AsyncEvent event, String messageId) {
        PublishOptions options = PublishOptions.builder().expectedStream(settings.stream()).messageId(messageId).build();
        String subject = settings.stream() + "." + event.function().namespace() + "." + event.function().name() + "."
                + event.requestId();
        byte[] body = encode(event);
        long deadline = System.nanoTime() + PUBLISH_PATIENCE.toNanos();
        while (true) {
            try {
                jetStream.publish(subject, body, options);
                return;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the async event stream did not confirm event " + event.requestId()
                            + ": " + e.getMessage(), e);
                }
                LOG.debugf("publishing async event %s again: %s", event.requestId(), e.getMessage());
                try {
                    Thread.sleep(PUBLISH_RETRY_PAUSE);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing an async event", interrupted);
                }
            }
        }
    }

    /** Keeps the held messages from being redelivered while their attempts run. */
    private void beat() {
        Duration every = settings.ackWait().dividedBy(3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            held.values().forEach(message -> {
                try {
                    message.inProgress();
                } catch (RuntimeException e) {
                    LOG.debugf("in-progress signal not sent: %s", e.getMessage());
                }
            });
        }
    }

    static byte[] encode(AsyncEvent event) {
        byte[] state = StoredState.of(event).json().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + state.length + event.payload().length)
                .putInt(state.length).put(state).put(event.payload()).array();
    }

    static AsyncEvent decode(byte[] body) {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        byte[] state = new byte[buffer.getInt()];
        buffer.get(state);
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return Json.read(new String(state, StandardCharsets.UTF_8), StoredState.class).toEvent(payload);
    }

    /** The event without its payload. */
    private record StoredState(String requestId, FunctionRef function, String traceHeader, Instant acceptedAt,
                               Instant dueAt, AsyncEvent.Phase phase) {
        static StoredState of(AsyncEvent event) {
            return new StoredState(event.requestId(), event.function(), event.traceHeader(), event.acceptedAt(),
                    event.dueAt(), event.phase());
        }

        String json() {
            return Json.write(this);
        }

        AsyncEvent toEvent(byte[] payload) {
            return new AsyncEvent(requestId, function, payload, traceHeader, acceptedAt, dueAt, phase);
        }
    }
}
