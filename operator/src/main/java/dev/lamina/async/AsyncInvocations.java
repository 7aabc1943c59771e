package dev.lamina.async;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Asynchronous invocation, assembled: the intake that answers 202, the durable queue, and the delivery loop that
 * invokes functions and sends records to destinations and dead-letter queues. Starts delivering on creation
 * (including whatever an earlier process left in the queue); {@link #close()} stops it.
 */
public final class AsyncInvocations implements AutoCloseable {

    private final EventStore store;
    private final AsyncIntake intake;
    private final OutputSender outputs;
    private final DeliveryLoop loop;

    private AsyncInvocations(EventStore store, AsyncSettings settings, Collaborators with) {
        this.store = store;
        AsyncMetrics metrics = new AsyncMetrics(with.registry());
        WorkSignal work = new WorkSignal();
        this.intake = new AsyncIntake(store, with.functions(), metrics, with.clock(), work);
        this.outputs = new OutputSender(new SqsSender(settings.region(), with.sqsCredentials()), new WebhookSender(), intake);
        Delivery delivery = new Delivery(store, with.functions(), with.invoker(), outputs, settings, metrics, with.clock());
        this.loop = new DeliveryLoop(store, delivery, new Pacing(with.functions()), work, settings, with.clock());
    }

    /** Starts on {@code store}, which it closes when closed. */
    public static AsyncInvocations start(EventStore store, AsyncSettings settings, Collaborators with) {
        return new AsyncInvocations(store, settings, with);
    }

    public AsyncIntake intake() {
        return intake;
    }

    @Override
    public void close() {
        loop.close();
        outputs.close();
        store.close();
    }

    /**
     * What asynchronous invocation works with.
     *
     * @param functions      looks functions and their async configuration up
     * @param invoker        invokes through the gateway's routing and concurrency path
     * @param sqsCredentials resolves credentials Secrets of SQS destinations and dead-letter queues
     * @param registry       receives the metrics
     * @param clock          the time events age by
     */
    public record Collaborators(AsyncFunctions functions, FunctionInvoker invoker, SqsCredentials sqsCredentials,
                                MeterRegistry registry, InstantSource clock) {
        public Collaborators {
            Objects.requireNonNull(functions, "functions");
            Objects.requireNonNull(invoker, "invoker");
            Objects.requireNonNull(sqsCredentials, "sqsCredentials");
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(clock, "clock");
        }
    }
}
