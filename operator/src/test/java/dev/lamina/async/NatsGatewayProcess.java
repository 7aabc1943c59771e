package dev.lamina.async;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A gateway replica's asynchronous invocation on a shared NATS stream, with one function, {@code sink}, that records
 * each payload it is invoked with. Run as a separate JVM by {@link NatsEventStoreKillTest} (arguments: server URLs
 * separated by commas, the prefix of the events it sends, how many): prints {@code READY} once connected to the
 * stream, {@code ACK <id>} for every event accepted
 * (the 202), {@code SENT} when done sending, and {@code GOT <id>} and {@code END <id>} when an invocation begins and
 * ends; it delivers until killed.
 */
public final class NatsGatewayProcess {

    static final Duration ACK_WAIT = Duration.ofSeconds(5);
    /** 8 deliveries at a time of 10 ms each: a backlog builds up while events are sent. */
    static final AsyncSettings SETTINGS = new AsyncSettings(Harness.FAST.functionErrorRetryDelays(),
            Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(5), 8,
            Duration.ofMillis(100), "us-east-1");
    private static final FunctionRef SINK = new FunctionRef(Harness.NAMESPACE, "sink", null);
    private static final Duration WORK = Duration.ofMillis(10);

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Consumer<String> print = line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
        AsyncInvocations async = start(List.of(args[0].split(",")), id -> print.accept("GOT " + id),
                id -> print.accept("END " + id));
        print.accept("READY");
        send(async, args[1], Integer.parseInt(args[2]), id -> print.accept("ACK " + id));
        print.accept("SENT");
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * Asynchronous invocation on the stream {@code LAMINA_ASYNC} of {@code servers}, delivering to the sink, which
     * tells when it begins and ends an invocation.
     */
    static AsyncInvocations start(List<String> servers, Consumer<String> begins, Consumer<String> ends) {
        AsyncFunctions functions = function -> function.name().equals(SINK.name())
                ? Optional.of(new AsyncFunction(ScriptedFunctions.arn(SINK.name()), null, null)) : Optional.empty();
        FunctionInvoker sink = (function, payload, requestId, traceHeader) -> {
            String id = Json.parseOrText(payload).asText();
            begins.accept(id);
            try {
                Thread.sleep(WORK);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ends.accept(id);
            return ScriptedFunctions.ok("{}");
        };
        NatsSettings nats = new NatsSettings(servers, Optional.empty(), "LAMINA_ASYNC", 3, ACK_WAIT);
        return AsyncInvocations.start(NatsEventStore.connect(nats, InstantSource.system()), SETTINGS,
                new AsyncInvocations.Collaborators(functions, sink, Sqs.CREDENTIALS, new SimpleMeterRegistry(),
                        InstantSource.system()));
    }

    /**
     * Sends {@code count} events (JSON strings {@code "<prefix>-<n>"}) from 16 concurrent senders; an event the intake
     * refuses (the stream did not confirm it) is sent again, as a caller would, under a new request id.
     */
    static void send(AsyncInvocations async, String prefix, int count, Consumer<String> accepted) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < 16; s++) {
                running.add(senders.submit(() -> {
                    for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        String id = prefix + "-" + n;
                        byte[] payload = ("\"" + id + "\"").getBytes(StandardCharsets.UTF_8);
                        while (!(async.intake().accept(SINK, payload, null).join() instanceof IntakeResult.Accepted)) {
                            Thread.sleep(100);
                        }
                        accepted.accept(id);
                    }
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get();
            }
        }
    }
}
