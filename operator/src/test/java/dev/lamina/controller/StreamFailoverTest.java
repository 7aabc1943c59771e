package dev.lamina.controller;

import static dev.lamina.controller.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.EventSourceMappingStatus;
import dev.lamina.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A Kinesis mapping in a cluster: the Lease holder polls it, its checkpoints land in the mapping's status with its
 * shards and their lag, and after a leader change the new holder goes on after the checkpoint: nothing is sent twice
 * or skipped. The stream is served by moto.
 */
class StreamFailoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path logs;
    private static MotoServer moto;
    private static KinesisClient kinesis;
    private static MockCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Path executable = MotoServer.executable().orElse(null);
        assumeTrue(executable != null, "moto_server is not installed: this test needs it on the PATH to serve Kinesis "
                + "(pip install 'moto[server]')");
        // moto answers Kinesis in JSON only; and the mapping finds these credentials through the default chain.
        System.setProperty("aws.cborEnabled", "false");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        moto = MotoServer.start(executable, logs.resolve("moto.log"));
        kinesis = KinesisClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))).build();
        cluster = MockCluster.start(ControllerSettings.defaults());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
        if (kinesis != null) {
            kinesis.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void aNewLeaseHolderGoesOnAfterTheCheckpointInTheMappingsStatus() throws Exception {
        String ns = cluster.newNamespace("stream");
        kinesis.createStream(b -> b.streamName("clicks").shardCount(1));
        String arn = kinesis.describeStreamSummary(b -> b.streamName("clicks")).streamDescriptionSummary().streamARN();
        for (int i = 0; i < 5; i++) {
            put(arn, "first-" + i);
        }
        cluster.client().resource(Fixtures.imageFunction(ns, "clicks")).create();
        cluster.client().resource(Fixtures.mapping(ns, "clicks", """
                function: clicks
                source: {kinesis: {streamArn: "%s", endpoint: "%s"}}
                startingPosition: TRIM_HORIZON
                """.formatted(arn, moto.endpoint()))).create();

        eventually().until(() -> delivered(ns).size() == 5);
        EventSourceMappingStatus status = eventually().until(() -> mapping(ns).getStatus(),
                s -> s.checkpoints() != null && s.checkpoints().size() == 1 && Integer.valueOf(1).equals(s.shardCount()));
        assertThat(status.shardCount()).isEqualTo(1);
        assertThat(status.shards()).singleElement().satisfies(shard -> {
            assertThat(shard.id()).startsWith("shardId-");
            assertThat(shard.iteratorAgeMilliseconds()).isNotNull();
        });
        String shard = status.checkpoints().keySet().iterator().next();
        eventually().until(() -> lastSequence(arn, shard).equals(mapping(ns).getStatus().checkpoints().get(shard)));

        // The Lease moves: records put meanwhile are read by the next holder, after the checkpoint it finds.
        cluster.sources().follow();
        for (int i = 0; i < 3; i++) {
            put(arn, "second-" + i);
        }
        cluster.sources().lead();

        eventually().until(() -> delivered(ns).size() == 8);
        assertThat(delivered(ns)).containsExactly("first-0", "first-1", "first-2", "first-3", "first-4",
                "second-0", "second-1", "second-2");
        eventually().until(() -> lastSequence(arn, shard).equals(mapping(ns).getStatus().checkpoints().get(shard)));
    }

    private static void put(String arn, String data) {
        kinesis.putRecord(b -> b.streamARN(arn).partitionKey("user").data(SdkBytes.fromUtf8String(data)));
    }

    /** The sequence number of the shard's newest record. */
    private static String lastSequence(String arn, String shard) {
        String iterator = kinesis.getShardIterator(b -> b.streamARN(arn).shardId(shard)
                .shardIteratorType("TRIM_HORIZON")).shardIterator();
        var records = kinesis.getRecords(b -> b.streamARN(arn).shardIterator(iterator).limit(1000)).records();
        return records.getLast().sequenceNumber();
    }

    private static EventSourceMapping mapping(String ns) {
        return cluster.client().resources(EventSourceMapping.class).inNamespace(ns).withName("clicks").get();
    }

    /** The data of every record the function was invoked with, in order. */
    private static List<String> delivered(String ns) throws Exception {
        List<String> data = new ArrayList<>();
        for (String invocation : cluster.invoked()) {
            if (!invocation.startsWith(ns + "/clicks ")) {
                continue;
            }
            JsonNode event = JSON.readTree(invocation.substring(invocation.indexOf(' ') + 1));
            for (JsonNode record : event.get("Records")) {
                data.add(new String(Base64.getDecoder().decode(record.at("/kinesis/data").asText()),
                        StandardCharsets.UTF_8));
            }
        }
        return data;
    }
}
