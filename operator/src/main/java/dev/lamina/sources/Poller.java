package dev.lamina.sources;

/**
 * Runs one enabled mapping: reads its source and invokes its function. Started once; closing it stops reading, lets an
 * invocation under way finish (records whose batch did not finish come back from their source), and returns once
 * nothing of it runs any more. A poller closed before it started (replaced again while its predecessor was stopping)
 * does nothing when started.
 */
interface Poller extends AutoCloseable {

    void start();

    @Override
    void close();
}
