package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsBatchTest {

    private static SqsBatch.Entry entry(String id, String group, String record) {
        Map<MessageSystemAttributeName, String> attributes = new HashMap<>();
        if (group != null) {
            attributes.put(MessageSystemAttributeName.MESSAGE_GROUP_ID, group);
        }
        return new SqsBatch.Entry(Message.builder().messageId(id).attributes(attributes).build(),
                record.getBytes(StandardCharsets.UTF_8));
    }

    private static SqsBatch.Entry sized(String id, int bytes) {
        return entry(id, null, "\"" + "x".repeat(bytes - 2) + "\"");
    }

    @Test
    void theEventIsTheRecordsInOrder() {
        SqsBatch batch = new SqsBatch(List.of(entry("a", null, "{\"n\":1}"), entry("b", null, "{\"n\":2}")));

        assertThat(new String(batch.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"Records\":[{\"n\":1},{\"n\":2}]}");
        assertThat(SqsBatch.payloadSize(batch.entries())).isEqualTo(batch.payload().length);
        assertThat(new String(new SqsBatch(List.of()).payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"Records\":[]}");
        assertThat(SqsBatch.payloadSize(List.of())).isEqualTo("{\"Records\":[]}".length());
    }

    @Test
    void splitsSoThatEachEventStaysWithinTheLimit() {
        // 14 bytes of envelope + 3 records of 1,000,000 bytes + 2 commas = 3,000,016 bytes.
        List<SqsBatch.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(sized("m" + i, 1_000_000));
        }

        List<SqsBatch> batches = SqsBatch.split(entries, 3_000_016);

        assertThat(batches).extracting(SqsBatch::size).containsExactly(3, 3, 3, 1);
        assertThat(batches).allSatisfy(b -> assertThat(b.payload().length).isLessThanOrEqualTo(3_000_016));
        assertThat(batches.stream().flatMap(b -> b.entries().stream()).map(SqsBatch.Entry::id).toList())
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(SqsBatch.split(entries, 3_000_015)).extracting(SqsBatch::size).containsExactly(2, 2, 2, 2, 2);
    }

    @Test
    void atLambdasLimitThirtyRecordsOf250KilobytesMakeTwoEvents() {
        List<SqsBatch.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            entries.add(sized("m" + i, 250_000));
        }

        List<SqsBatch> batches = SqsBatch.split(entries, SqsBatch.MAX_PAYLOAD);

        assertThat(batches).extracting(SqsBatch::size).containsExactly(25, 5);
        assertThat(batches.getFirst().payload().length).isLessThanOrEqualTo(6_291_456);
    }

    @Test
    void aRecordAboveTheLimitGoesAlone() {
        List<SqsBatch> batches = SqsBatch.split(List.of(sized("small", 10), sized("huge", 100), sized("next", 10)),
                50);

        assertThat(batches).extracting(SqsBatch::size).containsExactly(1, 1, 1);
    }

    @Test
    void inAFifoBatchEveryLaterMessageOfAFailedGroupFailsToo() {
        SqsBatch batch = new SqsBatch(List.of(entry("a1", "A", "1"), entry("b1", "B", "1"), entry("a2", "A", "1"),
                entry("b2", "B", "1"), entry("a3", "A", "1"), entry("c1", "C", "1")));

        assertThat(batch.failedInOrder(Set.of("a2"))).containsExactly("a2", "a3");
        assertThat(batch.failedInOrder(Set.of("b1", "c1"))).containsExactly("b1", "b2", "c1");
        assertThat(batch.failedInOrder(Set.of())).isEmpty();
        assertThat(batch.groupsOf(Set.of("a2", "c1"))).containsExactlyInAnyOrder("A", "C");
        assertThat(batch.withoutGroups(Set.of("A")).ids()).containsExactly("b1", "b2", "c1");
        assertThat(batch.except(Set.of("a1", "b2"))).extracting(SqsBatch.Entry::id)
                .containsExactly("b1", "a2", "a3", "c1");
    }

    @Test
    void theOldestSentTimestamp() {
        SqsBatch batch = new SqsBatch(List.of(
                new SqsBatch.Entry(Message.builder().messageId("a")
                        .attributes(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP, "2000")).build(), new byte[0]),
                new SqsBatch.Entry(Message.builder().messageId("b")
                        .attributes(Map.of(MessageSystemAttributeName.SENT_TIMESTAMP, "1000")).build(), new byte[0]),
                new SqsBatch.Entry(Message.builder().messageId("c").build(), new byte[0])));

        assertThat(batch.oldestSent()).hasValue(1000);
        assertThat(new SqsBatch(List.of()).oldestSent()).isEmpty();
    }
}
