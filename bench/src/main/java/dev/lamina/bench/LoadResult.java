package dev.lamina.bench;

import java.util.List;

/**
 * What a load generator reported: answers with status 200, other answers, requests that failed without one
 * (connection errors, timeouts), over how long, the latency percentiles of the answers, what went wrong in words,
 * and the CPU time the generator itself spent.
 */
record LoadResult(long ok, long non200, long errors, double seconds, double p50Millis, double p99Millis,
                  List<String> problems, long clientCpuNanos) {

    LoadResult withClientCpu(long nanos) {
        return new LoadResult(ok, non200, errors, seconds, p50Millis, p99Millis, problems, nanos);
    }

    /** Invocations answered with 200 per second: the only ones that count. */
    double perSecond() {
        return ok / seconds;
    }

    long requests() {
        return ok + non200 + errors;
    }

    boolean clean() {
        return non200 == 0 && errors == 0 && ok > 0;
    }

    double clientMicrosPerRequest() {
        return clientCpuNanos / 1e3 / requests();
    }
}
