/**
 * Asynchronous invocation ({@code X-Amz-Invocation-Type: Event}), as Lambda does it, losing nothing.
 *
 * <ul>
 *   <li>{@link dev.lamina.async.AsyncIntake} validates an event (≤ 1 MB, valid JSON; the caller has found its
 *       function) and answers only after the event is on disk.</li>
 *   <li>{@link dev.lamina.async.EventStore} is the durable queue; {@link dev.lamina.async.SqliteEventStore} the
 *       embedded engine (why SQLite, and how group commit works, is explained there),
 *       {@link dev.lamina.async.NatsEventStore} the replicated one that several gateway replicas share (a JetStream
 *       work queue).</li>
 *   <li>{@code DeliveryLoop} hands due events to {@code Delivery}, which applies Lambda's retry, backoff, event-age,
 *       reserved-concurrency and recursion rules and sends records to destinations and dead-letter queues.</li>
 *   <li>The package reaches the rest of Lamina through two ports: {@link dev.lamina.async.AsyncFunctions} (which
 *       functions exist, their async configuration) and {@link dev.lamina.async.FunctionInvoker} (the gateway's
 *       invocation path), plus {@link dev.lamina.async.SqsCredentials} for queue credentials.</li>
 * </ul>
 *
 * Delivery is at-least-once: an event leaves the store only after its outcome has been sent, so a crash repeats
 * work rather than losing it.
 */
package dev.lamina.async;
