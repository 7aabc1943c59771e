package dev.lamina.sources;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** A Kinesis data stream through the Kinesis API (AWS or a compatible endpoint), addressed by ARN in every call. */
final class KinesisShardStream implements ShardStream {
    /** The most records one GetRecords returns. */
    private static final int MAX_RECORDS = 10_000;

    private final KinesisClient client;
    private final String streamArn;
    private final KinesisRecords records;

    private KinesisShardStream(KinesisClient client, String streamArn, KinesisRecords records) {
        this.client = client;
        this.streamArn = streamArn;
        this.records = records;
    }

    static KinesisShardStream open(String endpoint, String region, AwsCredentialsProvider credentials,
                                   KinesisRecords records) {
        return new KinesisShardStream(AwsClients.configure(KinesisClient.builder(), endpoint, region, credentials,
                MAX_CONNECTIONS, CALL_TIMEOUT)
                .build(), records.streamArn(), records);
    }

    @Override
    public List<Shard> shards() {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            // A page after the first names only its token.
            ListShardsResponse page = client.listShards(r -> {
                if (token == null) {
                    r.streamARN(streamArn);
                } else {
                    r.nextToken(token);
                }
            });
            page.shards().forEach(s -> shards.add(new Shard(s.shardId(), s.parentShardId(),
                    s.adjacentParentShardId(), s.sequenceNumberRange().endingSequenceNumber())));
            next = page.nextToken();
        } while (next != null);
        return shards;
    }

    @Override
    public String iterator(String shard, StartAt at) {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamARN(streamArn)
                .shardId(shard);
        switch (at) {
            case StartAt.After after -> request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .startingSequenceNumber(after.sequenceNumber());
            case StartAt.TrimHorizon trimHorizon -> request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            case StartAt.Latest latest -> request.shardIteratorType(ShardIteratorType.LATEST);
            case StartAt.AtTimestamp timestamp -> request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                    .timestamp(timestamp.timestamp());
        }
        return client.getShardIterator(request.build()).shardIterator();
    }

    @Override
    public Read read(String shard, String iterator) {
        GetRecordsResponse response;
        try {
            response = client.getRecords(r -> r.streamARN(streamArn).shardIterator(iterator).limit(MAX_RECORDS));
        } catch (ExpiredIteratorException e) {
            return new Read.Expired();
        }
        List<StreamRecord> read = response.records().stream().map(r -> records.record(shard, r)).toList();
        Long behind = response.millisBehindLatest();
        return new Read.Records(read, response.nextShardIterator(), behind == null ? 0 : behind);
    }

    @Override
    public void close() {
        client.close();
    }
}
