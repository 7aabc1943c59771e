package dev.lamina.shim.environment;

import dev.lamina.shim.InitFailedException;
import dev.lamina.shim.InitializationType;
import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.json.Json;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.PlatformLog;
import dev.lamina.shim.logs.RuntimeOutputIntake;
import dev.lamina.shim.logs.TailBuffer;
import dev.lamina.shim.metrics.ShimMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.ReferenceCountUtil;
import dev.lamina.shim.extensions.Extensions;
import dev.lamina.shim.extensions.InvokeRound;
import dev.lamina.shim.telemetry.Telemetry;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One execution environment: the slots callers take, the runtime generation that serves them, and every transition
 * between init, ready, reset and failure. All state lives on the shim's event loop: HTTP handlers call in on it,
 * everything else (invocations from this process, process exits, the finishing of invocations) is posted to it.
 *
 * <p>Slots: an invocation holds one from admission until its END/REPORT lines are written. A runtime
 * <em>generation</em> is one runtime process (or, in sidecar mode, one life of the runtime container); after a timeout
 * or crash the generation is killed and replaced, never reused mid-invocation.
 */
public final class Environment implements RuntimeHost.Exits {

    /** Runtime API limit for a buffered response: 6 MiB + 100 bytes. */
    public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
    /** Lambda's limit for a streamed response. */
    public static final long MAX_STREAMED_BYTES = 200L * 1024 * 1024;

    private static final String SHUT_DOWN = ExitReasons.error("environment shut down");
    /** Shutdown reasons of Lambda's SHUTDOWN event. */
    private static final String SPINDOWN = "spindown";
    private static final String TIMEOUT = "timeout";
    private static final String FAILURE = "failure";
    /** The runtime's share of the shutdown budget when extensions are registered (the rest is theirs). */
    private static final double RUNTIME_SHUTDOWN_SHARE = 0.3;

    private sealed interface Phase {
    }

    /** The runtime of this generation is starting; no {@code /next} yet. */
    private record Launching(int generation, long startedNanos) implements Phase {
    }

    /**
     * The runtime made its first {@code /next}; the host is identifying its processes, and the extensions finishing
     * their init, before events flow.
     */
    private record Attaching(int generation, long startedNanos) implements Phase {
    }

    /** The runtime made its first {@code /next}; {@code initNanos} goes to the first REPORT (the cold start), once. */
    private record Ready(int generation, long initNanos) implements Phase {
    }

    /** The runtime of this generation is being killed. */
    private record Resetting(int generation) implements Phase {
    }

    /** Init failed and no caller has heard of it yet; the runtime is gone until the next caller asks for one. */
    private record InitFailed(InitFailure failure) implements Phase {
    }

    private record Closed() implements Phase {
    }

    /** Why an init failed, worded for each caller that gets it (or, with a null request id, for the environment). */
    private sealed interface InitFailure {
        FunctionError forInvocation(String requestId);

        String errorType();
    }

    private record ReportedInitError(FunctionError error) implements InitFailure {
        public FunctionError forInvocation(String requestId) {
            return error;
        }

        public String errorType() {
            return error.errorType();
        }
    }

    private record ExitedDuringInit(String errorType, String reason) implements InitFailure {
        public FunctionError forInvocation(String requestId) {
            return FunctionError.platform(errorType,
                    requestId == null ? reason : "RequestId: " + requestId + " Error: " + reason);
        }
    }

    /** What the Runtime API finds for a request id. */
    public sealed interface Lookup {
    }

    public record Found(Invocation invocation) implements Lookup {
    }

    /** The id was answered already (or timed out): Lambda's {@code InvalidStateTransition}. */
    public record AlreadyAnswered() implements Lookup {
    }

    /** The id is not one the runtime was given: Lambda's {@code InvalidRequestID}. */
    public record Unknown() implements Lookup {
    }

    private final ShimConfig config;
    private final EventLoop loop;
    private final ChannelGroup runtimeConnections;
    private final FunctionLog log;
    private final PlatformLog platformLog;
    private final ShimMetrics metrics;
    private final RuntimeHost host;
    private final IntSupplier runtimeApiPort;
    private final Telemetry telemetry;
    private final Extensions extensions;
    private final CompletableFuture<Void> firstReady = new CompletableFuture<>();

    private final ArrayDeque<Invocation> waitingForSlot = new ArrayDeque<>();
    private final ArrayDeque<Invocation> waitingForRuntime = new ArrayDeque<>();
    private final ArrayDeque<NextRequest> nextRequests = new ArrayDeque<>();
    private final Map<String, Invocation> running = new HashMap<>();
    private final Set<String> answered = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 4096;
        }
    });
    private Phase phase = new Launching(0, System.nanoTime());
    private int generation;
    /** Completes once the current generation's launch has returned: the host knows its process from then on. */
    private volatile CompletableFuture<Void> launched = CompletableFuture.completedFuture(null);
    private int slotsInUse;

    // Read from other threads (Shim's accessors, /state): mirrors of loop-confined state.
    private volatile boolean readyNow;
    private volatile int inFlightNow;
    private volatile int waitingNow;
    private volatile Json.ErrorFields initErrorNow;

    public Environment(ShimConfig config, EventLoop loop, ChannelGroup runtimeConnections, FunctionLog log,
                       ShimMetrics metrics, IntSupplier runtimeApiPort) {
        this.config = config;
        this.loop = loop;
        this.runtimeConnections = runtimeConnections;
        this.log = log;
        this.metrics = metrics;
        this.runtimeApiPort = runtimeApiPort;
        this.telemetry = new Telemetry(config, loop, log);
        this.platformLog = new PlatformLog(log, config.logging(), config.functionVersion(), config.memoryMb(),
                config.initializationType().value());
        this.extensions = new Extensions(config, loop, log, telemetry, this::extensionFailed);
        this.host = config.sidecar()
                ? new SidecarHost(new RuntimeProcessFinder(config.sidecarProcessPattern(), runtimeApiPort),
                config.memoryBytes(), log, this, config.runtimeOutput() != null
                        ? RuntimeOutputIntake.start(config.runtimeOutput(), log) : null)
                : new ChildProcessHost(config, () -> "127.0.0.1:" + runtimeApiPort.getAsInt(), log, this);
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    /** Starts the first runtime generation. Call on the event loop. */
    public void start() {
        launch();
    }

    /** The Extensions API's side of this environment; use on the event loop. */
    public Extensions extensions() {
        return extensions;
    }

    /** The Telemetry API's side of this environment; use on the event loop. */
    public Telemetry telemetry() {
        return telemetry;
    }

    public CompletableFuture<Void> firstReady() {
        return firstReady;
    }

    public boolean ready() {
        return readyNow;
    }

    public int inFlight() {
        return inFlightNow;
    }

    public int waiting() {
        return waitingNow;
    }

    public int capacity() {
        return config.concurrency();
    }

    /** The init error no caller has received yet, for {@code /state}; null when there is none. */
    public Json.ErrorFields pendingInitError() {
        return initErrorNow;
    }

    /** Stops everything: callers still waiting or running get an error, the runtime is killed. Call on the loop. */
    public void close() {
        if (phase instanceof Closed) {
            return;
        }
        phase = new Closed();
        // A launch waiting for extensions to register gives up, so that closeRuntime need not wait for it.
        extensions.stopWaiting();
        List<Invocation> unfinished = new ArrayList<>(running.values());
        unfinished.addAll(waitingForRuntime);
        waitingForRuntime.clear();
        for (Invocation invocation : unfinished) {
            complete(invocation, failure(FunctionError.runtimeExit(invocation.requestId(), SHUT_DOWN)));
        }
        for (Invocation invocation : waitingForSlot) {
            invocation.sink().respond(failure(FunctionError.runtimeExit(invocation.requestId(), SHUT_DOWN)), null);
            release(invocation);
        }
        waitingForSlot.clear();
        // Pending /next connections close with the server, after the runtime is gone: the runtime sees no error.
        nextRequests.clear();
        updateMirrors();
    }

    /**
     * Stops the runtime and the extensions; call off the event loop, after {@link #close()} (it waits for the
     * processes to go). Without extensions the runtime is killed at once. With them, Lambda's shutdown phase: the
     * runtime gets SIGTERM and a share of the budget, then the external extensions subscribed to it get
     * {@code SHUTDOWN} and the rest; what is left is killed.
     */
    public void closeRuntime() {
        launched.join();
        CompletableFuture<Duration> budget = new CompletableFuture<>();
        if (!execute(() -> budget.complete(extensions.shutdownBudget())) || budget.join().isZero()) {
            host.close();
            extensions.killAll();
            return;
        }
        Duration total = budget.join();
        long deadline = System.nanoTime() + total.toNanos();
        host.stop(Duration.ofNanos((long) (total.toNanos() * RUNTIME_SHUTDOWN_SHARE)));
        CompletableFuture<Void> gone = new CompletableFuture<>();
        if (execute(() -> extensions.shutdown(SPINDOWN, deadline).whenComplete((done, error) -> gone.complete(null)))) {
            try {
                gone.get(total.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException notInTime) {
                // Killed below.
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        extensions.killAll();
    }

    /**
     * Starts a generation. A child process is started off the event loop, which may be an embedding gateway's: a
     * fork can take milliseconds. Killing waits until the launch returned, so no process escapes a reset.
     */
    private void launch() {
        generation++;
        phase = new Launching(generation, System.nanoTime());
        extensions.beginGeneration();
        telemetry.initStart();
        updateMirrors();
        int launching = generation;
        if (config.sidecar()) {
            launchNow(launching);
            return;
        }
        loop.schedule(() -> initTimedOut(launching), config.initTimeout().toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        launched = done;
        Thread.ofVirtual().name("lamina-launch").start(() -> {
            try {
                launchNow(launching);
            } finally {
                done.complete(null);
            }
        });
    }

    private void launchNow(int launching) {
        try {
            if (!config.sidecar() && config.extensionsDirectory() != null && !startExtensions()) {
                return;
            }
            host.launch(launching);
        } catch (IOException | RuntimeException cannotStart) {
            execute(() -> {
                if (phase instanceof Launching current && current.generation() == launching) {
                    initFailed(new ExitedDuringInit(FunctionError.INVALID_ENTRYPOINT, "could not start the runtime "
                            + config.runtimeCommand() + ": " + cannotStart.getMessage()));
                }
            });
        }
    }

    /** Starts the external extensions and waits for their registrations; false when the environment stopped waiting. */
    private boolean startExtensions() {
        Path workingDirectory = config.workingDirectory() != null
                ? config.workingDirectory() : Path.of("").toAbsolutePath();
        Map<String, String> environment = new HashMap<>(System.getenv());
        LambdaVariables.apply(environment, config, "127.0.0.1:" + runtimeApiPort.getAsInt(), workingDirectory);
        try {
            extensions.launch(environment, workingDirectory).join();
            return true;
        } catch (CompletionException | CancellationException stopped) {
            return false;
        }
    }

    private void initTimedOut(int launched) {
        boolean initializing = phase instanceof Launching launching && launching.generation() == launched
                || phase instanceof Attaching attaching && attaching.generation() == launched;
        if (initializing) {
            initFailed(new ExitedDuringInit(FunctionError.TIMEOUT, String.format(Locale.ROOT,
                    "Init timed out after %.2f seconds", config.initTimeout().toMillis() / 1000.0)));
        }
    }

    // ---- invoke side -----------------------------------------------------------------------------------------

    /**
     * Where every invocation enters, from the invoke endpoint or from this process: takes a free slot for it, or
     * queues it for one. When the caller asked not to wait and every slot is taken, its sink hears
     * {@link InvocationSink#busy()} and nothing is kept. Callable from any thread: off the event loop, the invocation
     * is handed to it, which throws {@link java.util.concurrent.RejectedExecutionException} once the shim stopped.
     */
    public void admit(Invocation invocation) {
        if (loop.inEventLoop()) {
            admitHere(invocation);
        } else {
            loop.execute(() -> admitHere(invocation));
        }
    }

    private void admitHere(Invocation invocation) {
        if (phase instanceof Closed) {
            invocation.sink().respond(failure(FunctionError.runtimeExit(invocation.requestId(), SHUT_DOWN)), null);
            release(invocation);
            return;
        }
        if (slotsInUse >= config.concurrency()) {
            if (!invocation.request().waitForSlot()) {
                metrics.busy();
                release(invocation);
                invocation.sink().busy();
                return;
            }
            waitingForSlot.add(invocation);
            updateMirrors();
            return;
        }
        takeSlot(invocation);
    }

    private void takeSlot(Invocation invocation) {
        slotsInUse++;
        if (phase instanceof InitFailed failed) {
            // The init error goes to this caller; the next callers get a fresh attempt at init.
            complete(invocation, failure(failed.failure().forInvocation(invocation.requestId())));
            initErrorNow = null;
            launch();
            return;
        }
        invocation.state = Invocation.State.WAITING_FOR_RUNTIME;
        waitingForRuntime.add(invocation);
        updateMirrors();
        dispatch();
    }

    /**
     * The caller went away. An invocation not yet given to the runtime is dropped; a running one runs on. Callable
     * from any thread; does nothing once the shim stopped.
     */
    public void abandon(Invocation invocation) {
        execute(() -> abandonHere(invocation));
    }

    private void abandonHere(Invocation invocation) {
        switch (invocation.state) {
            case WAITING_FOR_SLOT -> {
                if (waitingForSlot.remove(invocation)) {
                    release(invocation);
                }
            }
            case WAITING_FOR_RUNTIME -> {
                if (waitingForRuntime.remove(invocation)) {
                    invocation.state = Invocation.State.DONE;
                    release(invocation);
                    freeSlot();
                }
            }
            default -> {
                // Running or done: the runtime still answers; the answer has nowhere to go.
            }
        }
    }

    // ---- runtime side ----------------------------------------------------------------------------------------

    /** A runtime asks for its next event. */
    public void next(NextRequest request) {
        switch (phase) {
            case Closed closed -> request.close();
            case InitFailed failed when !config.sidecar() -> request.close();
            case InitFailed failed -> {
                // Sidecar: the runtime container was restarted and is asking again: a new generation.
                initErrorNow = null;
                launch();
                becomeReady(System.nanoTime(), request);
            }
            case Launching launching -> becomeReady(launching.startedNanos(), request);
            case Ready ready -> {
                nextRequests.add(request);
                dispatch();
            }
            case Attaching attaching -> nextRequests.add(request);
            case Resetting resetting -> nextRequests.add(request);
        }
    }

    /**
     * The first {@code /next} ends the runtime's init and closes extension registration. Events flow once the host
     * knows the runtime's processes (at once for a child; after a /proc scan in sidecar mode), so that a crash right
     * after the first event is still noticed, and once every extension has asked for its first event: the init
     * lasted until the later of the runtime and the extensions.
     */
    private void becomeReady(long startedNanos, NextRequest request) {
        int attached = generation;
        long runtimeDoneNanos = System.nanoTime();
        phase = new Attaching(attached, startedNanos);
        nextRequests.add(request);
        telemetry.initRuntimeDone();
        CompletableFuture<Long> extensionsReady = extensions.closeRegistration();
        host.ready(attached).thenCombine(extensionsReady, (known, readyNanos) -> readyNanos)
                .whenComplete((readyNanos, error) -> execute(() -> {
                    if (phase instanceof Attaching attaching && attaching.generation() == attached) {
                        long initNanos = Math.max(runtimeDoneNanos, readyNanos == null ? 0 : readyNanos)
                                - startedNanos;
                        phase = new Ready(attached, initNanos);
                        telemetry.initReport(null, initNanos);
                        firstReady.complete(null);
                        metrics.initialized(initNanos);
                        updateMirrors();
                        dispatch();
                    }
                }));
    }

    /** A runtime's {@code /next} connection closed before it got an event. */
    public void nextGone(NextRequest request) {
        nextRequests.remove(request);
    }

    public Lookup lookup(String requestId) {
        Invocation invocation = running.get(requestId);
        if (invocation != null && invocation.state == Invocation.State.RUNNING) {
            return new Found(invocation);
        }
        return invocation != null || answered.contains(requestId) ? new AlreadyAnswered() : new Unknown();
    }

    /** The runtime's buffered response; the environment takes the body. */
    public void respond(Invocation invocation, ByteBuf body) {
        complete(invocation, new Outcome.Success(body));
    }

    /** The runtime reported an error for the invocation. */
    public void fail(Invocation invocation, FunctionError error) {
        complete(invocation, failure(error));
    }

    /** The runtime starts streaming its response. */
    public void startStream(Invocation invocation, String contentType) {
        invocation.state = Invocation.State.STREAMING;
        invocation.sink().startStream(contentType);
    }

    /** Whether a streamed response may still send chunks (not timed out or cut off meanwhile). */
    public boolean streaming(Invocation invocation) {
        return invocation.state == Invocation.State.STREAMING;
    }

    /** One chunk of a streamed response, passed on to the caller (the environment takes the buffer). */
    public void streamChunk(Invocation invocation, ByteBuf chunk) {
        if (invocation.state == Invocation.State.STREAMING) {
            invocation.sink().streamChunk(chunk);
        } else {
            chunk.release();
        }
    }

    public boolean streamWritable(Invocation invocation) {
        return invocation.sink().writable();
    }

    public void whenStreamWritable(Invocation invocation, Runnable action) {
        invocation.sink().whenWritable(action);
    }

    /** The stream ended: {@code error} is what the runtime's trailers carried, or null for success. */
    public void endStream(Invocation invocation, FunctionError error) {
        if (invocation.state == Invocation.State.STREAMING) {
            complete(invocation, error == null ? new Outcome.Success(Unpooled.EMPTY_BUFFER) : failure(error));
        }
    }

    /** {@code /init/error}: accepted while the runtime is initializing, else the runtime is out of order. */
    public boolean initError(FunctionError error) {
        if (phase instanceof Launching) {
            initFailed(new ReportedInitError(error));
            return true;
        }
        return false;
    }

    // ---- supervision -----------------------------------------------------------------------------------------

    @Override
    public void runtimeExited(int exitedGeneration, String reason) {
        execute(() -> {
            if (exitedGeneration != generation) {
                return;
            }
            switch (phase) {
                case Launching launching -> initFailed(new ExitedDuringInit(
                        outOfMemory(reason) ? FunctionError.OUT_OF_MEMORY : FunctionError.EXIT, reason));
                case Attaching attaching -> reset(true, FAILURE);
                case Ready ready -> {
                    boolean outOfMemory = outOfMemory(reason);
                    for (Invocation invocation : new ArrayList<>(running.values())) {
                        invocation.platformFailure = outOfMemory
                                ? FunctionError.outOfMemory(invocation.requestId(), reason)
                                : FunctionError.runtimeExit(invocation.requestId(), reason);
                        complete(invocation, failure(invocation.platformFailure));
                    }
                    reset(true, FAILURE);
                }
                default -> {
                    // Already resetting, failed or closed: the exit was expected.
                }
            }
        });
    }

    /** A runtime killed once its processes had used all of the function's memory (by the kernel or the host). */
    private boolean outOfMemory(String exitReason) {
        return exitReason.equals(ExitReasons.KILLED) && host.peakMemoryBytes() >= config.memoryBytes();
    }

    /**
     * The caller is answered at the deadline, with END and REPORT written first: nothing waits for the runtime being
     * killed (its last lines, a memory sample) nor for its replacement, which starts in the background.
     */
    private void timedOut(Invocation invocation) {
        if (invocation.dispatched() && invocation.generation == generation) {
            timeOut(invocation);
        }
    }

    /** The extensions subscribed to INVOKE were not all back by the invocation's deadline: a timeout, as Lambda's. */
    private void extensionsOverran(Invocation invocation, InvokeRound round) {
        if (!round.done() && invocation.generation == generation && phase instanceof Ready) {
            timeOut(invocation);
        }
    }

    /**
     * The invocation ran out of time: its caller is answered at once, with END and REPORT written first (nothing
     * waits for the runtime being killed nor for its replacement); the others running get {@code Runtime.ExitError}
     * and the environment is reset, its extensions told why (SHUTDOWN {@code timeout}).
     */
    private void timeOut(Invocation invocation) {
        metrics.timedOut();
        List<Invocation> others = new ArrayList<>(running.values());
        others.remove(invocation);
        // Resetting first: a slot freed below must not hand the next caller to the runtime being killed.
        reset(true, TIMEOUT);
        invocation.platformFailure = FunctionError.timeout(invocation.requestId(), config.timeout());
        completeNow(invocation, failure(invocation.platformFailure));
        for (Invocation other : others) {
            completeNow(other, failure(FunctionError.runtimeExit(other.requestId(), ExitReasons.error(
                    "environment reset after invocation " + invocation.requestId() + " timed out"))));
        }
    }

    /**
     * An extension failed outside a shutdown: during init the init fails with its error; later the invocations
     * running get it and the environment is reset, extensions included.
     */
    private void extensionFailed(String errorType, String message) {
        switch (phase) {
            case Launching launching -> initFailed(new ExitedDuringInit(errorType, message));
            case Attaching attaching -> initFailed(new ExitedDuringInit(errorType, message));
            case Ready ready -> {
                for (Invocation invocation : new ArrayList<>(running.values())) {
                    complete(invocation, failure(FunctionError.platform(errorType,
                            "RequestId: " + invocation.requestId() + " Error: " + message)));
                }
                reset(true, FAILURE);
            }
            default -> {
                // Resetting, failed or closed: the extension goes with the rest.
            }
        }
    }


    private void initFailed(InitFailure failure) {
        long initNanos = switch (phase) {
            case Launching launching -> System.nanoTime() - launching.startedNanos();
            case Attaching attaching -> System.nanoTime() - attaching.startedNanos();
            default -> 0;
        };
        platformLog.initFailed(initNanos, failure.errorType());
        telemetry.initReport(failure.errorType(), initNanos);
        if (!firstReady.isDone()) {
            FunctionError first = failure.forInvocation(null);
            Json.ErrorFields fields = first.fields();
            firstReady.completeExceptionally(new InitFailedException(fields.errorType(), fields.errorMessage()));
        }
        boolean callersWaiting = !waitingForRuntime.isEmpty();
        for (Invocation invocation : new ArrayList<>(waitingForRuntime)) {
            waitingForRuntime.remove(invocation);
            complete(invocation, failure(failure.forInvocation(invocation.requestId())));
        }
        if (callersWaiting) {
            reset(true, FAILURE);
        } else {
            initErrorNow = failure.forInvocation(null).fields();
            reset(false, FAILURE);
            phase = new InitFailed(failure);
            updateMirrors();
        }
    }

    /**
     * Kills the current generation: its runtime, then its extensions (those subscribed get {@code SHUTDOWN} with
     * {@code reason} and Lambda's budget first). The Runtime API connections open at this moment belong to it; once
     * its processes are gone they are closed too, so that no request the old runtime already sent can be mistaken for
     * the new one's.
     */
    private void reset(boolean relaunch, String reason) {
        int resetGeneration = generation;
        phase = new Resetting(resetGeneration);
        updateMirrors();
        List<Channel> oldConnections = new ArrayList<>(runtimeConnections);
        if (relaunch) {
            metrics.restarted();
        }
        extensions.stopWaiting();
        launched.thenCompose(started -> host.terminate())
                .thenComposeAsync(gone -> extensions.shutdown(reason,
                        System.nanoTime() + extensions.shutdownBudget().toNanos()), loop)
                .whenComplete((gone, error) -> execute(() -> {
            oldConnections.forEach(Channel::close);
            if (generation != resetGeneration) {
                return;
            }
            // In child mode nothing but the old runtime can have asked meanwhile; a sidecar's new container may have.
            nextRequests.removeIf(request -> {
                boolean old = !config.sidecar() || oldConnections.contains(request.channel());
                if (old) {
                    request.close();
                }
                return old;
            });
            if (relaunch && phase instanceof Resetting) {
                launch();
                if (config.sidecar() && !nextRequests.isEmpty()) {
                    becomeReady(System.nanoTime(), nextRequests.poll());
                }
            }
        }));
    }

    // ---- dispatch and completion -----------------------------------------------------------------------------

    private void dispatch() {
        if (!(phase instanceof Ready)) {
            return;
        }
        while (!waitingForRuntime.isEmpty() && !nextRequests.isEmpty()) {
            NextRequest request = nextRequests.poll();
            if (!request.active()) {
                continue;
            }
            run(waitingForRuntime.poll(), request);
        }
        updateMirrors();
    }

    private void run(Invocation invocation, NextRequest request) {
        Ready ready = (Ready) phase;
        invocation.state = Invocation.State.RUNNING;
        invocation.generation = generation;
        invocation.startedNanos = System.nanoTime();
        invocation.deadlineEpochMs = System.currentTimeMillis() + config.timeout().toMillis();
        if (ready.initNanos() >= 0) {
            invocation.initNanos = config.initializationType() == InitializationType.ON_DEMAND
                    ? ready.initNanos() : -1;
            phase = new Ready(ready.generation(), -1);
        }
        if (invocation.request().tail()) {
            invocation.tail = log.openTail();
        }
        running.put(invocation.requestId(), invocation);
        InvocationRequest event = invocation.request();
        platformLog.start(event.requestId(), event.traceId(), invocation.tail);
        telemetry.start(event.requestId(), event.traceId());
        if (invocation.round == null) {
            invocation.round = extensions.invoke(event.requestId(), invocation.deadlineEpochMs, event.functionArn(),
                    event.traceId());
        }
        invocation.timer = loop.schedule(() -> timedOut(invocation), config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        request.deliver(invocation).addListener(written -> {
            if (!written.isSuccess()) {
                undispatch(invocation);
            }
        });
    }

    /** The event never reached the runtime (its connection broke): the invocation waits for the next {@code /next}. */
    private void undispatch(Invocation invocation) {
        if (invocation.state != Invocation.State.RUNNING || running.remove(invocation.requestId()) == null) {
            return;
        }
        invocation.timer.cancel(false);
        if (invocation.tail != null) {
            log.closeTail(invocation.tail);
            invocation.tail = null;
        }
        invocation.state = Invocation.State.WAITING_FOR_RUNTIME;
        waitingForRuntime.addFirst(invocation);
        dispatch();
    }

    private static Outcome failure(FunctionError error) {
        return new Outcome.Failure(error);
    }

    /** The Telemetry API's status of an invocation: success, error (the function's), timeout or failure. */
    private static String status(Outcome outcome) {
        if (!(outcome instanceof Outcome.Failure failed)) {
            return "success";
        }
        String type = failed.error().errorType();
        if (type.equals(FunctionError.TIMEOUT)) {
            return TIMEOUT;
        }
        return type.startsWith("Runtime.") || type.startsWith("Extension.") || type.startsWith("Sandbox.")
                ? FAILURE : "error";
    }

    private static String errorType(Outcome outcome) {
        return outcome instanceof Outcome.Failure failed ? failed.error().errorType() : null;
    }

    /**
     * Ends an invocation: the caller gets its answer at once (or, when it asked for the log tail, right after the
     * END/REPORT lines), and the slot is freed once END/REPORT are written, which waits for the extensions subscribed
     * to INVOKE to ask for their next event. END must follow the function's last
     * line, and REPORT needs a recent Max Memory Used: when that line may still be in the runtime's pipe, or a memory
     * sample is due (it reads /proc), END/REPORT are written once the host has them, off the event loop.
     */
    private void complete(Invocation invocation, Outcome outcome) {
        complete(invocation, outcome, false);
    }

    /** As {@link #complete(Invocation, Outcome)}, with END and REPORT written at once, whatever the runtime's pipe holds. */
    private void completeNow(Invocation invocation, Outcome outcome) {
        complete(invocation, outcome, true);
    }

    private void complete(Invocation invocation, Outcome outcome, boolean now) {
        if (invocation.state == Invocation.State.DONE) {
            ReferenceCountUtil.release(outcome instanceof Outcome.Success success ? success.body() : null);
            return;
        }
        boolean streamed = invocation.state == Invocation.State.STREAMING;
        invocation.state = Invocation.State.DONE;
        if (invocation.timer != null) {
            invocation.timer.cancel(false);
        }
        running.remove(invocation.requestId());
        answered.add(invocation.requestId());
        metrics.completed(outcome instanceof Outcome.Failure);
        boolean tailWanted = invocation.request().tail();
        if (!tailWanted) {
            deliver(invocation, outcome, streamed, null);
        }
        long durationNanos = System.nanoTime() - invocation.startNanos();
        boolean neverRan = invocation.startedNanos == 0;
        if (!neverRan) {
            telemetry.runtimeDone(invocation.requestId(), status(outcome), errorType(outcome), durationNanos);
        }
        Runnable finish = () -> finish(invocation, outcome, streamed, durationNanos, neverRan);
        InvokeRound round = invocation.round;
        if (now || round == null || round.done()) {
            finishAfterLogs(invocation, outcome, finish, now);
            return;
        }
        // Extensions subscribed to INVOKE are still at it: END/REPORT and the slot wait for them, up to the deadline.
        ScheduledFuture<?> overrun = loop.schedule(() -> extensionsOverran(invocation, round),
                Math.max(0, invocation.deadlineEpochMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        round.whenDone(() -> {
            overrun.cancel(false);
            finishAfterLogs(invocation, outcome, finish, false);
        });
    }

    /** @param now END and REPORT at once (a timeout), whatever the runtime's pipe still holds */
    private void finishAfterLogs(Invocation invocation, Outcome outcome, Runnable finish, boolean now) {
        boolean tailWanted = invocation.request().tail();
        if (now) {
            // Rare (a timeout): a due memory sample (a fraction of a millisecond) is taken here rather than waited for.
            host.sampleMemory();
        }
        if (now || host.logsCaughtUp()) {
            finish.run();
            return;
        }
        // The runtime's last lines are still in its pipe, or a memory sample is due: off the event loop.
        Thread.ofVirtual().name("lamina-finish").start(() -> {
            host.awaitLogs();
            if (!execute(finish)) {
                release(invocation);
                if (tailWanted && outcome instanceof Outcome.Success success) {
                    success.body().release();
                }
            }
        });
    }

    /** END and REPORT, then the answer to a caller who wanted the log tail, then the slot is free. */
    private void finish(Invocation invocation, Outcome outcome, boolean streamed, long durationNanos,
                        boolean neverRan) {
        byte[] tail = null;
        try {
            tail = writeEndAndReport(invocation, outcome, durationNanos, neverRan);
            telemetry.report(invocation.requestId(), status(outcome), errorType(outcome), durationNanos,
                    host.peakMemoryBytes(), invocation.initNanos);
        } finally {
            // The payload is no longer needed: an event sent to the runtime went out as its own retained copy.
            release(invocation);
            if (invocation.request().tail()) {
                deliver(invocation, outcome, streamed, tail);
            }
            freeSlot();
        }
    }

    /** Writes END and REPORT; returns the invocation's log tail if it asked for one. */
    private byte[] writeEndAndReport(Invocation invocation, Outcome outcome, long durationNanos, boolean neverRan) {
        String requestId = invocation.requestId();
        if (neverRan) {
            platformLog.start(requestId, invocation.request().traceId(),
                    invocation.request().tail() ? openTail(invocation) : null);
        }
        platformLog.end(requestId, status(outcome), errorType(outcome), durationNanos, invocation.tail);
        platformLog.report(requestId, status(outcome), errorType(outcome), invocation.platformFailure != null,
                durationNanos, host.peakMemoryBytes(), invocation.initNanos, invocation.tail);
        if (invocation.tail == null) {
            return null;
        }
        log.closeTail(invocation.tail);
        return invocation.tail.bytes();
    }

    private TailBuffer openTail(Invocation invocation) {
        invocation.tail = log.openTail();
        return invocation.tail;
    }

    private static void deliver(Invocation invocation, Outcome outcome, boolean streamed, byte[] tail) {
        if (!streamed) {
            invocation.sink().respond(outcome, tail);
            return;
        }
        FunctionError error = outcome instanceof Outcome.Failure failure ? failure.error() : null;
        invocation.sink().endStream(error, tail);
    }

    private void freeSlot() {
        slotsInUse--;
        Invocation next = waitingForSlot.poll();
        if (next != null && !(phase instanceof Closed)) {
            takeSlot(next);
        }
        updateMirrors();
    }

    private static void release(Invocation invocation) {
        ReferenceCountUtil.release(invocation.request().payload());
    }

    /** Runs the task on the event loop; false when the shim has stopped and the task will never run. */
    private boolean execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }

    private void updateMirrors() {
        // Memory is limited while the runtime initializes or serves a call; an idle environment costs nothing.
        host.limitMemory(!(phase instanceof Closed)
                && (slotsInUse > 0 || phase instanceof Launching || phase instanceof Attaching));
        readyNow = phase instanceof Ready;
        inFlightNow = slotsInUse;
        waitingNow = waitingForSlot.size();
        metrics.gauges(slotsInUse, waitingForSlot.size(), readyNow);
    }
}
