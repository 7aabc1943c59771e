package dev.lamina.sources;

import dev.lamina.api.EventSource;

/** Makes the poller of a mapping's source kind. */
final class Pollers {
    /** Polls nothing: a disabled or invalid mapping. */
    static final Poller NONE = new Poller() {
        @Override
        public void start() {
        }

        @Override
        public void close() {
        }
    };

    private Pollers() {
    }

    /** Whether Lamina polls this kind of source. */
    static boolean supports(EventSource source) {
        return source.schedule() != null || source.sqs() != null || source.kinesis() != null
                || source.dynamodbStreams() != null;
    }

    /** The poller of an enabled mapping of a supported kind; an invalid spec is refused with the reason. */
    static Poller create(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSource source = mapping.spec().source();
        if (source.schedule() != null) {
            return new SchedulePoller(mapping, with, metrics);
        }
        if (source.sqs() != null) {
            return new SqsPoller(mapping, with, metrics);
        }
        if (source.kinesis() != null) {
            return StreamPoller.kinesis(mapping, with, metrics);
        }
        if (source.dynamodbStreams() != null) {
            return StreamPoller.dynamoDb(mapping, with, metrics);
        }
        throw new IllegalStateException("no poller for " + source.type() + " sources");
    }
}
