package dev.lamina.scaling;

import java.util.function.LongSupplier;

/**
 * Demand of one function version: invocations admitted and not yet answered (running or waiting for an
 * environment), with its time-weighted average between two samples, the input of the autoscaler's windows.
 */
public final class ConcurrencyMeter {

    private final LongSupplier nanoClock;
    private int level;
    private long lastChange;
    private long sampleStart;
    private double area;

    public ConcurrencyMeter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.lastChange = now;
        this.sampleStart = now;
    }

    public synchronized void increment() {
        advance();
        level++;
    }

    public synchronized void decrement() {
        advance();
        level--;
    }

    /** Invocations admitted now. */
    public synchronized int level() {
        return level;
    }

    /** The average level since the previous call (or since creation), and starts a new sample. */
    public synchronized double sampleAverage() {
        advance();
        long now = lastChange;
        double average = now > sampleStart ? area / (now - sampleStart) : level;
        sampleStart = now;
        area = 0;
        return average;
    }

    private void advance() {
        long now = nanoClock.getAsLong();
        area += (double) level * (now - lastChange);
        lastChange = now;
    }
}
