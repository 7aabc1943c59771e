package dev.lamina.shim.extensions;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.environment.ExitReasons;
import dev.lamina.shim.environment.ProcessTree;
import dev.lamina.shim.environment.Tether;
import dev.lamina.shim.json.Json;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.LogPump;
import dev.lamina.shim.telemetry.Telemetry;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Lambda Extensions API's side of one execution environment: the extensions registered in the current runtime
 * generation, their events, and the processes of the external ones. Confined to the shim's event loop, except
 * {@link #launch}. With no extension registered, every call the invocation path makes returns at once.
 *
 * <p>Lambda's lifecycle: the executables of the extensions directory are started first and each registers; then the
 * runtime starts, and its own process may register internal extensions until its first {@code /next}. Init is done
 * when the runtime and every extension have asked for their next event. An invocation is over for the environment
 * once the runtime answered and every extension subscribed to {@code INVOKE} asked again. At the end the runtime is
 * stopped first, then the external extensions subscribed to {@code SHUTDOWN} get it and the rest of the budget to
 * exit; what is left is killed.
 */
public final class Extensions {

    public static final int MAX_EXTENSIONS = 10;
    public static final String INVOKE = "INVOKE";
    public static final String SHUTDOWN = "SHUTDOWN";
    /** Lambda's shutdown budget with external extensions, and with internal ones only. */
    public static final Duration EXTERNAL_SHUTDOWN = Duration.ofMillis(2000);
    public static final Duration INTERNAL_SHUTDOWN = Duration.ofMillis(500);

    public static final String INIT_ERROR = "Extension.InitError";
    public static final String EXIT_ERROR = "Extension.ExitError";
    public static final String CRASH = "Extension.Crash";
    public static final String LAUNCH_ERROR = "Extension.LaunchError";

    /** What the environment hears of an extension that failed outside a shutdown. */
    public interface Failures {
        void extensionFailed(String errorType, String message);
    }

    /** A refused call: Lambda answers {@code 403 Forbidden} with this error document. */
    public record Refusal(String errorType, String errorMessage) {
    }

    /** The answer to {@code register}: the extension's id and the response document, or the refusal. */
    public record Registration(String id, byte[] body, Refusal refusal) {
    }

    private final ShimConfig config;
    private final EventLoop loop;
    private final FunctionLog log;
    private final Telemetry telemetry;
    private final Failures failures;
    private final Map<String, Extension> byId = new LinkedHashMap<>();
    /** The external extensions' processes of this generation by name (the file's); {@link #killAll} reads it anywhere. */
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final List<String> unregistered = new ArrayList<>();
    private CompletableFuture<Void> registered = CompletableFuture.completedFuture(null);
    private CompletableFuture<Long> allReady;
    private boolean registrationOpen = true;
    private boolean waitingStopped;
    private int invokeSubscribers;
    private CompletableFuture<Void> shutdown;

    public Extensions(ShimConfig config, EventLoop loop, FunctionLog log, Telemetry telemetry, Failures failures) {
        this.config = config;
        this.loop = loop;
        this.log = log;
        this.telemetry = telemetry;
        this.failures = failures;
    }

    // ---- the environment's lifecycle --------------------------------------------------------------------------

    /** A runtime generation starts: registration is open until its runtime's first {@code /next}. */
    public void beginGeneration() {
        registrationOpen = true;
        waitingStopped = false;
        shutdown = null;
        unregistered.clear();
        registered = CompletableFuture.completedFuture(null);
    }

    /**
     * Starts the executables of the extensions directory; call off the event loop, before the runtime. Completes once
     * each has registered; fails when the environment stopped waiting ({@link #stopWaiting}).
     */
    public CompletableFuture<Void> launch(Map<String, String> environment, Path workingDirectory) {
        List<Path> executables = executables(config.extensionsDirectory());
        if (executables.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        loop.submit(() -> {
            executables.forEach(file -> unregistered.add(file.getFileName().toString()));
            registered = waiting;
            if (waitingStopped) {
                stopWaiting();
            }
        }).syncUninterruptibly();
        for (Path executable : executables) {
            String name = executable.getFileName().toString();
            try {
                // Tethered as runtimes are: an extension's process group dies with it, and with this JVM.
                ProcessBuilder builder = new ProcessBuilder(Tether.command(List.of(executable.toString()),
                        workingDirectory))
                        .directory(workingDirectory.toFile())
                        .redirectErrorStream(true)
                        .redirectInput(Tether.input());
                builder.environment().putAll(environment);
                Process process = builder.start();
                LogPump pump = LogPump.start(process, log::extensionLine, "lamina-extension-" + name);
                processes.put(name, process);
                process.onExit().thenAccept(exited -> {
                    Tether.release(exited);
                    pump.runtimeExited();
                    loop.execute(() -> exited(name, process));
                });
            } catch (IOException cannotStart) {
                loop.execute(() -> failures.extensionFailed(LAUNCH_ERROR,
                        "could not start extension " + name + ": " + cannotStart.getMessage()));
            }
        }
        return waiting;
    }

    /** This generation is being reset: nobody waits for registrations any more. */
    public void stopWaiting() {
        waitingStopped = true;
        registered.completeExceptionally(new IllegalStateException("the environment is being reset"));
    }

    /** The runtime asked for its first event: no more registrations; completes when every extension has asked too. */
    public CompletableFuture<Long> closeRegistration() {
        registrationOpen = false;
        allReady = new CompletableFuture<>();
        checkReady();
        return allReady;
    }

    /** Whether any extension is registered or running. */
    public boolean any() {
        return !byId.isEmpty() || !processes.isEmpty();
    }

    /** Lambda's shutdown budget for what is registered: 2 s with external extensions, 500 ms with internal ones. */
    public Duration shutdownBudget() {
        if (!processes.isEmpty() || byId.values().stream().anyMatch(extension -> extension.external)) {
            return EXTERNAL_SHUTDOWN;
        }
        return byId.isEmpty() ? Duration.ZERO : INTERNAL_SHUTDOWN;
    }

    /**
     * Sends {@code SHUTDOWN} to the external extensions subscribed to it and waits until they exited or the deadline
     * passed; then kills what is left and forgets this generation's extensions. The runtime must be stopped already.
     */
    public CompletableFuture<Void> shutdown(String reason, long deadlineNanos) {
        registrationOpen = false;
        stopWaiting();
        byId.values().forEach(Extension::abandonRounds);
        if (processes.isEmpty()) {
            forget();
            return CompletableFuture.completedFuture(null);
        }
        if (shutdown != null) {
            return shutdown;
        }
        shutdown = new CompletableFuture<>();
        telemetry.flush();
        long deadlineMs = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        byte[] event = shutdownEvent(reason, deadlineMs);
        List<Process> unsubscribed = new ArrayList<>();
        processes.forEach((name, process) -> {
            Extension extension = byName(name);
            if (extension != null && extension.shutdown) {
                extension.offer(event, null);
            } else {
                unsubscribed.add(process);
            }
        });
        kill(unsubscribed);
        CompletableFuture<Void> done = shutdown;
        loop.schedule(() -> {
            if (!done.isDone()) {
                kill(new ArrayList<>(processes.values()));
            }
        }, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return done;
    }

    /** Kills every extension process at once (the shim is stopping and no budget is left). */
    public void killAll() {
        kill(new ArrayList<>(processes.values()));
    }

    private void forget() {
        byId.clear();
        invokeSubscribers = 0;
        CompletableFuture<Void> done = shutdown;
        shutdown = null;
        if (done != null) {
            done.complete(null);
        }
    }

    // ---- invocations ------------------------------------------------------------------------------------------

    /** Sends {@code INVOKE} to the extensions subscribed to it; null (nothing to wait for) when there are none. */
    public InvokeRound invoke(String requestId, long deadlineMs, String functionArn, String traceId) {
        if (invokeSubscribers == 0) {
            return null;
        }
        byte[] event = invokeEvent(requestId, deadlineMs, functionArn, traceId);
        InvokeRound round = new InvokeRound(invokeSubscribers);
        for (Extension extension : byId.values()) {
            if (extension.invoke) {
                extension.offer(event, round);
            }
        }
        return round;
    }

    // ---- the API ------------------------------------------------------------------------------------------------

    /** {@code POST /2020-01-01/extension/register}. */
    public Registration register(String name, List<String> events, boolean acceptsAccountId) {
        if (name == null || name.isBlank()) {
            return refused("Extension.InvalidExtensionName", "Empty extension name");
        }
        for (String event : events) {
            if (!event.equals(INVOKE) && !event.equals(SHUTDOWN)) {
                return refused("Extension.InvalidEventType", event + ": invalid event");
            }
        }
        boolean external = unregistered.contains(name);
        if (!external) {
            if (byName(name) != null) {
                return refused("Extension.InvalidExtensionState", "Extension with this name already registered");
            }
            if (!registrationOpen) {
                return refused("Extension.RegistrationClosed", "Extension registration closed already");
            }
            if (events.contains(SHUTDOWN)) {
                return refused("Extension.InvalidEventType",
                        SHUTDOWN + ": internal extensions cannot subscribe to the SHUTDOWN event");
            }
        }
        if (byId.size() >= MAX_EXTENSIONS) {
            return refused("Extension.TooManyExtensions", "Extension limit (" + MAX_EXTENSIONS + ") reached");
        }
        Extension extension = new Extension(UUID.randomUUID().toString(), name, external, events.contains(INVOKE),
                events.contains(SHUTDOWN));
        byId.put(extension.id, extension);
        if (extension.invoke) {
            invokeSubscribers++;
        }
        if (external) {
            unregistered.remove(name);
            if (unregistered.isEmpty()) {
                registered.complete(null);
            }
        }
        return new Registration(extension.id, registerAnswer(acceptsAccountId), null);
    }

    /** {@code GET /2020-01-01/extension/event/next}: parks the request until there is an event; null when accepted. */
    public Refusal next(String identifier, EventRequest request) {
        Extension extension = byId.get(identifier);
        if (extension == null) {
            return new Refusal("Extension.UnknownExtensionIdentifier", "Unknown extension " + identifier);
        }
        if (extension.holding != null) {
            InvokeRound round = extension.holding;
            extension.holding = null;
            round.back();
        }
        if (!extension.ready) {
            extension.ready = true;
            checkReady();
        }
        Extension.Pending event = extension.pending.poll();
        if (event == null) {
            extension.waiting = request;
        } else {
            extension.holding = event.round();
            request.deliver(event.event());
        }
        return null;
    }

    /** An extension's {@code event/next} connection closed before it got an event. */
    public void nextGone(String identifier, EventRequest request) {
        Extension extension = byId.get(identifier);
        if (extension != null && extension.waiting == request) {
            extension.waiting = null;
        }
    }

    /** {@code POST /2020-01-01/extension/init/error}: accepted while the environment initializes. */
    public Refusal initError(String identifier, String errorType) {
        Extension extension = byId.get(identifier);
        if (extension == null) {
            return new Refusal("Extension.UnknownExtensionIdentifier", "Unknown Lambda-Extension-Identifier");
        }
        if (extension.ready) {
            return new Refusal("Extension.InvalidExtensionState", "State transition from Ready to InitError "
                    + "failed for extension " + identifier + ". Error: init/error after init");
        }
        failures.extensionFailed(INIT_ERROR, "Extension " + extension.name + " reported an init error: "
                + errorType);
        return null;
    }

    /** {@code POST /2020-01-01/extension/exit/error}: the extension is about to exit with this error. */
    public Refusal exitError(String identifier, String errorType) {
        Extension extension = byId.get(identifier);
        if (extension == null) {
            return new Refusal("Extension.UnknownExtensionIdentifier", "Unknown Lambda-Extension-Identifier");
        }
        extension.exitError = errorType;
        if (!extension.external) {
            failures.extensionFailed(EXIT_ERROR, "Extension " + extension.name + " exited: " + errorType);
        }
        return null;
    }

    /** The name an identifier stands for, or null (for the Telemetry API). */
    public String nameOf(String identifier) {
        Extension extension = byId.get(identifier);
        return extension == null ? null : extension.name;
    }

    /** The checks of the {@code Lambda-Extension-Identifier} header that come before any lookup; null when sound. */
    public static Refusal checkIdentifier(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            return new Refusal("Extension.MissingExtensionIdentifier",
                    "Missing Lambda-Extension-Identifier header");
        }
        try {
            UUID.fromString(identifier);
            return null;
        } catch (IllegalArgumentException notUuid) {
            return new Refusal("Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier");
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private void checkReady() {
        if (allReady == null || allReady.isDone() || registrationOpen) {
            return;
        }
        for (Extension extension : byId.values()) {
            if (!extension.ready) {
                return;
            }
        }
        byId.values().forEach(extension -> telemetry.extensionReady(extension.name, events(extension)));
        allReady.complete(System.nanoTime());
    }

    private void exited(String name, Process process) {
        if (processes.get(name) != process) {
            return;
        }
        processes.remove(name);
        if (shutdown != null) {
            if (processes.isEmpty()) {
                forget();
            }
            return;
        }
        Extension extension = byName(name);
        String reason = ExitReasons.describe(process.exitValue());
        if (extension != null && extension.exitError != null) {
            failures.extensionFailed(EXIT_ERROR, "Extension " + name + " exited: " + extension.exitError);
        } else {
            failures.extensionFailed(CRASH, "Extension " + name + " exited with error: " + reason);
        }
    }

    private Extension byName(String name) {
        for (Extension extension : byId.values()) {
            if (extension.name.equals(name)) {
                return extension;
            }
        }
        return null;
    }

    private static void kill(List<Process> victims) {
        if (!victims.isEmpty()) {
            Thread.ofVirtual().name("lamina-extension-kill").start(() -> {
                ProcessTree.kill(victims.stream().map(Process::toHandle).toList());
                victims.forEach(Tether::release);
            });
        }
    }

    private static List<Path> executables(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> Files.isRegularFile(file) && Files.isExecutable(file)).sorted().toList();
        } catch (IOException unreadable) {
            return List.of();
        }
    }

    private static Registration refused(String errorType, String message) {
        return new Registration(null, null, new Refusal(errorType, message));
    }

    private static List<String> events(Extension extension) {
        List<String> events = new ArrayList<>(2);
        if (extension.invoke) {
            events.add(INVOKE);
        }
        if (extension.shutdown) {
            events.add(SHUTDOWN);
        }
        return events;
    }

    private byte[] registerAnswer(boolean acceptsAccountId) {
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("functionName", config.functionName());
            json.writeStringField("functionVersion", config.functionVersion());
            json.writeStringField("handler", config.handler() == null ? "" : config.handler());
            if (acceptsAccountId) {
                json.writeStringField("accountId", config.accountId());
            }
            json.writeEndObject();
        });
    }

    private static byte[] invokeEvent(String requestId, long deadlineMs, String functionArn, String traceId) {
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("eventType", INVOKE);
            json.writeNumberField("deadlineMs", deadlineMs);
            json.writeStringField("requestId", requestId);
            json.writeStringField("invokedFunctionArn", functionArn);
            json.writeObjectFieldStart("tracing");
            json.writeStringField("type", "X-Amzn-Trace-Id");
            json.writeStringField("value", traceId);
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    private static byte[] shutdownEvent(String reason, long deadlineMs) {
        return Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("eventType", SHUTDOWN);
            json.writeStringField("shutdownReason", reason);
            json.writeNumberField("deadlineMs", deadlineMs);
            json.writeEndObject();
        });
    }
}
