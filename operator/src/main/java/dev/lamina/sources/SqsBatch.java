package dev.lamina.sources;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * SQS messages for one invocation, in the order read, each with its record as the function gets it, serialized once.
 * The event is a {@link RecordsEvent}.
 */
record SqsBatch(List<Entry> entries) {
    /** Lambda's limit on a synchronous invocation's payload: 6 MB. */
    static final int MAX_PAYLOAD = 6_291_456;

    /** A message and its record's JSON. */
    record Entry(Message message, byte[] record) {
        String id() {
            return message.messageId();
        }

        String group() {
            return groupOf(message);
        }
    }

    /** A message's FIFO message group, null on standard queues. */
    static String groupOf(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    SqsBatch {
        entries = List.copyOf(entries);
    }

    /** The size of the event holding these records. */
    static long payloadSize(List<Entry> entries) {
        return RecordsEvent.size(entries.size(), entries.stream().mapToLong(e -> e.record().length).sum());
    }

    /** The records in order, cut into batches whose events stay within {@code limit} bytes (a lone larger record goes alone). */
    static List<SqsBatch> split(List<Entry> entries, long limit) {
        List<SqsBatch> batches = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long size = RecordsEvent.size(0, 0);
        for (Entry entry : entries) {
            long added = entry.record().length + (current.isEmpty() ? 0 : 1);
            if (!current.isEmpty() && size + added > limit) {
                batches.add(new SqsBatch(current));
                current = new ArrayList<>();
                size = RecordsEvent.size(0, 0);
                added = entry.record().length;
            }
            current.add(entry);
            size += added;
        }
        if (!current.isEmpty()) {
            batches.add(new SqsBatch(current));
        }
        return batches;
    }

    byte[] payload() {
        return RecordsEvent.of(entries.stream().map(Entry::record).toList());
    }

    Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        entries.forEach(e -> ids.add(e.id()));
        return ids;
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries whose ids are not in {@code ids}. */
    List<Entry> except(Set<String> ids) {
        return entries.stream().filter(e -> !ids.contains(e.id())).toList();
    }

    /** This batch without the messages of these FIFO groups. */
    SqsBatch withoutGroups(Set<String> groups) {
        return new SqsBatch(entries.stream().filter(e -> !groups.contains(e.group())).toList());
    }

    /** The groups of these messages. */
    Set<String> groupsOf(Set<String> ids) {
        Set<String> groups = new HashSet<>();
        entries.stream().filter(e -> ids.contains(e.id()) && e.group() != null).forEach(e -> groups.add(e.group()));
        return groups;
    }

    /**
     * The failed messages of a FIFO batch: those reported, and every later message of a group once one of it failed,
     * so that no message of a group is deleted ahead of an earlier one that comes back.
     */
    Set<String> failedInOrder(Set<String> reported) {
        Set<String> failed = new LinkedHashSet<>();
        Set<String> failedGroups = new HashSet<>();
        for (Entry entry : entries) {
            if (reported.contains(entry.id()) || failedGroups.contains(entry.group())) {
                failed.add(entry.id());
                if (entry.group() != null) {
                    failedGroups.add(entry.group());
                }
            }
        }
        return failed;
    }

    /** The SentTimestamp of the oldest message, if the queue gave it. */
    OptionalLong oldestSent() {
        return entries.stream()
                .map(e -> e.message().attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP))
                .filter(s -> s != null && !s.isEmpty())
                .mapToLong(Long::parseLong)
                .min();
    }
}
