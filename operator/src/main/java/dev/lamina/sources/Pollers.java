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

    /** The poller of an enabled mapping; an invalid spec is refused with the reason. */
    static Poller create(Mapping mapping, SourceCollaborators with, SourceMetrics metrics) {
        EventSource source = mapping.spec().source();
        if (source.sqs() != null) {
            return new SqsPoller(mapping, with, metrics);
        } else if (source.kinesis() != null) {
            return StreamPoller.kinesis(mapping, with, metrics);
        } else if (source.dynamodbStreams() != null) {
            return StreamPoller.dynamoDb(mapping, with, metrics);
        } else if (source.kafka() != null) {
            return new KafkaPoller(mapping, with, metrics);
        }
        return new SchedulePoller(mapping, with, metrics);
    }
}
