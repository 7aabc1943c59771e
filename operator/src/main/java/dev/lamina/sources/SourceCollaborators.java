package dev.lamina.sources;

import dev.lamina.async.AsyncFunctions;
import dev.lamina.async.FunctionInvoker;
import dev.lamina.async.SqsCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What pollers work with, supplied by the mode's room.
 *
 * @param functions   looks the mapped function up (exists, reserved concurrency)
 * @param invoker     invokes synchronously through the gateway's invocation path
 * @param events      queues asynchronous invocations (schedules)
 * @param credentials AWS credentials from a mapping's {@code credentialsSecret}
 * @param secrets     the raw values of a Secret (a Kafka cluster's credentials and certificates)
 * @param ticks       the durable record of fired schedule ticks
 * @param checkpoints the durable record of Kinesis and DynamoDB stream checkpoints
 * @param status      where mapping states go
 * @param registry    receives the per-mapping metrics
 * @param clock       the time schedules fire by
 * @param region      the region sources default to and events name
 * @param accountIds  the account id of a namespace, as events name it (one rule, the gateway's {@code Accounts})
 */
public record SourceCollaborators(AsyncFunctions functions, FunctionInvoker invoker, EventQueue events,
                                  SqsCredentials credentials, SecretValues secrets, TickStore ticks,
                                  CheckpointStore checkpoints, MappingStatusSink status, MeterRegistry registry,
                                  InstantSource clock, String region,
                                  UnaryOperator<String> accountIds) {
    public SourceCollaborators {
        Objects.requireNonNull(functions, "functions");
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(ticks, "ticks");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(accountIds, "accountIds");
    }
}
