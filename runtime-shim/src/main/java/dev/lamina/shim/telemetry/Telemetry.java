package dev.lamina.shim.telemetry;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.json.Json;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.logs.PlatformRecords;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * The Lambda Telemetry API ({@code PUT /2022-07-01/telemetry}) for one execution environment: subscriptions, and the
 * platform, function and extension events each subscriber asked for, in AWS's schema ({@code time}, {@code type},
 * {@code record}), posted to its listener in batches. Confined to the shim's event loop, except the log tap. With no
 * subscriber, every platform event is one field check, and the function log has no tap.
 */
public final class Telemetry implements FunctionLog.Tap {

    public static final String PLATFORM = "platform";
    public static final String FUNCTION = "function";
    public static final String EXTENSION = "extension";
    private static final Set<String> TYPES = Set.of(PLATFORM, FUNCTION, EXTENSION);
    private static final Set<String> SCHEMA_VERSIONS = Set.of("2022-07-01", "2022-12-13", "2025-01-29");

    /** Lambda's buffering bounds and defaults. */
    private static final Bound MAX_ITEMS = new Bound("maxItems", 1000, 10_000, 1000);
    private static final Bound MAX_BYTES = new Bound("maxBytes", 262_144, 1_048_576, 262_144);
    private static final Bound TIMEOUT_MS = new Bound("timeoutMs", 25, 30_000, 1000);

    private record Bound(String name, long min, long max, int fallback) {
        int read(Map<?, ?> buffering) {
            Object value = buffering == null ? null : buffering.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof Long number) || number < min || number > max) {
                throw new IllegalArgumentException("buffering." + name + " must be an integer from " + min + " to "
                        + max + ", got: " + value);
            }
            return number.intValue();
        }
    }

    /** A refused subscription: Lambda answers {@code 400} with {@code ValidationError}. */
    public record Refusal(String errorType, String errorMessage) {
    }

    private final ShimConfig config;
    private final EventLoop loop;
    private final FunctionLog log;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private boolean platform;
    /** This generation's {@code platform.initStart} while it initializes, for subscribers that come during init. */
    private byte[] initStart;

    public Telemetry(ShimConfig config, EventLoop loop, FunctionLog log) {
        this.config = config;
        this.loop = loop;
        this.log = log;
    }

    /** {@code PUT /2022-07-01/telemetry} by an extension; null when it subscribed. */
    public Refusal subscribe(String extension, byte[] body) {
        Subscription subscription;
        try {
            subscription = read(extension, body);
        } catch (IllegalArgumentException invalid) {
            return new Refusal("ValidationError", invalid.getMessage());
        }
        subscriptions.removeIf(existing -> existing.extension.equals(extension));
        subscriptions.add(subscription);
        platform = subscriptions.stream().anyMatch(each -> each.types.contains(PLATFORM));
        boolean logs = subscriptions.stream().anyMatch(each -> each.types.contains(FUNCTION)
                || each.types.contains(EXTENSION));
        log.tap(logs ? this : null);
        if (initStart != null && subscription.types.contains(PLATFORM)) {
            subscription.add(loop, initStart);
        }
        emit(PLATFORM, "platform.telemetrySubscription", Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("name", extension);
            json.writeStringField("state", "Subscribed");
            json.writeArrayFieldStart("types");
            for (String type : subscription.types) {
                json.writeString(type);
            }
            json.writeEndArray();
            json.writeEndObject();
        }));
        return null;
    }

    private static Subscription read(String extension, byte[] body) {
        if (!(Json.parse(body) instanceof Map<?, ?> request)) {
            throw new IllegalArgumentException("the subscription must be a JSON object");
        }
        if (!(request.get("schemaVersion") instanceof String version) || !SCHEMA_VERSIONS.contains(version)) {
            throw new IllegalArgumentException("schemaVersion must be one of " + SCHEMA_VERSIONS + ", got: "
                    + request.get("schemaVersion"));
        }
        if (!(request.get("destination") instanceof Map<?, ?> destination)) {
            throw new IllegalArgumentException("destination is required");
        }
        if (!"HTTP".equals(destination.get("protocol"))) {
            throw new IllegalArgumentException("destination.protocol must be HTTP (TCP is not supported here), got: "
                    + destination.get("protocol"));
        }
        if (!(destination.get("URI") instanceof String uri)) {
            throw new IllegalArgumentException("destination.URI is required");
        }
        if (!(request.get("types") instanceof List<?> types) || types.isEmpty()) {
            throw new IllegalArgumentException("types should not be empty");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (Object type : types) {
            if (!(type instanceof String name) || !TYPES.contains(name)) {
                throw new IllegalArgumentException("types must be among " + TYPES + ", got: " + type);
            }
            wanted.add(name);
        }
        Object buffering = request.get("buffering");
        if (buffering != null && !(buffering instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("buffering must be an object");
        }
        Map<?, ?> limits = (Map<?, ?>) buffering;
        return new Subscription(extension, wanted, MAX_ITEMS.read(limits), MAX_BYTES.read(limits),
                TIMEOUT_MS.read(limits), Destination.of(uri));
    }

    // ---- platform events, in the order of an environment's life ---------------------------------------------

    /** A generation starts its init. */
    public void initStart() {
        initStart = PlatformRecords.event("platform.initStart", Json.write(json -> {
            json.writeStartObject();
            json.writeStringField("initializationType", config.initializationType().value());
            json.writeStringField("phase", "init");
            json.writeStringField("functionName", config.functionName());
            json.writeStringField("functionVersion", config.functionVersion());
            json.writeEndObject();
        }));
        if (platform) {
            emitEvent(PLATFORM, initStart);
        }
    }

    /** The runtime finished its init (its first {@code /next}). */
    public void initRuntimeDone() {
        if (platform) {
            emit(PLATFORM, "platform.initRuntimeDone", initRecord("success", null, -1));
        }
    }

    /** An extension finished its init (its first {@code event/next}). */
    public void extensionReady(String name, List<String> events) {
        if (platform) {
            emit(PLATFORM, "platform.extension", Json.write(json -> {
                json.writeStartObject();
                json.writeStringField("name", name);
                json.writeStringField("state", "Ready");
                json.writeArrayFieldStart("events");
                for (String event : events) {
                    json.writeString(event);
                }
                json.writeEndArray();
                json.writeEndObject();
            }));
        }
    }

    /** The init ended, well ({@code errorType} null) or not. */
    public void initReport(String errorType, long initNanos) {
        initStart = null;
        if (platform) {
            emit(PLATFORM, "platform.initReport", initRecord(errorType == null ? "success" : "error", errorType,
                    initNanos));
        }
    }

    public void start(String requestId, String traceId) {
        if (platform) {
            emit(PLATFORM, "platform.start", PlatformRecords.start(requestId, config.functionVersion(), traceId));
        }
    }

    /** The runtime answered: {@code status} is success, error, timeout or failure. */
    public void runtimeDone(String requestId, String status, String errorType, long durationNanos) {
        if (platform) {
            emit(PLATFORM, "platform.runtimeDone",
                    PlatformRecords.runtimeDone(requestId, status, errorType, durationNanos));
        }
    }

    /** The invocation's REPORT; {@code initNanos} is -1 unless it was a cold start. */
    public void report(String requestId, String status, String errorType, long durationNanos, long maxMemoryBytes,
                       long initNanos) {
        if (platform) {
            emit(PLATFORM, "platform.report", PlatformRecords.report(requestId, status, errorType, durationNanos,
                    config.memoryMb(), maxMemoryBytes, initNanos));
        }
    }

    /** Posts everything buffered now (before the extensions hear SHUTDOWN). */
    public void flush() {
        subscriptions.forEach(subscription -> subscription.flush(loop));
    }

    /** A line of the runtime or of an external extension, from the thread that read it. */
    @Override
    public void line(boolean fromExtension, String line) {
        String type = fromExtension ? EXTENSION : FUNCTION;
        try {
            byte[] record = Json.write(json -> json.writeString(line));
            loop.execute(() -> emitEvent(type, PlatformRecords.event(type, record)));
        } catch (RejectedExecutionException stopped) {
            // The shim has stopped: nobody is left to deliver to.
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private byte[] initRecord(String status, String errorType, long initNanos) {
        return PlatformRecords.init(config.initializationType().value(), status, errorType, initNanos);
    }

    private void emit(String type, String eventType, byte[] record) {
        emitEvent(type, PlatformRecords.event(eventType, record));
    }

    private void emitEvent(String type, byte[] event) {
        for (Subscription subscription : subscriptions) {
            if (subscription.types.contains(type)) {
                subscription.add(loop, event);
            }
        }
    }
}
