package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.FunctionInvoker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Run as a separate JVM by {@link KafkaReliabilityIT}: polls one Kafka mapping (the spec in {@code args[0]}) into an
 * in-process function that fails every batch holding a record whose value has {@code "fail":true}, and prints
 * {@code DELIVERED <partition> <offset>} for each record of each batch it succeeded with, before answering: a record
 * printed may be committed later or, if the process is killed first, read again.
 */
public final class KafkaPollerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaPollerProcess() {
    }

    public static void main(String[] args) throws Exception {
        EventSourceMappingSpec spec = new ObjectMapper(new YAMLFactory()).readValue(Path.of(args[0]).toFile(),
                EventSourceMappingSpec.class);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        FunctionInvoker function = (ref, payload, requestId, trace) -> {
            List<String> delivered = new ArrayList<>();
            boolean fail = false;
            try {
                for (JsonNode partition : JSON.readTree(payload).get("records")) {
                    for (JsonNode record : partition) {
                        String value = new String(Base64.getDecoder().decode(record.get("value").asText()),
                                StandardCharsets.UTF_8);
                        fail |= value.contains("\"fail\":true");
                        delivered.add("DELIVERED " + record.get("partition").asInt() + " " + record.get("offset").asLong());
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (fail) {
                return new AttemptOutcome.FunctionError("$LATEST", "Unhandled",
                        "{\"errorMessage\":\"poison record\"}".getBytes(StandardCharsets.UTF_8));
            }
            synchronized (out) {
                delivered.forEach(out::println);
                out.flush();
            }
            return new AttemptOutcome.Success("$LATEST", new byte[0]);
        };
        SourceCollaborators with = new SourceCollaborators(
                ref -> Optional.of(new AsyncFunction("arn:aws:lambda:us-east-1:000000000000:function:" + ref.name(),
                        null, null)),
                function,
                (ref, payload) -> CompletableFuture.failedFuture(new UnsupportedOperationException("not for Kafka")),
                (namespace, secret) -> {
                    throw new IllegalStateException("no AWS credentials here");
                },
                (namespace, secret) -> Map.of(),
                new NoTicks(),
                new MemoryCheckpointStore(),
                (key, state) -> {
                    synchronized (out) {
                        out.println("STATE " + state.state() + " " + state.lastProcessingResult());
                        out.flush();
                    }
                },
                new SimpleMeterRegistry(), InstantSource.system(), "us-east-1", namespace -> "000000000000");
        try (EventSources sources = new EventSources(with)) {
            sources.put(new Mapping(new MappingKey("team", "orders"), 1, spec));
            new CountDownLatch(1).await();
        }
    }
}
