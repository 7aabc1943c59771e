package dev.lamina.gateway;

import dev.lamina.async.AsyncConfig;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AsyncFunctions;
import dev.lamina.async.AsyncIntake;
import dev.lamina.async.AsyncInvocations;
import dev.lamina.async.FunctionInvoker;
import dev.lamina.async.FunctionRef;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.SqsCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Asynchronous invocation as the gateway runs it: the durable queue and delivery start with the application (when
 * {@code lamina.async.data-dir} is set) and deliver through this gateway's own invocation path, so async events obey
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
        Optional<Path> dataDir = config.dataDir();
        if (dataDir.isEmpty()) {
            LOG.info("Asynchronous invocation is off: set lamina.async.data-dir to a persistent directory to turn it on");
            return;
        }
        async = AsyncInvocations.start(dataDir.get(), config.settings(gateway.region()),
                new AsyncInvocations.Collaborators(new Functions(), new Invocations(), NO_SECRETS, registry,
                        InstantSource.system()));
        LOG.infof("Asynchronous invocation: events are kept in %s", dataDir.get());
    }

    void stop(@Observes ShutdownEvent event) {
        if (async != null) {
            async.close();
        }
    }

    /** The intake for {@code Event} invocations, or empty when asynchronous invocation is off. */
    Optional<AsyncIntake> intake() {
        AsyncInvocations running = async;
        return running == null ? Optional.empty() : Optional.of(running.intake());
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
            if (entry == null || entry.resolve(function.qualifier()) == null) {
                return Optional.empty();
            }
            String qualifier = function.qualifier() == null ? "$LATEST" : function.qualifier();
            return Optional.of(new AsyncFunction(arns.function(function.name(), qualifier), entry.spec().async(),
                    entry.spec().concurrency().reserved()));
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
            };
        }
    }
}
