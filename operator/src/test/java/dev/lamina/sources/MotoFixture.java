package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What the stream poller tests share: one moto server for the class, serving Kinesis and DynamoDB Streams, with
 * clients to set streams and tables up; ElasticMQ for failure destinations; and per test fresh collaborators.
 */
abstract class MotoFixture extends ElasticMqFixture {
    @TempDir
    static Path logs;
    static MotoServer moto;
    static String endpoint;
    static KinesisClient kinesis;
    static DynamoDbClient dynamoDb;

    @BeforeAll
    static void startMoto() throws Exception {
        Path executable = MotoServer.executable().orElse(null);
        assumeTrue(executable != null, "moto_server is not installed: these tests need it on the PATH to serve "
                + "Kinesis and DynamoDB Streams (pip install 'moto[server]')");
        // moto answers Kinesis in JSON only; the SDK speaks CBOR to Kinesis unless told otherwise.
        System.setProperty("aws.cborEnabled", "false");
        moto = MotoServer.start(executable, logs.resolve("moto.log"));
        endpoint = moto.endpoint().toString();
        kinesis = client(KinesisClient.builder());
        dynamoDb = client(DynamoDbClient.builder());
    }

    @AfterAll
    static void stopMoto() throws InterruptedException {
        if (kinesis != null) {
            kinesis.close();
            dynamoDb.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(ElasticMq.CREDENTIALS)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))).build();
    }

    static ConditionFactory eventually() {
        return await().atMost(WITHIN).pollInterval(Duration.ofMillis(100));
    }

    /** A Kinesis stream named after the test, with this many shards; its ARN. */
    String stream(int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        return kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamARN();
    }

    /** Puts a record; its sequence number. */
    static String put(String streamArn, String partitionKey, byte[] data) {
        return kinesis.putRecord(b -> b.streamARN(streamArn).partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data))).sequenceNumber();
    }

    static String put(String streamArn, String partitionKey, String data) {
        return put(streamArn, partitionKey, data.getBytes(StandardCharsets.UTF_8));
    }

    StreamMapping kinesisMapping(String streamArn) {
        return StreamMapping.kinesis(name, streamArn, endpoint);
    }

    Map<String, String> checkpoints(Mapping mapping) {
        return sources.checkpoints.load(mapping.key());
    }

    /** Every record of every event the function got, in order. */
    List<JsonNode> records() {
        return sources.function.events().stream().flatMap(e -> e.records().stream()).toList();
    }

    /** A Kinesis record's data, decoded. */
    static String data(JsonNode record) {
        return new String(Base64.getDecoder().decode(record.path("kinesis").path("data").asText()),
                StandardCharsets.UTF_8);
    }

    static void assertEnabled(MappingState state) {
        assertThat(state.state()).isEqualTo(MappingState.State.Enabled);
        assertThat(state.problem()).isNull();
    }
}
