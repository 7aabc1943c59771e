package dev.lamina.sources;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What the SQS poller tests share: one ElasticMQ for the class, and per test fresh collaborators, the event sources
 * polling through them, and a name (the test's) for its queues.
 */
abstract class ElasticMqFixture {
    static final Duration WITHIN = Duration.ofSeconds(30);
    static ElasticMq mq;

    Sources sources;
    EventSources running;
    String name;

    @BeforeAll
    static void startSqs() {
        mq = new ElasticMq();
    }

    @AfterAll
    static void stopSqs() {
        mq.close();
    }

    @BeforeEach
    void start(TestInfo test) {
        sources = new Sources();
        running = new EventSources(sources.with);
        name = test.getTestMethod().orElseThrow().getName().toLowerCase();
    }

    @AfterEach
    void stop() {
        running.close();
    }

    Sources.Sqs sqs(String queueUrl) {
        return Sources.Sqs.of(name, queueUrl, mq.endpoint);
    }
}
