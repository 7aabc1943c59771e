/**
 * Event source pollers: the home of EventSourceMappings that run (queues, streams, Kafka, schedules). A poller reads
 * its source and invokes its function through the gateway's invocation path, so aliases, weights, reserved
 * concurrency and scaling apply as to any call. Who feeds it: the mode's room, as for the catalog ({@code local} from
 * the directory, {@code cluster} from informers). Where it runs: in the local process in local mode; in a cluster on
 * the replica holding the controller's Lease, so each mapping is polled by exactly one replica. Nothing here touches
 * Kubernetes classes.
 */
package dev.lamina.sources;
