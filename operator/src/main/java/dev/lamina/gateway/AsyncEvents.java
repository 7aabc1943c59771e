package dev.lamina.gateway;

import dev.lamina.async.AsyncConfig;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AsyncFunctions;
import dev.lamina.async.AsyncInvocations;
import dev.lamina.async.EventStore;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.FunctionInvoker;
import dev.lamina.async.FunctionRef;
import dev.lamina.async.IntakeResult;
import dev.lamina.async.NatsEventStore;
import dev.lamina.async.SqliteEventStore;
import dev.lamina.async.SqsCredentials;
import dev.lamina.deployments.HookInvoker;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Asynchronous invocation as the gateway runs it: the durable queue and delivery start with the application (when
 * {@code lamina.async.data-dir} is set, or {@code lamina.async.store} is {@code nats}) and deliver through this gateway's own invocation path, so async events obey
 * the same routing, alias weights and concurrency limits as synchronous calls.
 */
@ApplicationScoped
public class AsyncEvents {

    private static final Logger LOG = Logger.getLogger(AsyncEvents.class);

    private final AsyncConfig config;
    private final GatewayConfig gateway;
    private final Catalog catalog;
    private final Invoker invoker;
    private final MeterRegistry registry;
    private final Arns arns;
    private final AsyncFunctions functions = new Functions();
    private final FunctionInvoker invocations = new Invocations();
    private volatile AsyncInvocations async;

    public AsyncEvents(AsyncConfig config, GatewayConfig gateway, Catalog catalog, GatewayInvoker invoker,
                       MeterRegistry registry) {
        this.config = config;
        this.gateway = gateway;
        this.catalog = catalog;
        this.invoker = invoker;
        this.registry = registry;
        this.arns = invoker.arns();
    }

    /** Runs before local mode and the controller fill the catalog and announce that they serve. */
    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event) {
        EventStore store = switch (config.store()) {
            case SQLITE -> config.dataDir().map(SqliteEventStore::open).orElse(null);
            case NATS -> NatsEventStore.connect(config.nats().settings(), InstantSource.system());
        };
        if (store == null) {
            LOG.info("Asynchronous invocation is off: set lamina.async.data-dir to a persistent directory (or"
                    + " lamina.async.store=nats) to turn it on");
            return;
        }
        LOG.infof("Asynchronous invocation: events are kept in %s", switch (config.store()) {
            case SQLITE -> config.dataDir().orElseThrow();
            case NATS -> "JetStream stream " + config.nats().stream() + " on " + config.nats().servers().orElseThrow();
        });
        async = AsyncInvocations.start(store, config.settings(gateway.region()),
                new AsyncInvocations.Collaborators(functions, invocations, NO_SECRETS, registry,
                        InstantSource.system()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (async != null) {
            async.close();
        }
    }

    /**
     * Queues an {@code Event} invocation, with Lambda's answers: 404 when the function or qualifier does not exist,
     * 409 when a version it routes to cannot run, then the intake's checks of the payload. The function is looked up
     * once and nothing is drawn: an alias's weighted pick happens at delivery, so whether an event is accepted never
     * depends on chance.
     */
    CompletableFuture<IntakeResult> enqueue(String plainNamespace, FunctionAddress address, byte[] payload,
                                            String traceHeader) {
        FunctionEntry function = catalog.find(plainNamespace, address);
        List<DeployedVersion> versions = function == null ? List.of() : function.versionsOf(address.qualifier());
        if (versions.isEmpty()) {
            return refused(ServiceError.notFound(
                    "Function not found: " + arns.named(address, plainNamespace, address.qualifier())));
        }
        for (DeployedVersion version : versions) {
            if (version.pool() == null) {
                return refused(ServiceError.notActive(version.info().state()));
            }
        }
        AsyncInvocations running = async;
        if (running == null) {
            return refused(ServiceError.invalidParameter("Asynchronous invocation (InvocationType Event) is off in"
                    + " this Lamina: it needs lamina.async.data-dir, a directory on persistent storage, or lamina.async.store=nats."));
        }
        return running.intake().accept(new FunctionRef(function.namespace(), address.name(), address.qualifier()),
                payload, traceHeader);
    }

    /**
     * Queues an event for a function named by reference, with the same answers as {@link #enqueue(String,
     * FunctionAddress, byte[], String)}: how schedules invoke.
     */
    public CompletableFuture<IntakeResult> enqueue(FunctionRef function, byte[] payload) {
        return enqueue(function.namespace(), new FunctionAddress(null, function.name(), function.qualifier()), payload,
                null);
    }

    /** Functions as asynchronous delivery and event sources look them up. */
    public AsyncFunctions functions() {
        return functions;
    }

    /** The gateway's invocation path as asynchronous delivery and event sources invoke through it. */
    public FunctionInvoker invocations() {
        return invocations;
    }

    /**
     * Traffic hooks invoked through the gateway's invocation path; a hook that ran reports its status itself, so
     * only an invocation that failed is an answer here.
     */
    public HookInvoker hooks() {
        return (namespace, function, event) -> switch (invocations.invoke(FunctionRef.parse(namespace, function),
                event, RequestIds.next(), null)) {
            case AttemptOutcome.Success s -> Optional.empty();
            case AttemptOutcome.FunctionError f -> Optional.of("function error " + f.errorType() + ": "
                    + new String(f.payload(), StandardCharsets.UTF_8));
            case AttemptOutcome.Throttled t -> Optional.of("throttled: " + t.reason());
            case AttemptOutcome.PlatformError p -> Optional.of(p.errorCode() + ": " + p.message());
            case AttemptOutcome.NotFound n -> Optional.of(n.message());
        };
    }

    private static CompletableFuture<IntakeResult> refused(ServiceError error) {
        return CompletableFuture.completedFuture(new IntakeResult.Rejected(error.status(), error.code(),
                error.message()));
    }

    /**
     * Reading Secrets needs the cluster, and nothing provides that to the gateway yet: an SQS target naming a
     * credentialsSecret fails (counted and retried, as a target that is down) with this message.
     */
    private static final SqsCredentials NO_SECRETS = (namespace, secret) -> {
        throw new IllegalStateException("SQS credentials from Secret " + namespace + "/" + secret.name()
                + " are not supported here yet; leave credentialsSecret out to use the default AWS credentials chain");
    };

    /** Functions as the catalog knows them; the async settings are the Function's current ones. */
    private final class Functions implements AsyncFunctions {
        @Override
        public Optional<AsyncFunction> find(FunctionRef function) {
            FunctionEntry entry = catalog.find(function.namespace(), function.name());
            if (entry == null || !entry.hasQualifier(function.qualifier())) {
                return Optional.empty();
            }
            String qualifier = function.qualifier() == null ? "$LATEST" : function.qualifier();
            return Optional.of(new AsyncFunction(arns.function(function.namespace(), function.name(), qualifier),
                    entry.spec().async(), entry.spec().concurrency().reserved()));
        }
    }

    /** One attempt through the gateway's invocation path; called on a virtual thread, so it may wait. */
    private final class Invocations implements FunctionInvoker {
        @Override
        public AttemptOutcome invoke(FunctionRef function, byte[] payload, String requestId, String traceHeader) {
            var request = new InvokeRequest(function.namespace(), function.name(), function.qualifier(),
                    Buffer.buffer(payload), false, false, null, traceHeader, requestId);
            return switch (invoker.invoke(request).toCompletableFuture().join()) {
                case InvokeAnswer.Success s ->
                        new AttemptOutcome.Success(s.executedVersion(), s.payload().getBytes());
                case InvokeAnswer.FunctionError f ->
                        new AttemptOutcome.FunctionError(f.executedVersion(), f.errorType(), f.payload().getBytes());
                case InvokeAnswer.Throttled t -> new AttemptOutcome.Throttled(t.reason(), "Rate Exceeded.");
                case InvokeAnswer.NotFound n -> new AttemptOutcome.NotFound(n.message());
                case InvokeAnswer.Failed f ->
                        new AttemptOutcome.PlatformError(f.error().status(), f.error().code(), f.error().message());
                case InvokeAnswer.DryRunPassed d ->
                        new AttemptOutcome.PlatformError(500, "ServiceException", "a dry run answered a real invocation");
                case InvokeAnswer.Streamed s -> new AttemptOutcome.PlatformError(500, "ServiceException",
                        "a streamed answer to an invocation without a stream");
            };
        }
    }
}
