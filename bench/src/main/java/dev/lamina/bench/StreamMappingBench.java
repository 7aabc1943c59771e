package dev.lamina.bench;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.bench.MappingRuns.Result;
import dev.lamina.bench.MappingRuns.Run;
import dev.lamina.testing.KafkaBroker;
import dev.lamina.testing.MotoServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Records/s from a Kafka topic (an embedded KRaft broker, 6 partitions) and from a Kinesis stream (moto, 4 shards)
 * through a mapping to a function that answers at once, side by side in one run with a plain consumer of the same
 * engine doing the same reading and committing, at batch sizes 100 and 1,000, with the process CPU per record. The
 * function runs in-process: the numbers measure the pollers, not the gateway. See bench/README.md.
 */
public final class StreamMappingBench {
    private static final int[] BATCHES = {100, 1_000};
    private static final String VALUE = "x".repeat(100);
    private static final int PARTITIONS = 6;
    private static final int SHARDS = 4;
    private static final Duration POLL = Duration.ofMillis(250);
    /** What the function counts its records by: a key every record of the event has once (see MappingRuns#drain). */
    private static final String KAFKA_RECORD = "\"offset\":";
    private static final String KINESIS_RECORD = "\"sequenceNumber\":";

    private StreamMappingBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        // moto takes any credentials; the mapping finds these through the default chain, as it would real ones.
        System.setProperty("aws.accessKeyId", "x");
        System.setProperty("aws.secretAccessKey", "x");
        // moto answers Kinesis in JSON only; the SDK speaks CBOR to Kinesis unless told otherwise.
        System.setProperty("aws.cborEnabled", "false");
        int kafkaRecords = args.length > 0 ? Integer.parseInt(args[0].trim()) : 200_000;
        int kinesisRecords = args.length > 1 ? Integer.parseInt(args[1].trim()) : 20_000;
        System.out.printf("StreamMappingBench: %s, %d Kafka records, %d Kinesis records per run%n",
                MappingRuns.machine(), kafkaRecords, kinesisRecords);
        kafka(kafkaRecords);
        Path moto = MotoServer.executable().orElse(null);
        if (moto == null) {
            System.out.println("kinesis: skipped, moto_server is not on the PATH (pip install 'moto[server]')");
        } else {
            kinesis(moto, kinesisRecords);
        }
    }

    private static void print(String engine, int batch, Result mapped, Result plain) {
        System.out.printf("%-7s batch %4d: mapping %8.0f rec/s, %6.1f µs CPU/rec | plain consumer %8.0f rec/s,"
                        + " %6.1f µs CPU/rec | ratio %.2f%n", engine, batch, mapped.perSecond(),
                mapped.cpuMicrosPerRecord(), plain.perSecond(), plain.cpuMicrosPerRecord(),
                mapped.perSecond() / plain.perSecond());
    }

    private static void kafka(int records) throws InterruptedException {
        try (KafkaBroker broker = new KafkaBroker()) {
            String topic = fill(broker, "records", records);
            // Warm-up of both paths, not printed.
            String warmUp = fill(broker, "warm-up", records / 4);
            plainConsumer(broker.bootstrap, warmUp, records / 4, BATCHES[0], "warm-plain");
            MappingRuns.drain(kafkaMapping(broker.bootstrap, warmUp, BATCHES[0], "warm-mapping"),
                    KAFKA_RECORD, records / 4);
            for (int batch : BATCHES) {
                // Each run reads the topic from its start in a group of its own.
                Result plain = plainConsumer(broker.bootstrap, topic, records, batch, "plain-" + batch);
                Result mapped = MappingRuns.drain(kafkaMapping(broker.bootstrap, topic, batch, "mapping-" + batch),
                        KAFKA_RECORD, records);
                print("kafka", batch, mapped, plain);
            }
        }
    }

    private static String fill(KafkaBroker broker, String topic, int records) {
        broker.createTopic(topic, PARTITIONS);
        broker.sendAll(topic, Collections.nCopies(records, VALUE), i -> i % PARTITIONS);
        return topic;
    }

    private static EventSourceMappingSpec kafkaMapping(String bootstrap, String topic, int batch, String group) {
        return Serialization.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata: {name: bench, namespace: bench}
                spec:
                  function: sink
                  source: {kafka: {bootstrapServers: ["%s"], topic: %s, consumerGroupId: %s}}
                  startingPosition: TRIM_HORIZON
                  batchSize: %d
                """.formatted(bootstrap, topic, group, batch), EventSourceMapping.class).getSpec();
    }

    /** A consumer of its own group reading the topic from its start, committing after each poll: a mapping's work. */
    private static Result plainConsumer(String bootstrap, String topic, int records, int batch, String group) {
        Run run = Run.start();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long read = 0;
            while (read < records) {
                run.checkTime(read, records);
                read += consumer.poll(POLL).count();
                consumer.commitSync();
            }
            return run.finish(records);
        }
    }

    private static void kinesis(Path executable, int records) throws Exception {
        Path log = Files.createTempFile("lamina-bench-moto", ".log");
        try (MotoServer moto = MotoServer.start(executable, log);
             KinesisClient kinesis = KinesisClient.builder().endpointOverride(moto.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                     .build()) {
            String endpoint = moto.endpoint().toString();
            KinesisStream stream = fill(kinesis, "records", records);
            // Warm-up of both paths, not printed.
            KinesisStream warmUp = fill(kinesis, "warm-up", records / 4);
            plainConsumer(kinesis, warmUp, BATCHES[0]);
            MappingRuns.drain(kinesisMapping(warmUp.arn(), endpoint, BATCHES[0]), KINESIS_RECORD,
                    records / 4);
            for (int batch : BATCHES) {
                Result plain = plainConsumer(kinesis, stream, batch);
                // The mapping keeps no checkpoints between runs: each reads the stream from its start.
                Result mapped = MappingRuns.drain(kinesisMapping(stream.arn(), endpoint, batch),
                        KINESIS_RECORD, records);
                print("kinesis", batch, mapped, plain);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A stream and how many records each of its shards holds. */
    private record KinesisStream(String arn, Map<String, Integer> recordsByShard) {
        int records() {
            return recordsByShard.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static KinesisStream fill(KinesisClient kinesis, String name, int records) {
        kinesis.createStream(b -> b.streamName(name).shardCount(SHARDS));
        String arn = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamARN();
        Map<String, Integer> byShard = new HashMap<>();
        for (int start = 0; start < records; start += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int n = start; n < start + 500 && n < records; n++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + n)
                        .data(SdkBytes.fromUtf8String(VALUE)).build());
            }
            PutRecordsResponse put = kinesis.putRecords(b -> b.streamARN(arn).records(entries));
            if (put.failedRecordCount() != null && put.failedRecordCount() > 0) {
                throw new IllegalStateException(put.failedRecordCount() + " records were not put");
            }
            put.records().forEach(r -> byShard.merge(r.shardId(), 1, Integer::sum));
        }
        return new KinesisStream(arn, byShard);
    }

    private static EventSourceMappingSpec kinesisMapping(String streamArn, String endpoint, int batch) {
        return Serialization.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata: {name: bench, namespace: bench}
                spec:
                  function: sink
                  source: {kinesis: {streamArn: "%s", endpoint: "%s"}}
                  startingPosition: TRIM_HORIZON
                  batchSize: %d
                """.formatted(streamArn, endpoint, batch), EventSourceMapping.class).getSpec();
    }

    /** Per shard a reader from its start, GetRecords of {@code batch} at a time, until it read the shard's records. */
    private static Result plainConsumer(KinesisClient kinesis, KinesisStream stream, int batch) throws Exception {
        Run run = Run.start();
        List<Future<?>> readers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            stream.recordsByShard().forEach((shard, records) -> readers.add(threads.submit(() -> {
                String iterator = kinesis.getShardIterator(b -> b.streamARN(stream.arn()).shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                for (int read = 0; read < records; ) {
                    run.checkTime(read, records);
                    String from = iterator;
                    GetRecordsResponse got = kinesis.getRecords(b -> b.streamARN(stream.arn()).shardIterator(from)
                            .limit(batch));
                    read += got.records().size();
                    iterator = got.nextShardIterator();
                }
                return null;
            })));
        }
        for (Future<?> reader : readers) {
            reader.get();
        }
        return run.finish(stream.records());
    }
}
