package dev.lamina.sources;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB stream through the DynamoDB Streams API. The API tells no iterator age: a read is as far behind as its
 * last record is old, and not behind once a read finds nothing new.
 */
final class DynamoDbShardStream implements ShardStream {
    private static final Logger LOG = Logger.getLogger(DynamoDbShardStream.class);
    /** The most records one GetRecords returns. */
    private static final int MAX_RECORDS = 1_000;

    private final DynamoDbStreamsClient client;
    private final String streamArn;
    private final DynamoDbRecords records;
    private final InstantSource clock;

    private DynamoDbShardStream(DynamoDbStreamsClient client, DynamoDbRecords records, InstantSource clock) {
        this.client = client;
        this.streamArn = records.streamArn();
        this.records = records;
        this.clock = clock;
    }

    static DynamoDbShardStream open(String endpoint, String region, AwsCredentialsProvider credentials,
                                    DynamoDbRecords records, InstantSource clock) {
        return new DynamoDbShardStream(AwsClients.configure(DynamoDbStreamsClient.builder(), endpoint, region,
                credentials, MAX_CONNECTIONS, CALL_TIMEOUT).build(), records, clock);
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String last = null;
        do {
            String after = last;
            StreamDescription page = client.describeStream(r -> r.streamArn(streamArn)
                    .exclusiveStartShardId(after)).streamDescription();
            page.shards().forEach(s -> shards.add(new Shard(s.shardId(), s.parentShardId(), null,
                    s.sequenceNumberRange().endingSequenceNumber())));
            last = page.lastEvaluatedShardId();
        } while (last != null);
        return shards;
    }

    @Override
    public String iterator(String shard, StartAt at) {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn)
                .shardId(shard);
        switch (at) {
            case StartAt.After after -> request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(after.sequenceNumber());
            case StartAt.TrimHorizon trimHorizon -> request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            case StartAt.Latest latest -> request.shardIteratorType(ShardIteratorType.LATEST);
            // Refused with the mapping already.
            case StartAt.AtTimestamp timestamp -> throw new IllegalArgumentException(
                    "DynamoDB streams have no AT_TIMESTAMP iterator");
        }
        try {
            return client.getShardIterator(request.build()).shardIterator();
        } catch (TrimmedDataAccessException e) {
            // The records after the checkpoint are past the stream's 24 hours: reading goes on with the oldest kept.
            LOG.warnf("stream %s shard %s: the records after %s expired unread; reading from the oldest kept",
                    streamArn, shard, at);
            return client.getShardIterator(r -> r.streamArn(streamArn).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        }
    }

    @Override
    public Read read(String shard, String iterator) {
        GetRecordsResponse response;
        try {
            response = client.getRecords(r -> r.shardIterator(iterator).limit(MAX_RECORDS));
        } catch (ExpiredIteratorException e) {
            return new Read.Expired();
        }
        List<StreamRecord> read = response.records().stream().map(records::record).toList();
        long behind = read.isEmpty() ? 0 : Math.max(0, clock.millis() - read.getLast().arrivalMillis());
        return new Read.Records(read, response.nextShardIterator(), behind);
    }

    @Override
    public void close() {
        client.close();
    }
}
