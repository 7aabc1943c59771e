package dev.lamina.shim.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The environment's counters in Prometheus text format. A handful of counters and gauges do not justify a metrics
 * library in a process that must start in well under 150 ms beside every function (see README).
 */
public final class ShimMetrics {

    private final String labels;
    private final int capacity;
    private final LongAdder invocations = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private volatile int inFlight;
    private volatile int waiting;
    private volatile boolean ready;
    private volatile long lastInitNanos;

    public ShimMetrics(String functionName, String functionVersion, int capacity) {
        this.labels = "{function=\"" + escape(functionName) + "\",version=\"" + escape(functionVersion) + "\"}";
        this.capacity = capacity;
    }

    public void completed(boolean failed) {
        invocations.increment();
        if (failed) {
            errors.increment();
        }
    }

    public void timedOut() {
        timeouts.increment();
    }

    public void busy() {
        busy.increment();
    }

    public void restarted() {
        restarts.increment();
    }

    public void initialized(long initNanos) {
        lastInitNanos = initNanos;
    }

    public void gauges(int inFlight, int waiting, boolean ready) {
        this.inFlight = inFlight;
        this.waiting = waiting;
        this.ready = ready;
    }

    public String render() {
        StringBuilder text = new StringBuilder(1024);
        gauge(text, "lamina_shim_in_flight", "Invocations holding a slot of this environment.", inFlight);
        gauge(text, "lamina_shim_waiting", "Invocations waiting for a free slot.", waiting);
        gauge(text, "lamina_shim_capacity", "Slots of this environment (invocations served at a time).", capacity);
        gauge(text, "lamina_shim_ready", "1 once the runtime finished init (made its first /next).", ready ? 1 : 0);
        counter(text, "lamina_shim_invocations_total", "Invocations answered.", invocations.sum());
        counter(text, "lamina_shim_errors_total", "Invocations answered with a function error.", errors.sum());
        counter(text, "lamina_shim_timeouts_total", "Invocations that timed out.", timeouts.sum());
        counter(text, "lamina_shim_busy_total", "Invocations refused because every slot was taken.", busy.sum());
        counter(text, "lamina_shim_runtime_restarts_total", "Runtime resets after a timeout, crash or init error.",
                restarts.sum());
        text.append("# HELP lamina_shim_init_duration_seconds Duration of the last runtime init.\n")
                .append("# TYPE lamina_shim_init_duration_seconds gauge\n")
                .append("lamina_shim_init_duration_seconds").append(labels).append(' ')
                .append(String.format(Locale.ROOT, "%.6f", lastInitNanos / 1e9)).append('\n');
        return text.toString();
    }

    private void gauge(StringBuilder text, String name, String help, long value) {
        metric(text, name, help, "gauge", value);
    }

    private void counter(StringBuilder text, String name, String help, long value) {
        metric(text, name, help, "counter", value);
    }

    private void metric(StringBuilder text, String name, String help, String type, long value) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
