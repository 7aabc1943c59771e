package dev.lamina.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A Kafka broker in this JVM, in KRaft combined mode (broker and controller in one process), on free loopback ports
 * with its logs in a temporary directory: a plaintext listener, a SASL_PLAINTEXT one that takes the SCRAM-SHA-512 user
 * {@link #USER}, and an SSL one that asks clients for a certificate (a self-signed one made by the JDK's keytool, which
 * is the broker's certificate, the CA clients trust and the client certificate all at once). Starting is bounded in
 * time; closing stops it and deletes its files. Helpers produce records and read the committed offsets of a group,
 * every call bounded.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String USER = "lamina";
    public static final String PASSWORD = "lamina-secret";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final String STORE_PASSWORD = "lamina-store";

    private final Path dir;
    private final KafkaRaftServer server;
    /** host:port of the plaintext listener. */
    public final String bootstrap;
    /** host:port of the SASL/SCRAM listener. */
    public final String saslBootstrap;
    /** host:port of the SSL listener. */
    public final String tlsBootstrap;
    /** The self-signed certificate, PEM. */
    public final String certificate;
    /** Its key, PKCS#8 PEM. */
    public final String privateKey;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaBroker() {
        quietKafkaLogs();
        // The broker ends its process when it cannot start (a port taken, say): here that would end the test JVM.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("the embedded Kafka broker asked to exit (" + status + "): " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("the embedded Kafka broker asked to halt (" + status + "): " + message);
        });
        try {
            dir = Files.createTempDirectory("lamina-kafka");
            int[] ports = freePorts(4);
            int plain = ports[0];
            int sasl = ports[1];
            int tls = ports[2];
            int controller = ports[3];
            bootstrap = "127.0.0.1:" + plain;
            saslBootstrap = "127.0.0.1:" + sasl;
            tlsBootstrap = "127.0.0.1:" + tls;
            Path keyStore = selfSignedKeyStore(dir);
            KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) loaded(keyStore)
                    .getEntry("broker", new KeyStore.PasswordProtection(STORE_PASSWORD.toCharArray()));
            certificate = pem("CERTIFICATE", entry.getCertificate().getEncoded());
            privateKey = pem("PRIVATE KEY", entry.getPrivateKey().getEncoded());
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
            props.put("listeners", "PLAINTEXT://" + bootstrap + ",SASL_PLAINTEXT://" + saslBootstrap
                    + ",SSL://" + tlsBootstrap + ",CONTROLLER://127.0.0.1:" + controller);
            props.put("advertised.listeners", "PLAINTEXT://" + bootstrap + ",SASL_PLAINTEXT://" + saslBootstrap
                    + ",SSL://" + tlsBootstrap);
            props.put("listener.security.protocol.map",
                    "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT");
            props.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
            props.put("listener.name.ssl.ssl.keystore.location", keyStore.toString());
            props.put("listener.name.ssl.ssl.keystore.password", STORE_PASSWORD);
            props.put("listener.name.ssl.ssl.key.password", STORE_PASSWORD);
            props.put("listener.name.ssl.ssl.truststore.type", "PEM");
            props.put("listener.name.ssl.ssl.truststore.certificates", certificate);
            props.put("listener.name.ssl.ssl.client.auth", "required");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put("log.dirs", dir.toString());
            props.put("auto.create.topics.enable", "false");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "3");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setClusterId("lamina-test-cluster-0")
                    .setNodeId(1)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setScramArguments(List.of("SCRAM-SHA-512=[name=" + USER + ",password=" + PASSWORD + "]"))
                    .run();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            onOwnThread(server::startup).get(START.toSeconds(), TimeUnit.SECONDS);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL.toMillis()));
            admin.describeCluster().nodes().get(START.toSeconds(), TimeUnit.SECONDS);
            // One request in flight: right after a topic is created, the broker may refuse the first batch of a
            // partition (not its leader yet) and take the next ones, and the idempotent producer's retry of the first
            // is then out of sequence for good (sendAll's records expired after 30 s).
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CALL.toMillis(),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL.toMillis() - 1));
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not start", e);
        }
    }

    /**
     * Runs a step of the broker's life on a thread of its own whose context class loader is the one that loaded
     * Kafka: Kafka loads its plugins (metrics reporters) through the context class loader, and a pool thread may carry
     * another one, left by a Quarkus test that ran before in the same JVM.
     */
    private static CompletableFuture<Void> onOwnThread(Runnable step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                step.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "kafka-broker-lifecycle");
        thread.setContextClassLoader(KafkaBroker.class.getClassLoader());
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** A PKCS#12 key store with a self-signed key pair for 127.0.0.1, made by the keytool of the JDK running this. */
    private static Path selfSignedKeyStore(Path dir) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("broker.p12");
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process keytool = new ProcessBuilder(java.resolveSibling("keytool").toString(), "-genkeypair",
                "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!keytool.waitFor(CALL.toSeconds(), TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IllegalStateException("keytool did not make the broker's key pair");
        }
        return keyStore;
    }

    private static KeyStore loaded(Path keyStore) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return store;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Kafka logs every configuration at INFO; the tests need its warnings only. */
    private static void quietKafkaLogs() {
        for (String category : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            java.util.logging.Logger.getLogger(category).setLevel(Level.WARNING);
        }
    }

    /** Distinct free loopback ports: all held open at once while chosen, so no two are the same. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public void createTopic(String topic, int partitions) {
        await(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all());
    }

    /** Writes a record and waits until the broker has it; a null key or value is written as null. */
    public void send(String topic, int partition, String key, String value, Map<String, byte[]> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((name, bytes) -> record.headers().add(name, bytes));
        await(producer.send(record));
    }

    public void send(String topic, int partition, String value) {
        send(topic, partition, null, value, Map.of());
    }

    /**
     * Writes many records without waiting for each, then waits for all: value {@code i} goes to partition
     * {@code partitionOf(i)}. Returns each record's offset, by index.
     */
    public long[] sendAll(String topic, List<String> values, java.util.function.IntUnaryOperator partitionOf) {
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, partitionOf.applyAsInt(i), null,
                    values.get(i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flush();
        long[] offsets = new long[values.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = await(sent.get(i)).offset();
        }
        return offsets;
    }

    /** The group's committed offsets (the next record to read) by partition number. */
    public Map<Integer, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<Integer, Long> byPartition = new HashMap<>();
        offsets.forEach((partition, offset) -> byPartition.put(partition.partition(), offset.offset()));
        return byPartition;
    }

    /** The partitions each member of the group holds, by member. */
    public Map<String, Set<TopicPartition>> members(String group) {
        Map<String, Set<TopicPartition>> members = new HashMap<>();
        await(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)).members()
                .forEach(m -> members.put(m.consumerId(), m.assignment().topicPartitions()));
        return members;
    }

    private static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(CALL.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close(CALL);
        admin.close(CALL);
        CompletableFuture<Void> stopped = onOwnThread(() -> {
            server.shutdown();
            server.awaitShutdown();
        });
        try {
            stopped.get(START.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the embedded Kafka broker did not stop", e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
